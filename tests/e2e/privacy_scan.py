"""Scanning a warehouse for personal data in clear (sources.md §1.9): every text column of every table and
view, and every column name."""

import re
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


def clear_text_hits(engine: sa.Engine, needles: Iterable[str]) -> list[tuple[str, str]]:
    """(schema.table.column, needle) for every text cell that contains one of `needles`."""
    # Longest first, so that a name is reported rather than a shorter needle inside it.
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, needles)))
    hits = set()
    with engine.connect() as conn:
        for s, t, c, is_text in warehouse_columns(engine):
            if not is_text:
                continue
            values = conn.execute(sa.text(f'SELECT DISTINCT "{c}" FROM {s}."{t}" WHERE "{c}" IS NOT NULL'))
            for (cell,) in values:
                hits.update((f"{s}.{t}.{c}", found) for found in pattern.findall(cell))
    return sorted(hits)
