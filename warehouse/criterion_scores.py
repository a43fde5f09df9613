"""`marts.criterion_score` (interface.md §4) and what scoring reads from the warehouse: the year's assessed
agencies with their metric rows, the instant the metrics were computed against, and document drill-downs."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow

METRIC_COLUMNS = (
    "agency_code",
    "metric_code",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
)


def replace_criterion_scores(
    engine: sa.Engine, year: int, rows: Iterable[Mapping[str, Any]], computed_at: datetime
) -> int:
    """Replace the year's rows with `rows` (dicts with the columns of scorecard.csv) in one transaction."""
    table = schema.criterion_score
    records = [{**row, "computed_at": computed_at} for row in rows]
    with engine.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.year == year))
        return load_arrow(conn, table, rows_to_arrow(table, records))


def read_criterion_scores(engine: sa.Engine, year: int) -> list[dict[str, Any]]:
    """The year's rows, without `computed_at` (a few thousand: one per agency, catalogue and node)."""
    table = schema.criterion_score
    columns = [c for c in table.columns if c.name != "computed_at"]
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(*columns).where(table.c.year == year)).mappings()]


def scored_agencies(engine: sa.Engine, year: int) -> list[dict[str, Any]]:
    """Agencies with metric rows for the year (the assessed agencies active in it), with name and type."""
    value, agency = schema.metric_value, schema.dim_agency
    codes = sa.select(value.c.agency_code).where(value.c.year == year).distinct().subquery()
    query = (
        sa.select(codes.c.agency_code, agency.c.agency_name, agency.c.unit_type)
        .select_from(codes.outerjoin(agency, agency.c.agency_code == codes.c.agency_code))
        .order_by(codes.c.agency_code)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def metric_rows(engine: sa.Engine, year: int) -> list[dict[str, Any]]:
    """The year's `metric_value` rows (a few dozen per agency)."""
    table = schema.metric_value
    query = sa.select(*(table.c[c] for c in METRIC_COLUMNS)).where(table.c.year == year)
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def metrics_as_of(engine: sa.Engine, year: int) -> datetime | None:
    table = schema.metric_period
    with engine.connect() as conn:
        return conn.execute(sa.select(table.c.as_of).where(table.c.year == year)).scalar_one_or_none()


def drilldown_rows(engine: sa.Engine, view: str, columns: Sequence[str], year: int) -> list[dict[str, Any]]:
    """Rows of the drill-down view `marts.NAME` whose period ends in the year; none while the view does not
    exist (its source is not built yet)."""
    schema_name, _, name = view.rpartition(".")
    if not sa.inspect(engine).has_table(name, schema=schema_name):
        return []
    clause = sa.table(name, *(sa.column(c) for c in {*columns, "period_end"}), schema=schema_name)
    query = sa.select(*(clause.c[c] for c in columns)).where(
        clause.c.period_end.between(date(year, 1, 1), date(year, 12, 31))
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
