"""QLVB post-privacy records to an `ExtractBatch` whose array entries become child rows."""

from collections.abc import Iterable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from etl.batch import ExtractBatch
from etl.normalise import EntitySpec, normalise
from etl.qlvb.entities import CHILD_COLUMNS, DOCUMENTS, SOURCE


def split_children(rows: pa.Table) -> tuple[pa.Table, dict[str, pa.Table]]:
    """`rows` without its list columns, and one child table per list column: an entry per row, with its
    parent's `_key` and `_fetch_seq`."""
    children = {}
    for column, (table_name, renames) in CHILD_COLUMNS.items():
        if column not in rows.column_names:
            continue
        lists = rows.column(column).combine_chunks()
        parents = pc.list_parent_indices(lists)
        entries = pc.list_flatten(lists)
        data = {
            "_parent_key": pc.take(rows.column("_key"), parents),
            "_parent_fetch_seq": pc.take(rows.column("_fetch_seq"), parents),
        }
        for field, name in renames.items():
            data[name] = pc.struct_field(entries, field)
        children[table_name] = pa.table(data)
        rows = rows.drop_columns([column])
    return rows, children


def normalise_batch(
    spec: EntitySpec, items: Iterable[tuple[str, dict]], fetch_seq_start: int = 0
) -> ExtractBatch:
    """Normalise `(locator, post-privacy record)` items of one spec into a batch with its children."""
    raw, rows, quarantine = normalise(spec, items, fetch_seq_start)
    rows, children = split_children(rows)
    return ExtractBatch(SOURCE, spec.entity, raw, rows, quarantine, children)


def normalise_documents(
    records: Iterable[dict],
    spec: EntitySpec,
    locators: Sequence[str] | None = None,
    fetch_seq_start: int = 0,
) -> ExtractBatch:
    """Register entries already through the privacy step (never hashed or dropped again here): used to
    re-evaluate quarantined records once a mapping or an agency arrives. Locators default to
    `documents#{index}`."""
    records = list(records)
    if locators is None:
        locators = [f"{DOCUMENTS}#{index}" for index in range(len(records))]
    return normalise_batch(spec, zip(locators, records, strict=True), fetch_seq_start)


def concat_batches(batches: list[ExtractBatch]) -> ExtractBatch:
    """One batch of several batches of the same entity (pages, or the files of a folder pass)."""
    first = batches[0]
    return ExtractBatch(
        first.source,
        first.entity,
        pa.concat_tables([batch.raw for batch in batches]),
        pa.concat_tables([batch.rows for batch in batches]),
        pa.concat_tables([batch.quarantine for batch in batches]),
        {name: pa.concat_tables([batch.children[name] for batch in batches]) for name in first.children},
    )
