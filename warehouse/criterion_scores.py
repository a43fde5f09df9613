"""`marts.criterion_score` (interface.md §4) and what scoring reads from the warehouse: the year's assessed
agencies with their metric rows, the instant the metrics were computed against, and document drill-downs."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow
from warehouse.periods import as_date

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


def year_period_clause(table: sa.FromClause, year: int) -> sa.ColumnElement[bool]:
    """The rows of the whole year's period, not those of its months (warehouse.metric_values)."""
    return sa.and_(table.c.period_start == date(year, 1, 1), table.c.period_end == date(year, 12, 31))


def metric_rows(engine: sa.Engine, year: int) -> list[dict[str, Any]]:
    """The `metric_value` rows of the whole year (a few dozen per agency)."""
    table = schema.metric_value
    query = sa.select(*(table.c[c] for c in METRIC_COLUMNS)).where(year_period_clause(table, year))
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def monthly_metric_rows(engine: sa.Engine, year: int) -> list[dict[str, Any]]:
    """The `metric_value` rows of the year's months (the rate metrics of
    `parindex_facts.metrics.MONTHLY_METRICS`), ordered by agency, metric and month."""
    table = schema.metric_value
    query = (
        sa.select(*(table.c[c] for c in METRIC_COLUMNS))
        .where(table.c.year == year, sa.not_(year_period_clause(table, year)))
        .order_by(table.c.agency_code, table.c.metric_code, table.c.period_start)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def metrics_as_of(engine: sa.Engine, year: int) -> datetime | None:
    table = schema.metric_period
    query = sa.select(table.c.as_of).where(year_period_clause(table, year))
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def drilldown_rows(engine: sa.Engine, view: str, columns: Sequence[str], year: int) -> list[dict[str, Any]]:
    """Rows of the drill-down view `marts.NAME` of the year's period (not its months); none while the view
    does not exist (its source is not built yet)."""
    schema_name, _, name = view.rpartition(".")
    if not sa.inspect(engine).has_table(name, schema=schema_name):
        return []
    clause = sa.table(
        name, *(sa.column(c) for c in {*columns, "period_start", "period_end"}), schema=schema_name
    )
    query = sa.select(*(clause.c[c] for c in columns)).where(year_period_clause(clause, year))
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


# Columns of the facts that date or name a drill-down's record, added beside its key so that an officer sees
# when a dossier was due or which document was on paper (keys, codes and dates only: sources.md §1.9).
RECORD_DETAILS = {
    "dossier_code": ("marts.fct_dossier", ("received_at", "due_at", "end_at")),
    "document_key": ("marts.fct_document", ("code_number", "code_notation", "promulgation_date")),
}
_PERIOD_COLUMNS = ("agency_code", "period_start", "period_end", "in_numerator")


def failing_records(
    engine: sa.Engine, views: Mapping[str, bool], year: int, limit: int
) -> dict[str, dict[tuple[str, date, date], tuple[tuple[str, ...], list[tuple], int]]]:
    """view → the records of the drill-down view `marts.NAME` that cost points, per (agency, period_start,
    period_end) of the year's period (not its months): (columns, at most `limit` rows in key order, the
    whole count).

    `views` maps each view to whether the records inside its numerator cost points (a count that must stay
    zero, such as discipline decisions) rather than those outside it. A view that does not exist yet has no
    entry. All views are read on one connection, their columns looked up in one catalogue query (reflecting
    each view apart cost more than reading most of them)."""
    found: dict[str, dict[tuple[str, date, date], tuple[tuple[str, ...], list[tuple], int]]] = {}
    with engine.connect() as conn:
        columns = _view_columns(conn, {view.rpartition(".")[0] for view in views})
        for view, counted_cost_points in views.items():
            if view in columns:
                found[view] = _failing_records(conn, view, columns[view], year, limit, counted_cost_points)
    return found


def _view_columns(conn: sa.Connection, schemas: set[str]) -> dict[str, list[str]]:
    """`schema.name` → its column names in order, for every table and view of `schemas`."""
    rows = conn.execute(
        sa.text(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema IN :schemas "
            "ORDER BY table_schema, table_name, ordinal_position"
        ).bindparams(sa.bindparam("schemas", expanding=True)),
        {"schemas": sorted(schemas)},
    )
    columns: dict[str, list[str]] = {}
    for schema_name, name, column in rows:
        columns.setdefault(f"{schema_name}.{name}", []).append(column)
    return columns


def _failing_records(
    conn: sa.Connection, view: str, view_columns: list[str], year: int, limit: int, counted_cost_points: bool
) -> dict[tuple[str, date, date], tuple[tuple[str, ...], list[tuple], int]]:
    shown = [c for c in view_columns if c not in _PERIOD_COLUMNS]
    select = [f"v.{c}" for c in shown]
    join = ""
    for key, (table, details) in RECORD_DETAILS.items():
        if key in view_columns:
            extra = [c for c in details if c not in view_columns]
            select += [f"f.{c}" for c in extra]
            shown += extra
            join = f" LEFT JOIN {table} AS f ON f.{key} = v.{key}"
            break
    order = ", ".join(f"v.{c}" for c in view_columns if c not in _PERIOD_COLUMNS) or "v.agency_code"
    predicate = "v.in_numerator" if counted_cost_points else "NOT v.in_numerator"
    if "in_denominator" in view_columns:  # items of a requirement outside the counts cost nothing (§7.4)
        predicate += " AND v.in_denominator"
    query = sa.text(
        f"SELECT * FROM (SELECT v.agency_code AS agency_code_, v.period_start AS period_start_, "
        f"v.period_end AS period_end_, {', '.join(select)}, "
        f"ROW_NUMBER() OVER (PARTITION BY v.agency_code, v.period_start, v.period_end ORDER BY {order}) "
        f"AS record_rank_, "
        f"COUNT(*) OVER (PARTITION BY v.agency_code, v.period_start, v.period_end) AS record_total_ "
        f"FROM {view} AS v{join} "
        f"WHERE {predicate} AND v.period_start = :first AND v.period_end = :last) AS t "
        f"WHERE record_rank_ <= :limit ORDER BY agency_code_, period_start_, period_end_, record_rank_"
    )
    found: dict[tuple[str, date, date], tuple[tuple[str, ...], list[tuple], int]] = {}
    result = conn.execute(query, {"first": date(year, 1, 1), "last": date(year, 12, 31), "limit": limit})
    for row in result:
        key = (row[0], as_date(row[1]), as_date(row[2]))
        entry = found.setdefault(key, (tuple(shown), [], int(row[-1])))
        entry[1].append(tuple(row[3 : 3 + len(shown)]))
    return found


def superior_names(engine: sa.Engine) -> tuple[dict[str, str], str | None]:
    """(agency code → the name of its parent in `dim_agency`, the name of the province's People's
    Committee): the issuing body above an agency in the heading of its self-assessment."""
    agency = schema.dim_agency
    parent = agency.alias("parent")
    query = sa.select(agency.c.agency_code, parent.c.agency_name).join(
        parent, parent.c.agency_code == agency.c.parent_code
    )
    province = (
        sa.select(agency.c.agency_name)
        .where(agency.c.unit_type == "ubnd-tinh")
        .order_by(agency.c.agency_code)
    )
    with engine.connect() as conn:
        parents = {code: name for code, name in conn.execute(query) if name}
        return parents, conn.execute(province.limit(1)).scalar_one_or_none()
