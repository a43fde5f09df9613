"""Field converters: one received value to its typed, cleaned form, or a ``FieldError`` with a reason code.

A converter is only called with a present value; the caller handles the absent forms (§1.6).

The normaliser converts a column at a time. A converter may carry ``column``, a fast path over the received
values of a column: it returns, per value, the converted value, None for the absent forms it recognises
(null, empty text), or ``SLOW`` where the converter itself must decide (a quirky value, an error). It
handles only the well-formed common case, so that the converter stays the one definition of the field's
rules; it may raise ``TypeError`` or ``ValueError``, and then the whole column takes the converter.
"""

import unicodedata
from collections.abc import Callable
from datetime import date, datetime

from etl.agency_codes import AgencyResolver
from etl.text import CanonicalValues, clean_code, clean_free_text, clean_identifier
from etl.timeparse import DVC_MIN_VALUE, TimeFormatError, parse_dvc_datetime

Converter = Callable[[object], object]


SLOW = object()  # "ask the converter": a value the column fast path does not handle


def fast_path(column: Callable[[list], list]) -> Callable[[Converter], Converter]:
    """Attaches ``column`` to a converter as its fast path."""

    def attach(convert: Converter) -> Converter:
        convert.column = column
        return convert

    return attach


def _stripped_column(values: list) -> list:
    """Text already in NFC (ASCII or not), trimmed: what ``identifier`` and ``free_text`` make of it."""
    is_normalized = unicodedata.is_normalized
    return [
        (value.strip() or None)
        if value.__class__ is str and (value.isascii() or is_normalized("NFC", value))
        else (None if value is None else SLOW)
        for value in values
    ]


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


@fast_path(_stripped_column)
def identifier(value: object) -> str:
    if value.__class__ is str and value.isascii():
        return value.strip()  # the common case, without the NFC check
    return clean_identifier(as_text(value))


def code(value: object) -> str:
    return clean_code(as_text(value))


@fast_path(_stripped_column)
def free_text(value: object) -> str:
    if not isinstance(value, str):
        raise FieldError("bad_format", value)
    return value.strip() if value.isascii() else clean_free_text(value)


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


def _cached(lookup: Callable[[object], object], reason: str) -> Converter:
    """``lookup`` memoised by received value: an enumeration sees a handful of distinct spellings."""
    cache: dict[tuple[type, object], object] = {}
    # The known texts, for the column fast path: a dict lookup per value. Only ``str`` keys, so that a
    # number or a flag sent in their place (Q8) misses and takes the converter; null and "" are absent.
    known: dict[object, object] = {None: None, "": None}
    unknown = object()

    def convert(value: object) -> object:
        if value.__class__ not in (str, int, float):
            as_text(value)  # raises bad_format for anything else (a bool, a list, an object)
        token = (value.__class__, value)
        result = cache.get(token)
        if result is None:
            result = lookup(value)
            if len(cache) < 10_000:
                cache[token] = unknown if result is None else result
                if result is not None and value.__class__ is str:
                    known[value] = result
            if result is None:
                result = unknown
        if result is unknown:
            raise FieldError(reason, value)
        return result

    def column(values: list) -> list:
        get = known.get
        return [get(value, SLOW) for value in values]  # TypeError for a list or an object: the converter

    convert.column = column
    return convert


def enumeration(values: CanonicalValues) -> Converter:
    return _cached(lambda value: values.match(as_text(value)), "unknown_code")


def small_int_code(values: CanonicalValues) -> Converter:
    """A numeric-string enumeration (``TrangThaiHoSo``, ``KenhThucHien``) stored as a small integer."""

    def lookup(value: object) -> int | None:
        matched = values.match(as_text(value))
        return None if matched is None else int(matched)

    return _cached(lookup, "unknown_code")


def flag(values: CanonicalValues) -> Converter:
    """``"0"``/``"1"`` (or their configured aliases) to a boolean."""

    def lookup(value: object) -> bool | None:
        matched = values.match(as_text(value))
        return None if matched is None else matched == "1"

    return _cached(lookup, "unknown_code")


def timestamp(parse: Callable[[object], datetime | date | None]) -> Converter:
    def convert(value: object) -> datetime | date | None:
        try:
            return parse(value)
        except TimeFormatError:
            raise FieldError("bad_format", value) from None

    return convert


def _dvc_datetime_column(values: list) -> list:
    """Well-formed ``yyyyMMddHHmmss`` values; a valid-looking but impossible time (month 13) raises
    ``ValueError``, and the column then takes ``dvc_datetime``, which names it ``bad_format``."""
    parse = datetime.fromisoformat
    return [
        parse(f"{value[:8]}T{value[8:]}")
        if value.__class__ is str
        and len(value) == 14
        and value.isdigit()
        and value.isascii()
        and value != DVC_MIN_VALUE
        else (None if value is None or value == "" else SLOW)
        for value in values
    ]


@fast_path(_dvc_datetime_column)
def dvc_datetime(value: object) -> datetime | None:
    """``yyyyMMddHHmmss`` (see ``parse_dvc_datetime``)."""
    try:
        return parse_dvc_datetime(value)
    except TimeFormatError:
        raise FieldError("bad_format", value) from None


def agency(resolver: AgencyResolver) -> Converter:
    return _cached(lambda value: resolver.resolve(as_text(value)), "unknown_agency")


def procedure(resolve: Callable[[str], str | None]) -> Converter:
    """A procedure code, full or short (Q9), to the full code ``resolve`` gives for its identifier."""
    return _cached(lambda value: resolve(identifier(value)), "unknown_procedure")


def scalar_text(value: object) -> str | None:
    """The text of a scalar that identifies a record (a key, a direction), None when there is none: absent,
    empty, or a flag, object or list where a string or number belongs."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    return (value if isinstance(value, str) else as_text(value)) or None
