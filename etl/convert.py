"""Field converters: one received value to its typed, cleaned form, or a ``FieldError`` with a reason code.

A converter is only called with a present value; the caller handles the absent forms (§1.6).
"""

from collections.abc import Callable
from datetime import date, datetime

from etl.agency_codes import AgencyResolver
from etl.text import CanonicalValues, clean_code, clean_free_text, clean_identifier
from etl.timeparse import TimeFormatError

Converter = Callable[[object], object]


class FieldError(Exception):
    """A present value that cannot be loaded; ``reason`` is a §1.10 code, ``value`` what was received."""

    def __init__(self, reason: str, value: object, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.value = value
        self.field = field  # set for array entries: the entry's own field


def as_text(value: object) -> str:
    """A JSON string, or a JSON number sent in place of one (Q8)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise FieldError("bad_format", value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def identifier(value: object) -> str:
    return clean_identifier(as_text(value))


def code(value: object) -> str:
    return clean_code(as_text(value))


def free_text(value: object) -> str:
    if not isinstance(value, str):
        raise FieldError("bad_format", value)
    return clean_free_text(value)


def number(value: object) -> float:
    """A non-negative number, also when sent as a string (Q8)."""
    if isinstance(value, bool):
        raise FieldError("bad_format", value)
    try:
        result = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise FieldError("bad_format", value) from None
    if result != result or result < 0:
        raise FieldError("bad_format", value)
    return result


def integer(value: object) -> int:
    if isinstance(value, bool):
        raise FieldError("bad_format", value)
    if isinstance(value, int):
        return value
    text = as_text(value).strip()
    if not text.isdigit():
        raise FieldError("bad_format", value)
    return int(text)


def enumeration(values: CanonicalValues) -> Converter:
    def convert(value: object) -> str:
        matched = values.match(as_text(value))
        if matched is None:
            raise FieldError("unknown_code", value)
        return matched

    return convert


def small_int_code(values: CanonicalValues) -> Converter:
    """A numeric-string enumeration (``TrangThaiHoSo``, ``KenhThucHien``) stored as a small integer."""
    match = enumeration(values)
    return lambda value: int(match(value))


def flag(values: CanonicalValues) -> Converter:
    """``"0"``/``"1"`` (or their configured aliases) to a boolean."""
    match = enumeration(values)
    return lambda value: match(value) == "1"


def timestamp(parse: Callable[[object], datetime | date | None]) -> Converter:
    def convert(value: object) -> datetime | date | None:
        try:
            return parse(value)
        except TimeFormatError:
            raise FieldError("bad_format", value) from None

    return convert


def agency(resolver: AgencyResolver) -> Converter:
    def convert(value: object) -> str:
        resolved = resolver.resolve(as_text(value))
        if resolved is None:
            raise FieldError("unknown_agency", value)
        return resolved

    return convert
