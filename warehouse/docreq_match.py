"""metrics.md §7.2 rules 3 and 4 as pure functions: the type of a register entry and its subject phrases.

Word boundaries (`quý I` must not match `quý II`) need Unicode's notion of a letter or digit
(`str.isalnum`), which DuckDB and PostgreSQL spell differently in SQL; so matching runs in Python."""

from __future__ import annotations

import re

_LEGAL_YEAR = re.compile(r"^\d{4}/")


def type_segment(code_notation: str | None) -> str | None:
    """The type segment of a cleaned CodeNotation (sources.md §3.4): the first `-`-separated segment, or
    within it the part after `YYYY/`; None with fewer than two segments (a công văn's `UBND-TH` has two:
    its first segment is no type abbreviation, so it matches none)."""
    if not code_notation:
        return None
    segments = code_notation.split("-")
    if len(segments) < 2:
        return None
    return _LEGAL_YEAR.sub("", segments[0], count=1)


def phrase_matches(phrase: str, subject: str, boundaries: bool) -> bool:
    """Rule 4 for one phrase: both lower-cased (`str.lower`); with boundaries, at one occurrence at least
    the characters just outside the phrase are not letters or digits where the phrase's own end is one."""
    p, s = phrase.lower(), subject.lower()
    if not p:
        return False
    start = s.find(p)
    while start >= 0:
        end = start + len(p)
        if not boundaries:
            return True
        before_ok = not p[0].isalnum() or start == 0 or not s[start - 1].isalnum()
        after_ok = not p[-1].isalnum() or end == len(s) or not s[end].isalnum()
        if before_ok and after_ok:
            return True
        start = s.find(p, start + 1)
    return False


def subject_matches(
    subject: str | None, phrases: list[list[str]], none_of: list[str], boundaries: bool
) -> bool:
    """Every element has a matching alternative and no `none_of` phrase matches."""
    if subject is None:
        return False
    return all(
        any(phrase_matches(p, subject, boundaries) for p in element) for element in phrases
    ) and not any(phrase_matches(p, subject, boundaries) for p in none_of)


def type_matches(
    code_notation: str | None, type_name: str | None, types: list[str], type_names: list[str]
) -> bool:
    """Rule 3: the type segment is one of `types`, or the cleaned TypeName one of `type_names`."""
    return type_segment(code_notation) in types or (type_name is not None and type_name in type_names)
