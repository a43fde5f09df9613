"""HR metrics (metrics.md §4) and the agencies the HR exports hold data of."""

from datetime import date

import sqlalchemy as sa

from warehouse.periods import Period
from warehouse.tables_hr import cfg_hr_baseline, fct_hr_export


def _exports_before(period: Period) -> sa.Select:
    return sa.select(fct_hr_export.c.agency_code).where(fct_hr_export.c.export_month < period.end_at)


def agencies_with_data(conn: sa.Connection, period: Period) -> set[str]:
    """Agencies with a snapshot for P: an export of a month that starts before the end of P."""
    return set(conn.execute(_exports_before(period).distinct()).scalars())


def agencies_with_baseline(conn: sa.Connection, period: Period) -> set[str]:
    """Agencies with a snapshot for P and the December export of the baseline year; without that export
    hr.civil_servant_reduction is undefined (metrics.md §4), not zero."""
    baseline_year = conn.execute(sa.select(sa.func.max(cfg_hr_baseline.c.baseline_year))).scalar()
    if baseline_year is None:
        return set()
    baseline = sa.select(fct_hr_export.c.agency_code).where(
        fct_hr_export.c.export_month == date(baseline_year, 12, 1),
        fct_hr_export.c.export_month < period.end_at,
    )
    return set(conn.execute(baseline).scalars()) & agencies_with_data(conn, period)
