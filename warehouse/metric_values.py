"""Metric values of a year from the drill-down views (metrics.md §0-1): the views define, this counts.

The periods of a year are the year itself and, for the rate metrics whose trend the officer follows
(`MONTHLY_METRICS`), every calendar month up to the month of as_of. Each period is a row of
`marts.metric_period`, so a month's counts come from the same drill-down rows as the year's."""

import math
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import sqlalchemy as sa

from parindex_facts.metrics import (
    COUNT,
    FLAG,
    ITEMS,
    MEAN_DAYS,
    MEASURE_COLUMN,
    MINUTES_PER_DAY,
    MONTHLY_METRICS,
    REDUCTION,
    SATISFACTION,
    TIMELINESS,
    Metric,
)
from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow
from warehouse.metric_sources import SOURCES, MetricSource
from warehouse.periods import Period, as_date, month_periods, year_period


class Counts(NamedTuple):
    rows: int
    in_numerator: int
    measure: int = 0  # the sum of MEASURE_COLUMN over the rows, for MEAN_DAYS


def round_half_up(value: Fraction, places: int = 4) -> Decimal:
    scaled = value * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)


def metric_counts(metric: Metric, counts: Counts, timeliness: Counts) -> tuple[int, int, Decimal | None]:
    """(numerator, denominator, value) of an agency with DVC data; `timeliness` are its T(P) counts."""
    if metric.kind == COUNT:
        return counts.in_numerator, 1, round_half_up(Fraction(counts.in_numerator))
    if metric.kind == FLAG:
        flag = 1 if counts.in_numerator else 0
        return flag, 1, round_half_up(Fraction(flag))
    if metric.kind == REDUCTION:
        baseline, current = counts.in_numerator, counts.rows - counts.in_numerator
        reduction = baseline - current
        return reduction, baseline, round_half_up(Fraction(reduction, baseline)) if baseline else None
    if metric.kind == MEAN_DAYS:
        if counts.rows == 0:
            return counts.measure, 0, None
        days = Fraction(counts.measure, counts.rows * MINUTES_PER_DAY)
        return counts.measure, counts.rows, round_half_up(days)
    if counts.rows == 0:
        return counts.in_numerator, 0, None
    share = Fraction(counts.in_numerator, counts.rows)
    if metric.kind == SATISFACTION:
        late = timeliness.rows - timeliness.in_numerator
        late_share = Fraction(late, timeliness.rows) if timeliness.rows else Fraction(0)
        share = max(Fraction(0), share - late_share)
    return counts.in_numerator, counts.rows, round_half_up(share)


PeriodKey = tuple[date, date]  # (period_start, period_end)


def _view_counts(
    conn: sa.Connection, metric: Metric, periods: list[Period]
) -> dict[PeriodKey, dict[str, Counts]]:
    """period → agency → counts of the view's rows, for the periods of one year."""
    wanted = {(p.start, p.end) for p in periods}
    # Each period named exactly: a metric counted for the year alone must not make its view join the
    # months too (every drill-down view joins every row of metric_period).
    matches = " OR ".join(f"(period_start = :start{i} AND period_end = :end{i})" for i in range(len(periods)))
    parameters = {}
    for i, period in enumerate(periods):
        parameters.update({f"start{i}": period.start, f"end{i}": period.end})
    # Items pending or unverifiable are rows of their view but leave the denominator (metrics.md §7.4).
    n = "SUM(CASE WHEN in_denominator THEN 1 ELSE 0 END)" if metric.kind == ITEMS else "COUNT(*)"
    measure = f"SUM({MEASURE_COLUMN})" if metric.kind == MEAN_DAYS else "0"
    rows = conn.execute(
        sa.text(
            f"SELECT period_start, period_end, agency_code, {n} AS n,"
            f" SUM(CASE WHEN in_numerator THEN 1 ELSE 0 END) AS k, {measure} AS measure"
            f" FROM {metric.view} WHERE {matches}"
            " GROUP BY period_start, period_end, agency_code"
        ),
        parameters,
    )
    counts: dict[PeriodKey, dict[str, Counts]] = {key: {} for key in wanted}
    for start, end, agency, n, k, total in rows:
        key = (as_date(start), as_date(end))
        if key in counts:
            counts[key][agency] = Counts(int(n), int(k), int(total or 0))
    return counts


