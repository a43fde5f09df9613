"""Converters remembered per received text: a register repeats the same few hundred dates, organs, type
names and notations across a year."""

from etl.convert import SLOW, Converter

# Past this many distinct texts, new ones are converted but not remembered.
_REMEMBERED = 10_000


class TextMemo:
    """A converter whose result depends only on the received text, remembered per text it accepted, with a
    column fast path of dictionary lookups (``etl.convert``); any other value asks the converter."""

    def __init__(self, convert: Converter):
        self._convert = convert
        self._known: dict[str, object] = {}

    def __call__(self, value: object) -> object:
        if value.__class__ is not str:
            return self._convert(value)
        result = self._known.get(value, SLOW)
        if result is SLOW:
            result = self._convert(value)
            if len(self._known) < _REMEMBERED:
                self._known[value] = result
        return result

    def column(self, values: list) -> list:
        get = self._known.get
        return [get(v, SLOW) if v.__class__ is str else (None if v is None else SLOW) for v in values]
