"""E-CABINET post-privacy records to an ``ExtractBatch``: poll members as child rows, Q19 for meetings."""

import logging
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from etl.batch import ExtractBatch
from etl.ecabinet.context import EcabinetContext
from etl.ecabinet.entities import MEETINGS, POLLS, SOURCE, entity_spec
from etl.normalise import TIMESTAMP, normalise

log = logging.getLogger(__name__)

POLL_MEMBERS = "stg_ecabinet__poll_member"
POLL_MEMBER_SCHEMA = pa.schema(
    [
        ("_parent_key", pa.string()),
        ("_parent_fetch_seq", pa.int64()),
        ("member_id", pa.string()),
        ("choice", pa.string()),
        ("comment", pa.string()),
        ("answered_at", TIMESTAMP),
        ("is_signed", pa.bool_()),
    ]
)
_MEMBER_FIELDS = {
    "member_id": "maThanhVien",
    "choice": "luaChon",
    "comment": "yKien",
    "answered_at": "thoiDiemTraLoi",
    "is_signed": "daKySo",
}
# Counts of the detail's arrays mean nothing for a meeting kept from the list alone.
_DETAIL_COUNTS = (
    "agenda_item_count",
    "document_count",
    "paper_document_count",
    "attendee_count",
    "attended_count",
)


def normalise_records(
    entity: str,
    items: Iterable[tuple[str, dict]],
    context: EcabinetContext,
    fetch_seq_start: int = 0,
) -> ExtractBatch:
    """Normalise ``(locator, record)`` items that have been through the privacy step (never hashed here).

    Used by the extractor page by page, and by the caller to re-evaluate quarantined records.
    """
    members: list[list[dict]] = []
    spec = entity_spec(entity, context, members.append)
    raw, rows, quarantine = normalise(spec, items, fetch_seq_start)
    children = {}
    if entity == MEETINGS:
        rows = _paperless_from_documents(rows)
    elif entity == POLLS:
        children[POLL_MEMBERS] = _member_rows(rows, members)
    return ExtractBatch(SOURCE, entity, raw, rows, quarantine, children)


def _replace(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def _paperless_from_documents(rows: pa.Table) -> pa.Table:
    """Q19: a meeting with a paper document is not paperless, whatever ``khongGiay`` says (the documents
    win); a meeting without its detail keeps the flag it was served with."""
    fetched = pc.fill_null(rows.column("detail_fetched"), False)
    paper = pc.and_kleene(fetched, pc.greater(rows.column("paper_document_count"), 0))
    reported = rows.column("reported_paperless")
    contradicted = pc.and_(reported, paper)
    if pc.any(contradicted).as_py():
        keys = pc.filter(rows.column("_key"), contradicted).to_pylist()
        log.warning(
            "E-CABINET: %d meeting(s) flagged khongGiay although a document went on paper; staged as "
            "not paperless: %s",
            len(keys),
            ", ".join(keys),
        )
    rows = rows.append_column("is_paperless", pc.and_(reported, pc.invert(paper)))
    for name in _DETAIL_COUNTS:
        rows = _replace(rows, name, pc.if_else(fetched, rows.column(name), pa.scalar(None, pa.int32())))
    return _replace(rows, "detail_fetched", fetched)


def _member_rows(rows: pa.Table, members: list[list[dict]]) -> pa.Table:
    """One child row per valid ``thanhVien`` entry, with its parent's ``_key`` and ``_fetch_seq``."""
    if len(members) != rows.num_rows:
        raise AssertionError("poll members were not collected once per staged poll")
    columns: dict[str, list] = {name: [] for name in POLL_MEMBER_SCHEMA.names}
    keys, seqs = rows.column("_key").to_pylist(), rows.column("_fetch_seq").to_pylist()
    for key, seq, entries in zip(keys, seqs, members, strict=True):
        for entry in entries:
            columns["_parent_key"].append(key)
            columns["_parent_fetch_seq"].append(seq)
            for column, name in _MEMBER_FIELDS.items():
                columns[column].append(entry[name])
    return pa.table(columns, schema=POLL_MEMBER_SCHEMA)
