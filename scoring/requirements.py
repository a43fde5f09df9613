"""Document requirements of a catalogue (contracts/metrics.md §7.1): parsed, validated, resolved for a year.

A requirement names the documents an agency must issue (or receive); each of its items is one document with
its deadline and window. The catalogue holds them as data; `resolve` turns them into the plain values the
warehouse matches register entries against (`ResolvedItem`, whose fields are those of
`warehouse.docreq.ItemSpec`). Errors name the file, the requirement and what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from scoring.year_days import NotADay, NotAYearDay, YearDay, parse_year_day

DIRECTIONS = ("di", "den")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_YEAR_PLACEHOLDER = re.compile(r"\{Y(?:([+-])(\d))?\}")
_REQUIREMENT_KEYS = {
    "id",
    "name",
    "direction",
    "types",
    "type_names",
    "phrases",
    "none_of",
    "boundaries",
    "to",
    "from",
    "in_force",
    "pending",
    "coverage_check",
    "items",
}
_ITEM_KEYS = {"code", "name", "deadline", "after", "until", "types", "type_names", "to", "phrases", "none_of"}
_FLAGS = {"boundaries": True, "in_force": False, "pending": True, "coverage_check": True}
# A window bound left out takes its default (§7.2 rule 7); written `null` it is removed.
DEFAULT = "default"

Phrase = tuple[str, ...]  # alternatives; one of them must match


INSPECTION_COVERAGE = "qlvb.inspection_coverage"
_INSPECTION_KEYS = {"types", "type_names", "phrases", "none_of"}


class RequirementError(ValueError):
    """A `document_requirements` entry is invalid; the message names the file, the node and what is wrong."""


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    deadline: YearDay | None
    after: YearDay | None | str  # DEFAULT, None (no bound) or a day
    until: YearDay | None | str
    types: tuple[str, ...] | None  # None: the requirement's
    type_names: tuple[str, ...] | None
    to: tuple[str, ...] | None
    phrases: tuple[Phrase, ...]  # added to the requirement's
    none_of: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    id: str
    name: str
    direction: str
    types: tuple[str, ...]
    type_names: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    none_of: tuple[str, ...]
    boundaries: bool
    to: tuple[str, ...]
    from_: tuple[str, ...]
    in_force: bool
    pending: bool
    coverage_check: bool
    items: tuple[Item, ...]
    path: Path

    @property
    def on_time_metric(self) -> str:
        return f"qlvb.{self.id}_on_time"

    @property
    def issued_metric(self) -> str:
        return f"qlvb.{self.id}_issued"

    def declaration(self) -> tuple:
        """What the requirement declares, without the file it came from: two files may repeat it."""
        return (self.name, self.direction, self.types, self.type_names, self.phrases, self.none_of,
                self.boundaries, self.to, self.from_, self.in_force, self.pending, self.coverage_check,
                self.items)  # fmt: skip


class ResolvedItem(dict):
    """One item of a year as plain values, keyed as `warehouse.docreq.ItemSpec`'s fields."""


def substitute_year(text: str, year: int) -> str:
    """`{Y}`, `{Y-1}`, `{Y+1}` → the year in decimal."""

    def replace(match: re.Match) -> str:
        sign, offset = match.group(1), int(match.group(2) or 0)
        return str(year - offset if sign == "-" else year + offset)

    return _YEAR_PLACEHOLDER.sub(replace, text)


