"""Independent oracle for the QLVB metrics of metrics.md §2, in plain Python over contract records.

It shares no code with `etl/` or `warehouse/` and uses only the standard library. Input records have the
field names and wire formats of sources.md §3.3 (what `Simulation.truth("documents")` returns: the API's
register entries, plus the documents that exist only as edXML files, loaded as §3.7 says, with `id` null).
Agencies are DVC `don-vi` records (§2.5), read as the DVC oracle reads them.

Interpretations, where metrics.md leaves a choice:
- A register entry is (MaDonViQuanLy, direction, DocumentId); each counts once.
- `di` is in P by its `PromulgationDate` (a date), `den` by its `NgayDen` (an instant in [start, end)).
  Recalled (`BussinessDocType` 1) and secret (`DoMat` not empty) entries enter no metric.
- Handling: each `XuLy` entry with `VaiTro` "chủ trì" and `HanXuLy` in P, on an entry neither recalled nor
  secret; on time when `NgayHoanThanh` is set and its local date is at or before `HanXuLy`. Entries the
  pipeline quarantines (`excluded_handling`: (entry key, index in `XuLy`)) are left out. In the year in
  progress an entry still open at the end of P whose deadline (the end of `HanXuLy`) is later leaves both.
- Plan on time: an outgoing, not recalled entry whose `CodeNotation` starts with `KH-` and whose `Subject`
  (NFC, case-folded) contains "cải cách hành chính" and "năm Y", promulgated on or before the deadline.
- "No QLVB data of the agency": no register entry whose `MaDonViQuanLy` is the agency.

Output: `{(agency_code, metric_code): (numerator, denominator, value)}` for every assessed agency active in
P and every QLVB metric; `value` a `Decimal` rounded half-up to 4 places, None when the denominator is 0.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tests.e2e.dvc_oracle import assessed_agencies

Record = Mapping[str, Any]
Row = tuple[int | None, int | None, Decimal | None]

QLVB_METRICS = ("qlvb.e_document_rate", "qlvb.signed_rate", "qlvb.handling_on_time_rate", "qlvb.plan_on_time")
LOCAL = timezone(timedelta(hours=7))
ELECTRONIC = frozenset({"điện tử", "cả hai"})


def qlvb_metrics(
    documents: Iterable[Record],
    agencies: Iterable[Record],
    year: int,
    as_of: datetime,
    excluded_handling: set[tuple[str, int]] = frozenset(),
    plan_deadline: date | None = None,
) -> dict[tuple[str, str], Row]:
    start, end = datetime(year, 1, 1), min(datetime(year + 1, 1, 1), as_of)
    deadline = plan_deadline or date(year - 1, 12, 31)
    by_agency: dict[str, list[Record]] = {}
    for record in documents:
        by_agency.setdefault(record["MaDonViQuanLy"], []).append(record)
    out: dict[tuple[str, str], Row] = {}
    for agency in assessed_agencies(agencies, start, end):
        own = by_agency.get(agency)
        if not own:
            out.update({(agency, metric): (None, None, None) for metric in QLVB_METRICS})
            continue
        counted = [r for r in own if not _recalled(r) and not _secret(r)]
        population = [r for r in counted if _in_period(r, start, end)]
        electronic = [r for r in population if _electronic(r)]
        out[(agency, "qlvb.e_document_rate")] = _rate(len(electronic), len(population))
        sent = [r for r in electronic if r["direction"] == "di"]
        out[(agency, "qlvb.signed_rate")] = _rate(sum(map(_agency_signed, sent)), len(sent))
        leads = [
            entry
            for r in counted
            for index, entry in enumerate(r.get("XuLy") or [])
            if (_key(r), index) not in excluded_handling and _lead_in_period(entry, start, end)
        ]
        out[(agency, "qlvb.handling_on_time_rate")] = _rate(sum(map(_done_on_time, leads)), len(leads))
        plans = [r for r in own if _is_plan(r, year)]
        issued = any(_date(r["PromulgationDate"]) <= deadline for r in plans)
        out[(agency, "qlvb.plan_on_time")] = _rate(int(issued), 1)
    return out


def qlvb_metrics_from_truth(truth, year: int, as_of: datetime, excluded_handling=frozenset()):
    """The oracle over a simulator's ground truth (`Simulation.truth`)."""
    return qlvb_metrics(truth("documents"), truth("don-vi"), year, as_of, excluded_handling)


def _key(record: Record) -> str:
    return f"{record['MaDonViQuanLy']}|{record['direction']}|{record['DocumentId']}"


def _recalled(record: Record) -> bool:
    return int(record.get("BussinessDocType") or 0) == 1


def _secret(record: Record) -> bool:
    return bool((record.get("DoMat") or "").strip())


def _electronic(record: Record) -> bool:
    return record.get("HinhThucGuiNhan") in ELECTRONIC


def _in_period(record: Record, start: datetime, end: datetime) -> bool:
    if record["direction"] == "di":
        moment = datetime.combine(_date(record["PromulgationDate"]), datetime.min.time())
    else:
        moment = _instant(record.get("NgayDen"))
    return moment is not None and start <= moment < end


def _agency_signed(record: Record) -> bool:
    return any(s.get("KyBoi") == "co_quan" and s.get("HopLe") is True for s in record.get("ChuKySo") or [])


def _lead_in_period(entry: Record, start: datetime, end: datetime) -> bool:
    due = entry.get("HanXuLy")
    if entry.get("VaiTro") != "chủ trì" or not due:
        return False
    due_day = date.fromisoformat(due)
    if not start.date() <= due_day < (end - timedelta(microseconds=1)).date() + timedelta(days=1):
        return False
    done = _instant(entry.get("NgayHoanThanh"))
    deadline_end = datetime.combine(due_day + timedelta(days=1), datetime.min.time())
    return (done is not None and done < end) or deadline_end <= end


def _done_on_time(entry: Record) -> bool:
    done = _instant(entry.get("NgayHoanThanh"))
    return done is not None and done.date() <= date.fromisoformat(entry["HanXuLy"])


def _is_plan(record: Record, year: int) -> bool:
    subject = unicodedata.normalize("NFC", record.get("Subject") or "").casefold()
    return (
        record["direction"] == "di"
        and not _recalled(record)
        and str(record.get("CodeNotation") or "").startswith("KH-")
        and "cải cách hành chính" in subject
        and f"năm {year}" in subject
    )


def _date(text: str) -> date:
    return date(int(text[0:4]), int(text[5:7]), int(text[8:10]))


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo is None else parsed.astimezone(LOCAL).replace(tzinfo=None)


def _rate(numerator: int, denominator: int) -> Row:
    if denominator == 0:
        return numerator, 0, None
    scaled = Fraction(numerator, denominator) * 10_000
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return numerator, denominator, Decimal(units).scaleb(-4)


def excluded_entries(manifest: Iterable[Mapping[str, str]]) -> set[tuple[str, int]]:
    """(entry key, XuLy index) of the handling entries an unknown status (Q7) sends to quarantine."""
    out = set()
    for entry in manifest:
        field = entry["field"]
        if entry["entity"] == "documents" and entry["quirk"] == "Q7" and field.startswith("XuLy["):
            out.add((entry["key"], int(field[5 : field.index("]")])))
    return out


__all__ = ["QLVB_METRICS", "excluded_entries", "qlvb_metrics", "qlvb_metrics_from_truth"]
