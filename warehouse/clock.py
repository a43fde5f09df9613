"""The warehouse's notion of "now": naive local time, like every timestamp it stores (docs/layers.md §1)."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def local_now() -> datetime:
    zone = ZoneInfo(os.environ.get("PARINDEX_TIMEZONE") or DEFAULT_TIMEZONE)
    return datetime.now(zone).replace(tzinfo=None)
