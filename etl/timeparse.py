"""Wire formats of sources.md §1.5 to naive local datetimes and dates; §1.6 absent values to None."""

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from parindex_facts.defaults import TIMEZONE as DEFAULT_TIMEZONE

DVC_MIN_VALUE = "00010101000000"


class TimeFormatError(ValueError):
    """A value that is present but does not match its wire format (the normaliser's ``bad_format``)."""


def local_timezone(environ: Mapping[str, str]) -> ZoneInfo:
    """The zone of `PARINDEX_TIMEZONE` in `environ` (the settings `assets/` read), else the default."""
    return ZoneInfo(environ.get("PARINDEX_TIMEZONE") or DEFAULT_TIMEZONE)


def local_now(tz: tzinfo) -> datetime:
    """The current wall-clock time of ``tz``, naive, to the second (the DVC filter granularity)."""
    return datetime.now(tz).replace(tzinfo=None, microsecond=0)


def _text(value: object) -> str | None:
    """The stripped text of a value, or None for the absent forms (null, missing, blank)."""
    if value.__class__ is str and len(value) == 14:
        return value  # the common, well-formed DVC value; _digits still checks it
    if value is None:
        return None
    if isinstance(value, bool):
        raise TimeFormatError(f"expected a date text, got {value!r}")
    text = (str(value) if isinstance(value, int) else value).strip()
    return text or None


def _digits(text: str, length: int) -> str:
    if len(text) != length or not text.isdigit() or not text.isascii():
        raise TimeFormatError(f"{text!r} is not {length} digits")
    return text


def parse_dvc_datetime(value: object) -> datetime | None:
    """``yyyyMMddHHmmss`` local time; ``00010101000000`` (.NET MinValue) is absent."""
    text = _text(value)
    if text is None or text == DVC_MIN_VALUE:
        return None
    _digits(text, 14)
    try:
        # The C parser of the basic ISO form is several times faster than slicing into datetime().
        return datetime.fromisoformat(f"{text[:8]}T{text[8:]}")
    except ValueError as exc:
        raise TimeFormatError(f"{text!r} is not a valid yyyyMMddHHmmss time: {exc}") from None


def parse_dvc_date(value: object) -> date | None:
    """``yyyyMMdd``."""
    text = _text(value)
    if text is None or text == DVC_MIN_VALUE[:8]:
        return None
    _digits(text, 8)
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise TimeFormatError(f"{text!r} is not a valid yyyyMMdd date: {exc}") from None


def format_dvc_datetime(value: datetime) -> str:
    return value.strftime("%Y%m%d%H%M%S")


def parse_iso_datetime(value: object, tz: tzinfo) -> datetime | None:
    """ISO 8601 with an offset, ``Z`` or none (then it is already local, Q16), to naive local time."""
    text = _text(value)
    if text is None:
        return None
    if len(text) < 19 or text[4] != "-" or text[10] not in "Tt ":
        raise TimeFormatError(f"{text!r} is not an ISO 8601 date-time")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise TimeFormatError(f"{text!r} is not an ISO 8601 date-time: {exc}") from None
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(tz).replace(tzinfo=None)


def _ymd(text: str, separator: str) -> date:
    if len(text) != 10 or text[4] != separator or text[7] != separator:
        raise TimeFormatError(f"{text!r} is not yyyy{separator}MM{separator}dd")
    try:
        return date(int(_digits(text[0:4], 4)), int(_digits(text[5:7], 2)), int(_digits(text[8:10], 2)))
    except ValueError as exc:
        raise TimeFormatError(f"{text!r} is not a valid date: {exc}") from None


def parse_iso_date(value: object) -> date | None:
    """``yyyy-MM-dd``."""
    text = _text(value)
    return None if text is None else _ymd(text, "-")


def parse_slash_date(value: object) -> date | None:
    """``yyyy/MM/dd`` (edXML)."""
    text = _text(value)
    return None if text is None else _ymd(text, "/")


def parse_slash_datetime(value: object) -> datetime | None:
    """``yyyy/MM/dd HH:mm:ss`` local time (edXML trace header)."""
    text = _text(value)
    if text is None:
        return None
    if len(text) != 19 or text[10] != " " or text[13] != ":" or text[16] != ":":
        raise TimeFormatError(f"{text!r} is not yyyy/MM/dd HH:mm:ss")
    day = _ymd(text[:10], "/")
    try:
        clock = (int(_digits(text[11:13], 2)), int(_digits(text[14:16], 2)), int(_digits(text[17:19], 2)))
        return datetime(day.year, day.month, day.day, *clock)
    except ValueError as exc:
        raise TimeFormatError(f"{text!r} is not a valid time: {exc}") from None