class _Reader:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, what: str) -> RequirementError:
        return RequirementError(f"{self.path}: {where}: {what}")

    def phrase_text(self, where: str, field: str, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
            raise self.fail(where, f"{field}: a phrase must be non-empty text, not {value!r}")
        text = unicodedata.normalize("NFC", str(value))
        # Unicode guarantees NFC is stable; a failure here means a broken normaliser, not a broken file.
        if not unicodedata.is_normalized("NFC", text):
            raise self.fail(where, f"{field}: phrase {value!r} is not NFC after normalisation")
        return text

    def phrases(self, where: str, field: str, raw: object) -> tuple[Phrase, ...]:
        if not isinstance(raw, list):
            raise self.fail(where, f"{field} must be a list of phrases or lists of alternative phrases")
        elements = []
        for element in raw:
            alternatives = element if isinstance(element, list) else [element]
            if not alternatives:
                raise self.fail(where, f"{field}: an empty list of alternatives")
            elements.append(tuple(self.phrase_text(where, field, a) for a in alternatives))
        return tuple(elements)

    def words(self, where: str, field: str, raw: object) -> tuple[str, ...]:
        """`none_of`: plain phrases."""
        return tuple(alternative for element in self.phrases(where, field, raw) for alternative in element)

    def codes(self, where: str, field: str, raw: object) -> tuple[str, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(c, str) and c.strip() for c in raw):
            raise self.fail(where, f"{field} must be a non-empty list of codes")
        return tuple(unicodedata.normalize("NFC", c.strip()) for c in raw)

    def date(self, where: str, field: str, raw: object) -> YearDay | None:
        if raw is None:
            return None
        try:
            return parse_year_day(raw)
        except NotAYearDay:
            raise self.fail(where, f"{field} must be Y-MM-DD, Y-1-MM-DD or Y+1-MM-DD, not {raw!r}") from None
        except NotADay:
            raise self.fail(where, f"{field} {raw!r} is not a date") from None

    def flag(self, where: str, raw: Mapping, field: str) -> bool:
        value = raw.get(field, _FLAGS[field])
        if not isinstance(value, bool):
            raise self.fail(where, f"{field} must be true or false")
        return value

    def text(self, where: str, field: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{field} must be non-empty text")
        return unicodedata.normalize("NFC", value.strip())

    def entry(self, raw: object, where: str, kind: str, field: str, keys: set[str]) -> tuple[str, str]:
        """(its id or code, where it is) of a requirement or an item: a mapping with known keys only."""
        if not isinstance(raw, Mapping):
            raise self.fail(where, f"{'an' if kind == 'item' else 'a'} {kind} must be a mapping")
        name = raw.get(field)
        if not isinstance(name, str) or not _ID.match(name):
            raise self.fail(where, f"{kind} {field} must be snake_case, not {name!r}")
        where = f"{where} item {name}" if kind == "item" else f"requirement {name}"
        unknown = sorted(set(raw) - keys)
        if unknown:
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}")
        return name, where

    def item(self, raw: object, where: str, has_type: bool, direction: str) -> Item:
        code, where = self.entry(raw, where, "item", "code", _ITEM_KEYS)
        if "deadline" not in raw:
            raise self.fail(where, "deadline is required (a date expression, or null: none)")
        types = self.codes(where, "types", raw["types"]) if "types" in raw else None
        type_names = self.codes(where, "type_names", raw["type_names"]) if "type_names" in raw else None
        if not has_type and types is None and type_names is None:
            raise self.fail(where, "types or type_names is required (on the requirement or the item)")
        if "to" in raw and direction != "di":
            raise self.fail(where, "to is for direction di only")
        return Item(
            code=code,
            name=self.text(where, "name", raw.get("name")),
            deadline=self.date(where, "deadline", raw["deadline"]),
            after=self.date(where, "after", raw["after"]) if "after" in raw else DEFAULT,
            until=self.date(where, "until", raw["until"]) if "until" in raw else DEFAULT,
            types=types,
            type_names=type_names,
            to=self.codes(where, "to", raw["to"]) if "to" in raw else None,
            phrases=self.phrases(where, "phrases", raw.get("phrases", [])),
            none_of=self.words(where, "none_of", raw.get("none_of", [])),
        )

    def requirement(self, raw: object, index: int) -> Requirement:
        requirement_id, where = self.entry(
            raw, f"document_requirements {index + 1}", "requirement", "id", _REQUIREMENT_KEYS
        )
        direction = raw.get("direction", "di")
        if direction not in DIRECTIONS:
            raise self.fail(where, f"direction must be di or den, not {direction!r}")
        if "phrases" not in raw:
            raise self.fail(where, "phrases is required")
        if "to" in raw and direction != "di":
            raise self.fail(where, "to is for direction di only")
        if "from" in raw and direction != "den":
            raise self.fail(where, "from is for direction den only")
        types = self.codes(where, "types", raw["types"]) if "types" in raw else ()
        type_names = self.codes(where, "type_names", raw["type_names"]) if "type_names" in raw else ()
        items_raw = raw.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            raise self.fail(where, "items must be a non-empty list")
        items = tuple(self.item(item, where, bool(types or type_names), direction) for item in items_raw)
        codes = [item.code for item in items]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise self.fail(where, f"item code(s) {', '.join(twice)} used twice")
        return Requirement(
            id=requirement_id,
            name=self.text(where, "name", raw.get("name")),
            direction=direction,
            types=types,
            type_names=type_names,
            phrases=self.phrases(where, "phrases", raw["phrases"]),
            none_of=self.words(where, "none_of", raw.get("none_of", [])),
            boundaries=self.flag(where, raw, "boundaries"),
            to=self.codes(where, "to", raw["to"]) if "to" in raw else (),
            from_=self.codes(where, "from", raw["from"]) if "from" in raw else (),
            in_force=self.flag(where, raw, "in_force"),
            pending=self.flag(where, raw, "pending"),
            coverage_check=self.flag(where, raw, "coverage_check"),
            items=items,
            path=self.path,
        )


def parse_requirements(path: Path, raw: object) -> tuple[Requirement, ...]:
    """The `document_requirements:` list of the catalogue file `path`."""
    if raw is None:
        return ()
    reader = _Reader(path)
    if not isinstance(raw, list):
        raise reader.fail("document_requirements", "must be a list of requirements")
    requirements = tuple(reader.requirement(entry, i) for i, entry in enumerate(raw))
    ids = [r.id for r in requirements]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise reader.fail("document_requirements", f"requirement id(s) {', '.join(twice)} declared twice")
    return requirements


class InspectionParameters(NamedTuple):
    """`metric_parameters.qlvb.inspection_coverage` (metrics.md §7.7); the warehouse holds the defaults."""

    types: tuple[str, ...]
    type_names: tuple[str, ...]
    phrases: tuple[Phrase, ...]
    none_of: tuple[str, ...]


def parse_inspection(path: Path, raw: object) -> InspectionParameters | None:
    """The inspection documents' parameters, or None when the catalogue gives none."""
    if raw is None:
        return None
    reader, where = _Reader(path), f"metric_parameters {INSPECTION_COVERAGE}"
    if not isinstance(raw, Mapping):
        raise reader.fail(where, "must be a mapping")
    unknown = sorted(set(raw) - _INSPECTION_KEYS)
    if unknown:
        raise reader.fail(where, f"unknown field(s) {', '.join(unknown)}")
    types = reader.codes(where, "types", raw["types"]) if "types" in raw else ()
    type_names = reader.codes(where, "type_names", raw["type_names"]) if "type_names" in raw else ()
    if not types and not type_names:
        raise reader.fail(where, "types or type_names is required")
    if "phrases" not in raw:
        raise reader.fail(where, "phrases is required")
    return InspectionParameters(
        types, type_names, reader.phrases(where, "phrases", raw["phrases"]),
        reader.words(where, "none_of", raw.get("none_of", [])),
    )  # fmt: skip


def merge_requirements(declared: list[tuple[Requirement, ...]]) -> tuple[Requirement, ...]:
    """The requirements of every loaded catalogue: global to a run, so two files that declare the same id
    differently are an error naming both files (metrics.md §7.1)."""
    merged: dict[str, Requirement] = {}
    for requirements in declared:
        for requirement in requirements:
            earlier = merged.get(requirement.id)
            if earlier is None:
                merged[requirement.id] = requirement
            elif earlier.declaration() != requirement.declaration():
                raise RequirementError(
                    f"{requirement.path}: requirement {requirement.id}: declared differently in "
                    f"{earlier.path} and {requirement.path}"
                )
    return tuple(merged.values())


def _bound(expression: YearDay | None | str, default: date | None, year: int) -> date | None:
    if expression == DEFAULT:
        return default
    return expression.on(year) if expression is not None else None


def resolve(requirement: Requirement, year: int) -> list[ResolvedItem]:
    """The requirement's items for assessment year Y, in catalogue order: dates and `{Y}` resolved, the
    item's types and receivers replacing the requirement's, its phrases added (metrics.md §7.1, §7.2)."""
    resolved = []
    for order, item in enumerate(requirement.items, start=1):
        deadline = item.deadline.on(year) if item.deadline else None
        last_day = date(year, 12, 31)
        until_default = max(last_day, deadline) if deadline else last_day
        phrases = requirement.phrases + item.phrases
        uses_own_types = item.types is not None or item.type_names is not None
        resolved.append(
            ResolvedItem(
                requirement_id=requirement.id,
                requirement_name=substitute_year(requirement.name, year),
                direction=requirement.direction,
                boundaries=requirement.boundaries,
                in_force=requirement.in_force,
                pending=requirement.pending,
                coverage_check=requirement.coverage_check,
                item_order=order,
                item_code=item.code,
                item_name=substitute_year(item.name, year),
                deadline=deadline,
                after=_bound(item.after, date(year, 1, 1), year),
                until=_bound(item.until, until_default, year),
                types=(item.types or ()) if uses_own_types else requirement.types,
                type_names=(item.type_names or ()) if uses_own_types else requirement.type_names,
                to=item.to if item.to is not None else requirement.to,
                from_=requirement.from_,
                phrases=tuple(tuple(substitute_year(p, year) for p in element) for element in phrases),
                none_of=tuple(substitute_year(p, year) for p in requirement.none_of + item.none_of),
            )
        )
    return resolved
