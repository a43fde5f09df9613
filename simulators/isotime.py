"""ISO 8601 and slash-date renderings of simulated time (sources.md §1.5), for QLVB and E-CABINET."""

import math
import time
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

from simulators.clock import DAY, HOUR, NEVER, to_seconds

LOCAL = timezone(timedelta(hours=7))


def iso(seconds: int, milliseconds: bool = False) -> str | None:
    """`2025-10-20T15:42:10+07:00` (with `.000` when asked), or None for an event that has not happened."""
    if seconds >= NEVER:
        return None
    day, rest = divmod(int(seconds), DAY)
    fraction = ".000" if milliseconds else ""
    return f"{_day(day, '%Y-%m-%d')}T{_clock(rest)}{fraction}+07:00"


def iso_variant(text: str, utc: bool) -> str:
    """The same instant without its offset (read as local time) or in UTC with `Z` (quirk Q16)."""
    moment = datetime.fromisoformat(text)
    if utc:
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def iso_date(seconds: int) -> str | None:
    """`yyyy-MM-dd` of the day of `seconds`."""
    return None if seconds >= NEVER else _day(int(seconds) // DAY, "%Y-%m-%d")


def slash_date(seconds: int) -> str | None:
    """`yyyy/MM/dd`, the edXML date format."""
    return None if seconds >= NEVER else _day(int(seconds) // DAY, "%Y/%m/%d")


def slash_timestamp(seconds: int) -> str:
    """`yyyy/MM/dd HH:mm:ss`, the edXML TraceHeader format."""
    day, rest = divmod(int(seconds), DAY)
    return f"{_day(day, '%Y/%m/%d')} {_clock(rest)}"


def parse_iso(text: str, require_offset: bool) -> float:
    """Local seconds (with fraction) of an ISO date-time; no offset means +07:00 unless one is required."""
    moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    if moment.tzinfo is None:
        if require_offset:
            raise ValueError(f"no offset: {text}")
        moment = moment.replace(tzinfo=LOCAL)
    local = moment.astimezone(LOCAL).replace(tzinfo=None)
    return to_seconds(local.replace(microsecond=0)) + local.microsecond / 1e6


def lower_bound(value: float) -> int:
    """An inclusive lower bound on whole-second versions."""
    return math.ceil(value)


def upper_bound(value: float) -> int:
    """An inclusive upper bound on whole-second versions."""
    return math.floor(value)


@cache
def _day(day: int, pattern: str) -> str:
    return time.strftime(pattern, time.gmtime(day * DAY))


@cache
def _clock(seconds: int) -> str:
    hour, rest = divmod(seconds, HOUR)
    return f"{hour:02d}:{rest // 60:02d}:{rest % 60:02d}"
