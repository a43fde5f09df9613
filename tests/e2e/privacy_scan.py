"""Scanning a warehouse for personal data in clear (sources.md §1.9): every text column of every table and
view, and every column name."""

import json
import re
import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa

from warehouse import schema

# Column names that would hold ethnicity, religion or party membership (class S), in English or Vietnamese.
SENSITIVE_COLUMN_WORDS = ("ethnic", "religio", "party", "dantoc", "dan_toc", "tongiao", "ton_giao", "vaodang")


def warehouse_columns(engine: sa.Engine) -> list[tuple[str, str, str, bool]]:
    """(schema, table, column, is_text) of every table and view of the warehouse's schemas."""
    inspector = sa.inspect(engine)
    found = []
    for name in schema.SCHEMAS:
        relations = inspector.get_table_names(schema=name) + inspector.get_view_names(schema=name)
        for relation in relations:
            for column in inspector.get_columns(relation, schema=name):
                is_text = isinstance(column["type"], sa.String)
                found.append((name, relation, column["name"], is_text))
    return found


def sensitive_columns(engine: sa.Engine) -> list[str]:
    return [
        f"{s}.{t}.{c}"
        for s, t, c, _ in warehouse_columns(engine)
        if any(word in c.lower() for word in SENSITIVE_COLUMN_WORDS)
    ]


def needle_pattern(needles: Iterable[str]) -> re.Pattern:
    """One regular expression matching any of `needles`, built as a trie so that thousands of names scan
    in linear time (a flat alternation makes Python's engine try every needle at every position); at a
    branch the longer needle wins, so a name is reported rather than a shorter needle inside it."""
    trie: dict = {}
    for needle in {unicodedata.normalize("NFC", n) for n in needles if n}:
        node = trie
        for char in needle:
            node = node.setdefault(char, {})
        node[""] = True

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return body + "?" if len(branches) == 1 and len(body) == 1 else f"(?:{body})?"
        return body

    if not trie:
        return re.compile(r"(?!)")
    return re.compile(render(trie))


def readable_text(cell: str, restricted_fields: frozenset[str] = frozenset()) -> str:
    """A cell as a reader would see it: NFC (so that an NFD copy of a name still matches) and, for JSON
    text, decoded (so that `\\u`-escaped text still matches), without the values of `restricted_fields`
    (class R of sources.md §1.9, allowed to name people outside marts)."""
    text = unicodedata.normalize("NFC", cell)
    if text[:1] not in "{[":
        return text
    try:
        value = json.loads(text)
    except ValueError:
        return text

    def strip(node):
        if isinstance(node, dict):
            return {k: "" if k in restricted_fields else strip(v) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return unicodedata.normalize("NFC", json.dumps(strip(value), ensure_ascii=False))


def clear_text_hits(
    engine: sa.Engine,
    needles: Iterable[str],
    restricted_fields: Iterable[str] = (),
    restricted_columns: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """(schema.table.column, needle) for every text cell that contains one of `needles`. Class R free
    text may name people in raw, staging and quarantine (sources.md §1.9): the values of
    `restricted_fields` inside JSON cells and the `restricted_columns` (schema.table.column) are then left
    out, but never in marts."""
    pattern = needle_pattern(needles)
    fields = frozenset(restricted_fields)
    skipped = {c for c in restricted_columns if not c.startswith("marts.")}
    hits = set()
    with engine.connect() as conn:
        for s, t, c, is_text in warehouse_columns(engine):
            name = f"{s}.{t}.{c}"
            if not is_text or name in skipped:
                continue
            values = conn.execute(sa.text(f'SELECT DISTINCT "{c}" FROM {s}."{t}" WHERE "{c}" IS NOT NULL'))
            for (cell,) in values:
                text = readable_text(cell, fields if s != "marts" else frozenset())
                hits.update((name, found) for found in pattern.findall(text))
    return sorted(hits)
