"""What the E-CABINET extraction keeps in the warehouse besides its batches: the owner, and the meeting
versions whose detail is already staged."""

from datetime import datetime

import sqlalchemy as sa

from warehouse.tables_ecabinet import (
    cfg_ecabinet_owner,
    stg_ecabinet__meeting,
    stg_ecabinet__poll,
    stg_ecabinet__task,
)


def store_owner(engine: sa.Engine, agency_code: str, stored_at: datetime) -> None:
    """Replace the owner agency (metrics.md §3: meetings and polls are its own) in one transaction."""
    with engine.begin() as conn:
        conn.execute(sa.delete(cfg_ecabinet_owner))
        conn.execute(sa.insert(cfg_ecabinet_owner).values(agency_code=agency_code, stored_at=stored_at))


def meetings_with_detail(engine: sa.Engine) -> dict[str, datetime]:
    """Meeting code → the staged version, for the meetings staged with their detail."""
    meeting = stg_ecabinet__meeting
    query = sa.select(meeting.c._key, meeting.c._version).where(meeting.c.detail_fetched)
    with engine.connect() as conn:
        return {key: version for key, version in conn.execute(query)}


def tasks_with_unknown_source(engine: sa.Engine) -> list[str]:
    """Codes of staged tasks whose maNguon names no staged meeting or poll (a warning, sources.md §4.5)."""
    task, meeting, poll = stg_ecabinet__task, stg_ecabinet__meeting, stg_ecabinet__poll
    query = (
        sa.select(task.c.task_code)
        .where(
            task.c.source_code.is_not(None),
            task.c.source_code.not_in(sa.select(meeting.c.meeting_code)),
            task.c.source_code.not_in(sa.select(poll.c.poll_code)),
        )
        .order_by(task.c.task_code)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())
