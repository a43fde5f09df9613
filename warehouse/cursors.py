"""Incremental extraction cursors, one per source resource (sources.md §1.8)."""

from datetime import datetime

import sqlalchemy as sa

from warehouse import tables_shared
from warehouse.clock import local_now

_cursor = tables_shared.extraction_cursor


def get_watermark(engine: sa.Engine, source: str, entity: str) -> datetime | None:
    """The stored high-water mark, or None before the first complete extraction."""
    query = sa.select(_cursor.c.watermark).where(_cursor.c.source == source, _cursor.c.entity == entity)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def set_watermark(engine: sa.Engine, source: str, entity: str, watermark: datetime) -> None:
    """Store the watermark of an extraction whose every window was verified."""
    key = sa.and_(_cursor.c.source == source, _cursor.c.entity == entity)
    with engine.begin() as conn:
        conn.execute(sa.delete(_cursor).where(key))
        conn.execute(
            sa.insert(_cursor).values(
                source=source, entity=entity, watermark=watermark, updated_at=local_now(conn)
            )
        )


def first_start_entity(entity: str) -> str:
    """Where the lower bound of a resource's first extraction is kept, beside its watermark: `documents:di`
    → `documents_di_first_start` (no colon, which SQL text would read as a bind parameter)."""
    return f"{entity.replace(':', '_')}_first_start"


def keep_first_start(engine: sa.Engine, source: str, entity: str, start: datetime) -> None:
    """Remember the lower bound of the first extraction of `entity` in this warehouse; later (or
    full-refresh) extractions leave it as it is (metrics.md §7.3, §13.2: C is the first one's)."""
    if get_watermark(engine, source, first_start_entity(entity)) is None:
        set_watermark(engine, source, first_start_entity(entity), start)
