"""HR criteria (metrics.md §8) over the drill-down views `marts.dd_hr_*`; agency = `MaDonVi` of the export."""

from datetime import date

import sqlalchemy as sa

from warehouse import metric_values
from warehouse.metric_values import COUNT, RATE, REDUCTION, Metric, MetricSource, Period
from warehouse.metrics_hr import agencies_with_data
from warehouse.tables_hr import fct_hr_export
from warehouse.tables_metric_parameters import cfg_metric_parameter

HR_CRITERIA = (
    Metric("hr.leaders_within_limit", RATE),
    Metric("hr.job_position_rate", RATE),
    Metric("hr.rating_on_time_rate", RATE),
    Metric("hr.rating_good_rate", RATE),
    # A rate of one row: the view has a row only when a công chức of M is rated (denominator 1, else 0).
    Metric("hr.excellent_within_cap", RATE),
    Metric("hr.public_employees", COUNT),
)
PUBLIC_EMPLOYEE_REDUCTION = Metric("hr.public_employee_reduction", REDUCTION)


def agencies_with_public_employee_baseline(conn: sa.Connection, period: Period) -> set[str]:
    """Agencies with a snapshot for P and the December export of hr.public_employee_reduction's baseline
    year; without that export the metric is undefined (metrics.md §4, §8.2), not zero."""
    parameter = cfg_metric_parameter.c
    baseline_year = conn.execute(
        sa.select(parameter.value).where(
            parameter.year == period.year,
            parameter.metric_code == PUBLIC_EMPLOYEE_REDUCTION.code,
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


metric_values.SOURCES.append(MetricSource("hr.criteria", HR_CRITERIA, agencies_with_data))
metric_values.SOURCES.append(
    MetricSource("hr.public_baseline", (PUBLIC_EMPLOYEE_REDUCTION,), agencies_with_public_employee_baseline)
)
