"""Simulated time as int64 seconds since 1970-01-01 00:00:00 naive local time, and its DVC wire format."""

import time
from datetime import datetime, timedelta
from functools import cache

import numpy as np

EPOCH = datetime(1970, 1, 1)
# Far enough in the future that "event time <= as_of" is false for events that never happen.
NEVER = 2**62
HOUR = 3_600
DAY = 86_400


def to_seconds(moment: datetime) -> int:
    return int((moment - EPOCH).total_seconds())


def from_seconds(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=int(seconds))


def wire(seconds: int) -> str:
    """`yyyyMMddHHmmss`, or "" for an event that has not happened (the DVC normal form, sources.md §1.6)."""
    if seconds >= NEVER:
        return ""
    day, rest = divmod(int(seconds), DAY)
    return _day_text(day) + _time_text(rest)


# Rendering formats several times per record; both halves repeat a lot and formatting them is slow.
@cache
def _day_text(day: int) -> str:
    return time.strftime("%Y%m%d", time.gmtime(day * DAY))


@cache
def _time_text(seconds: int) -> str:
    hour, rest = divmod(seconds, HOUR)
    return f"{hour:02d}{rest // 60:02d}{rest % 60:02d}"


def parse_wire(text: str) -> int:
    return to_seconds(datetime.strptime(text, "%Y%m%d%H%M%S"))


def local_now() -> datetime:
    """The wall clock in the source's local time zone, naive, to the second."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None, microsecond=0)


def to_days(seconds: np.ndarray) -> np.ndarray:
    return (seconds // DAY).astype("datetime64[D]")


def from_days(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype(np.int64) * DAY