def _counted_together(
    conn: sa.Connection, source: MetricSource, metrics: Sequence[Metric], year: Period, months: list[Period]
) -> dict[str, dict[PeriodKey, dict[str, Counts]]]:
    """What `_view_counts` gives for each of `metrics`, from the source's one query over all its views."""
    periods = {m.code: _metric_periods(m, year, months) for m in metrics}
    every = list({(p.start, p.end): p for own in periods.values() for p in own}.values())
    found = source.count_views(conn, list(periods), every) if every else {}
    return {
        code: {
            (p.start, p.end): {
                agency: Counts(n, k)
                for agency, (n, k) in found.get(code, {}).get((p.start, p.end), {}).items()
            }
            for p in own
        }
        for code, own in periods.items()
    }


def _assessed_agencies(conn: sa.Connection, period: Period) -> list[str]:
    """Assessed agencies whose validity overlaps P."""
    agency = schema.dim_agency
    query = (
        sa.select(agency.c.agency_code)
        .where(
            agency.c.is_assessed,
            sa.or_(agency.c.valid_from.is_(None), agency.c.valid_from < period.end_at),
            sa.or_(agency.c.valid_to.is_(None), agency.c.valid_to >= period.start_at),
        )
        .order_by(agency.c.agency_code)
    )
    return list(conn.execute(query).scalars())


def _write_periods(conn: sa.Connection, year: int, periods: list[Period], as_of: datetime) -> None:
    table = schema.metric_period
    conn.execute(sa.delete(table).where(table.c.year == year))
    conn.execute(
        sa.insert(table),
        [
            {
                "year": period.year,
                "period_start": period.start,
                "period_end": period.end,
                "period_start_at": period.start_at,
                "period_end_at": period.end_at,
                "as_of": as_of,
            }
            for period in periods
        ],
    )


def _metric_periods(metric: Metric, year: Period, months: list[Period]) -> list[Period]:
    return [year, *months] if metric.code in MONTHLY_METRICS else [year]


def compute_metrics(engine: sa.Engine, year: int, as_of: datetime, computed_at: datetime) -> int:
    """Replace the year's `metric_period` rows and `metric_value` rows in one transaction.

    Run after `warehouse.models.run_models`. One row per metric of every registered source for every
    assessed agency active in P, for the year and, for `MONTHLY_METRICS`, each month of `month_periods`;
    numerator, denominator and value are all null when the source holds no data of the agency (metrics.md
    §0), the value alone when the denominator is 0. Returns the rows written.
    """
    whole_year, months = year_period(year, as_of), month_periods(year, as_of)
    value_table = schema.metric_value
    with engine.begin() as conn:
        _write_periods(conn, year, [whole_year, *months], as_of)
        declared = {s.name: s.prepare(conn, whole_year) if s.prepare else () for s in SOURCES}
        source_metrics = {s.name: (*s.metrics, *declared[s.name]) for s in SOURCES}
        metrics = [metric for source in SOURCES for metric in source_metrics[source.name]]
        conn.execute(
            sa.delete(value_table).where(
                value_table.c.year == year, value_table.c.metric_code.in_([m.code for m in metrics])
            )
        )
        counts = {}
        for source in SOURCES:
            own = source_metrics[source.name]
            if source.count_views is None:
                counts |= {m.code: _view_counts(conn, m, _metric_periods(m, whole_year, months)) for m in own}
            else:
                counts |= _counted_together(conn, source, own, whole_year, months)
        with_data = {source.name: source.agencies_with_data(conn, whole_year) for source in SOURCES}
        records = []
        for period in [whole_year, *months]:
            key = (period.start, period.end)
            for agency in _assessed_agencies(conn, period):
                for source in SOURCES:
                    for metric in source_metrics[source.name]:
                        if key not in counts[metric.code]:
                            continue
                        numerator = denominator = value = None
                        if agency in with_data[source.name]:
                            timeliness = counts[TIMELINESS][key].get(agency, Counts(0, 0))
                            agency_counts = counts[metric.code][key].get(agency, Counts(0, 0))
                            numerator, denominator, value = metric_counts(metric, agency_counts, timeliness)
                        records.append(
                            {
                                "agency_code": agency,
                                "year": year,
                                "period_start": period.start,
                                "period_end": period.end,
                                "metric_code": metric.code,
                                "numerator": numerator,
                                "denominator": denominator,
                                "value": value,
                                "as_of": as_of,
                                "computed_at": computed_at,
                            }
                        )
        return load_arrow(conn, value_table, rows_to_arrow(value_table, records))
