"""The warehouse's notion of "now": naive local time, like every timestamp it stores (docs/layers.md §1).

The time zone is a value of the engine: `assets/` reads `PARINDEX_TIMEZONE` and passes it to
`warehouse.engine.make_engine`, which keeps it as an execution option, so that every function that stamps a
row (cursors, quarantine, processed files) finds it on the engine or connection it already takes."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from parindex_facts.defaults import TIMEZONE

TIMEZONE_OPTION = "parindex_timezone"


def local_now(bind: sa.Engine | sa.Connection) -> datetime:
    zone = ZoneInfo(bind.get_execution_options().get(TIMEZONE_OPTION) or TIMEZONE)
    return datetime.now(zone).replace(tzinfo=None)
