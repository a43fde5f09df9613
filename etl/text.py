"""Text cleaning by kind (sources.md §1.4) and matching against canonical values."""

import unicodedata
from collections.abc import Iterable, Mapping


def nfc(value: str) -> str:
    # ASCII and already-NFC strings (nearly all) are returned without being rebuilt.
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def clean_code(value: str) -> str:
    """Codes and enumerations: NFC, NBSP and line breaks as spaces, whitespace runs collapsed, trimmed."""
    # str.split() with no separator splits on every Unicode whitespace, NBSP and line breaks included.
    return " ".join(nfc(value).split())


def clean_identifier(value: str) -> str:
    """Identifiers: NFC and trim; internal spaces are part of the identifier."""
    return nfc(value).strip()


def clean_free_text(value: str) -> str:
    """Free text: NFC and trim only."""
    return nfc(value).strip()


class CanonicalValues:
    """Case-insensitive lookup of cleaned codes against canonical spellings and configured aliases."""

    def __init__(self, canonical: Iterable[str], aliases: Mapping[str, str] | None = None):
        self.canonical = tuple(canonical)
        self._lookup = {clean_code(value).casefold(): value for value in self.canonical}
        for alias, target in (aliases or {}).items():
            if target not in self.canonical:
                raise ValueError(f"alias {alias!r} maps to {target!r}, which is not a canonical value")
            self._lookup[clean_code(alias).casefold()] = target

    def match(self, value: str) -> str | None:
        """The canonical spelling of ``value`` (cleaned as a code first), or None when it is unknown."""
        return self._lookup.get(clean_code(value).casefold())

    def __contains__(self, value: str) -> bool:
        return self.match(value) is not None
