"""What the E-CABINET extraction keeps in the warehouse besides its batches: the owner, and the meeting
versions whose detail is already staged."""

from datetime import datetime

import sqlalchemy as sa

from warehouse.tables_ecabinet import cfg_ecabinet_owner, stg_ecabinet__meeting


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
