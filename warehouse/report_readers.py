"""What the officer's HTML report reads from the warehouse besides `marts.criterion_score` and
`marts.metric_value` (warehouse/criterion_scores.py): the years scored before, and the records held back."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from warehouse import schema


def scored_years(engine: sa.Engine, before: int) -> list[int]:
    """The years before `before` that `marts.criterion_score` holds, oldest first."""
    table = schema.criterion_score
    query = sa.select(table.c.year).where(table.c.year < before).distinct().order_by(table.c.year)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def quarantine_summary(engine: sa.Engine, year: int) -> list[dict[str, Any]]:
    """Open quarantined records dated in the year (their version time, else when they were quarantined, as in
    `marts.dd_quarantine_count`), counted per source and reason: `source, reason_code, records`. Duplicate
    conflicts are left out: their key is in staging, so no metric loses the record. Counts only: the records'
    text may name people."""
    table = schema.rejected_record
    dated = sa.func.coalesce(table.c.record_version, table.c.quarantined_at)
    # A record without a key (unreadable) counts once by its fingerprint.
    key = sa.func.coalesce(table.c.record_key, table.c.fingerprint)
    records = sa.func.count(sa.distinct(table.c.entity + sa.literal(":") + key))
    query = (
        sa.select(table.c.source, table.c.reason_code, records.label("records"))
        .where(
            table.c.released_at.is_(None),
            table.c.reason_code != "duplicate_conflict",
            dated >= datetime(year, 1, 1),
            dated < datetime(year + 1, 1, 1),
        )
        .group_by(table.c.source, table.c.reason_code)
        .order_by(table.c.source, sa.desc("records"), table.c.reason_code)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
