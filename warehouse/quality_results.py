"""Validation history: the results of quality checks, kept in the warehouse."""

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from warehouse import tables_shared
from warehouse.loading import load_arrow, rows_to_arrow


def _sample_keys(value: Any) -> str | None:
    """A list of keys is stored as a JSON array; text is taken to be one already."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps([str(key) for key in value], ensure_ascii=False)


def record_check_results(engine: sa.Engine, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append check results (dicts with the columns of `marts.quality_check_result`); returns the count."""
    records = [{**row, "sample_keys": _sample_keys(row.get("sample_keys"))} for row in rows]
    with engine.begin() as conn:
        table = tables_shared.quality_check_result
        return load_arrow(conn, table, rows_to_arrow(table, records))


def failed_blocking(engine: sa.Engine, run_id: str) -> list[dict[str, Any]]:
    """The failed blocking results of a run, as dicts of `marts.quality_check_result` columns."""
    table = tables_shared.quality_check_result
    query = (
        sa.select(table)
        .where(table.c.run_id == run_id, table.c.blocking, sa.not_(table.c.passed))
        .order_by(table.c.table_name, table.c.check_name)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def checked_through(engine: sa.Engine, check_name: str) -> datetime | None:
    """The greatest `_extracted_at` an arrivals suite has checked; None before its first run."""
    table = tables_shared.quality_check_progress
    with engine.connect() as conn:
        query = sa.select(table.c.checked_through).where(table.c.check_name == check_name)
        return conn.execute(query).scalar_one_or_none()


def record_checked_through(
    engine: sa.Engine, check_name: str, table_name: str, through: datetime, now: datetime
) -> None:
    table = tables_shared.quality_check_progress
    with engine.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.check_name == check_name))
        conn.execute(
            sa.insert(table).values(
                check_name=check_name, table_name=table_name, checked_through=through, updated_at=now
            )
        )
