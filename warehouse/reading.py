"""Reading warehouse tables in bounded batches, and small summaries for asset metadata."""

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from warehouse import dialect


def _table(name: str, columns: Sequence[str] = ()) -> sa.TableClause:
    """`schema.table` as a table clause; names are quoted, never pasted into SQL."""
    schema_name, _, table_name = name.rpartition(".")
    return sa.table(table_name, *(sa.column(column) for column in columns), schema=schema_name or None)


def iter_batches(
    engine: sa.Engine,
    table: str,
    columns: Sequence[str],
    batch_size: int = 50_000,
    order_by: Sequence[str] | None = None,
    where: Mapping[str, Any] | None = None,
    newer_than: tuple[str, Any] | None = None,
) -> Iterator[pd.DataFrame]:
    """The rows of `table` (`schema.table`, a view too) as DataFrames of at most `batch_size` rows.

    `where` keeps the rows whose columns equal the given values; `newer_than` (column, value) the rows
    whose column is greater than the value or null (a row without a value is never skipped). Rows are
    streamed from the server, so memory stays bounded by the batch size.
    """
    clause = _table(table, columns)
    query = sa.select(*(clause.c[column] for column in columns))
    for column, value in (where or {}).items():
        query = query.where(sa.column(column) == value)
    if newer_than is not None:
        column, value = newer_than
        bound = sa.literal(value, sa.DateTime) if isinstance(value, datetime) else value
        query = query.where(sa.or_(sa.column(column) > bound, sa.column(column).is_(None)))
    if order_by:
        query = query.order_by(*(sa.column(column) for column in order_by))
    with engine.connect() as conn:
        yield from dialect.stream_frames(conn, query, columns, batch_size)


def table_counts(engine: sa.Engine, tables: Sequence[str]) -> dict[str, int]:
    """Row count of each `schema.table`."""
    with engine.connect() as conn:
        return {
            name: conn.execute(sa.select(sa.func.count()).select_from(_table(name))).scalar_one()
            for name in tables
        }


def preview(engine: sa.Engine, table: str, columns: Sequence[str], limit: int = 5) -> pd.DataFrame:
    """The first `limit` rows of `table`, for a glance in the asset's metadata."""
    clause = _table(table, columns)
    with engine.connect() as conn:
        result = conn.execute(sa.select(*(clause.c[column] for column in columns)).limit(limit))
        return pd.DataFrame.from_records(result.all(), columns=list(columns))
