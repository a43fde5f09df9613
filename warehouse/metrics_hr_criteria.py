"""The agencies hr.public_employee_reduction is defined for (metrics.md §8.2 with §4's baseline rules); the
other HR criteria of §8 are defined for every agency with an HR snapshot (`metrics_hr.agencies_with_data`)."""

from datetime import date

import sqlalchemy as sa

from warehouse.metrics_hr import agencies_with_data
from warehouse.periods import Period
from warehouse.tables_hr import fct_hr_export
from warehouse.tables_metric_parameters import cfg_metric_parameter

PUBLIC_EMPLOYEE_REDUCTION = "hr.public_employee_reduction"


def agencies_with_public_employee_baseline(conn: sa.Connection, period: Period) -> set[str]:
    """Agencies with a snapshot for P and the December export of hr.public_employee_reduction's baseline
    year (its metric parameter); without that export the metric is undefined (metrics.md §4), not zero."""
    parameter = cfg_metric_parameter.c
    baseline_year = conn.execute(
        sa.select(parameter.value).where(
            parameter.year == period.year,
            parameter.metric_code == PUBLIC_EMPLOYEE_REDUCTION,
            parameter.name == "baseline_year",
        )
    ).scalar()
    if baseline_year is None:
        return set()
    baseline = sa.select(fct_hr_export.c.agency_code).where(
        fct_hr_export.c.export_month == date(int(baseline_year), 12, 1),
        fct_hr_export.c.export_month < period.end_at,
    )
    return set(conn.execute(baseline).scalars()) & agencies_with_data(conn, period)
