"""CodeNotation and DocumentId cleaning (sources.md §3.4, quirk Q4): the type segment of a notation gets the
canonical spelling of its abbreviation; every other segment is kept as received."""

import re

from etl.memo import TextMemo
from etl.text import CanonicalValues, clean_identifier

# A legal normative document carries its year before the type code: `2024/QĐ-UBND`.
_YEAR_PREFIX = re.compile(r"^(\d{4}/)(.*)$", re.DOTALL)


class NotationCleaner:
    def __init__(self, abbreviations: CanonicalValues):
        self._abbreviations = abbreviations
        # `QYĐ-UBND` → `QyĐ-UBND`, `2024/TTR-UBND` → `2024/TTr-UBND`; `UBND-TH` stays as it is.
        self.notation = TextMemo(self._clean)

    def _clean(self, value: str) -> str:
        text = clean_identifier(value)
        first, dash, rest = text.partition("-")
        year = _YEAR_PREFIX.match(first)
        prefix, segment = (year.group(1), year.group(2)) if year else ("", first)
        canonical = self._abbreviations.match(segment) if segment else None
        return f"{prefix}{canonical or segment}{dash}{rest}"

    def document_id(self, value: str) -> str:
        """`{OrganId},{yyyy/MM/dd},{CodeNumber}/{CodeNotation}` with its notation cleaned; a value of
        another shape is only cleaned as an identifier (its record then fails on its own fields)."""
        text = clean_identifier(value)
        parts = text.split(",")
        if len(parts) != 3 or "/" not in parts[2]:
            return text
        number, _, notation = parts[2].partition("/")
        return f"{parts[0]},{parts[1]},{number}/{self.notation(notation)}"
