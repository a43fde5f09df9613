"""Independent oracle for the document requirements of metrics.md §7 and §7.7, in plain Python.

It shares no code with `etl/`, `warehouse/` or `scoring/` and uses only the standard library.

- `requirement_metrics` reads the simulator's ground truth `docreq_manifest.jsonl` (metrics.md §12: one line
  `{"agency", "requirement", "item", "outcome", "document_id"}` per generated item outcome or decoy). An
  item's status is its best outcome: on_time, else late, else missing; `pre_period` alone (a decision older
  than the first QLVB extraction, which starts on 1 July of the year before) is unverifiable and leaves the
  denominator, and so is `missing` for an item without a lower bound (§13.2); decoys never count.
  `qlvb.<id>_on_time` = on_time / (on_time + late + missing) and `qlvb.<id>_issued` = (on_time + late) / the
  same, for a year that has ended. Rows of `inspection_coverage` are divisions, on_time when inspected:
  `qlvb.inspection_coverage` = on_time / rows.
- `inspection_coverage` re-implements §7.7 over the register entries the simulator serves (`truth`): outgoing,
  neither recalled nor secret, type segment TB or BC, Subject with "kiểm tra" and "cải cách hành chính" or
  "CCHC" on word boundaries, promulgated in Y; k = divisions (don-vi units under the agency, phong-ban or
  don-vi-truc-thuoc, valid on 31/12/Y) named in `To[]`, n = divisions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

Row = tuple[int | None, int | None, Decimal | None]
_RANK = {"on_time": 0, "late": 1, "missing": 2, "pre_period": 3}
DIVISION_TYPES = frozenset({"phong-ban", "don-vi-truc-thuoc"})
INSPECTION = "inspection_coverage"
# §7.5's requirements whose items have no lower bound (`after: null`) and check coverage: by §13.2 such a
# window starts before C, so an item without a document is unverifiable rather than missing.
UNBOUNDED = frozenset({"functions_regulation"})


def _rate(k: int, n: int) -> Row:
    value = (Decimal(k) / Decimal(n)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if n else None
    return k, n, value


def read_manifest(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def requirement_metrics(manifest: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], Row]:
    best: dict[tuple[str, str, str], str] = {}
    for entry in manifest:
        if entry["outcome"] == "decoy":
            continue
        key = (entry["agency"], entry["requirement"], entry["item"])
        outcome = entry["outcome"]
        if outcome == "missing" and entry["requirement"] in UNBOUNDED:
            outcome = "pre_period"  # unverifiable, as a decision older than the data
        if key not in best or _RANK[outcome] < _RANK[best[key]]:
            best[key] = outcome
    counts: dict[tuple[str, str], list[int]] = {}
    for (agency, requirement, _), outcome in best.items():
        on_time, issued, denominator = counts.setdefault((agency, requirement), [0, 0, 0])
        counted = outcome in ("on_time", "late", "missing")
        counts[(agency, requirement)] = [
            on_time + (outcome == "on_time"),
            issued + (outcome in ("on_time", "late")),
            denominator + counted,
        ]
    out = {}
    for (agency, requirement), (on_time, issued, denominator) in counts.items():
        if requirement == INSPECTION:
            # one row per division: on_time when an inspection document names it, else missing (§7.7)
            out[(agency, "qlvb.inspection_coverage")] = _rate(on_time, denominator)
            continue
        out[(agency, f"qlvb.{requirement}_on_time")] = _rate(on_time, denominator)
        out[(agency, f"qlvb.{requirement}_issued")] = _rate(issued, denominator)
    return out


def _matches(phrase: str, subject: str) -> bool:
    """The phrase occurs in the subject (both lower-cased) with no letter or digit just outside it."""
    p, s = phrase.lower(), subject.lower()
    for start in range(len(s) - len(p) + 1):
        if s[start : start + len(p)] != p:
            continue
        before = s[start - 1] if start else " "
        after = s[start + len(p)] if start + len(p) < len(s) else " "
        if not before.isalnum() and not after.isalnum():
            return True
    return False


def _is_inspection(record: Mapping[str, Any], year: int) -> bool:
    notation = str(record.get("CodeNotation") or "")
    subject = record.get("Subject") or ""
    return (
        record["direction"] == "di"
        and int(record.get("BussinessDocType") or 0) != 1
        and not (record.get("DoMat") or "").strip()
        and "-" in notation
        and notation.split("-")[0].split("/")[-1] in ("TB", "BC")
        and str(record["PromulgationDate"])[:4] == str(year)
        and _matches("kiểm tra", subject)
        and (_matches("cải cách hành chính", subject) or _matches("cchc", subject))
    )


def _valid_on(record: Mapping[str, Any], day: date) -> bool:
    def parsed(text):
        text = str(text or "").strip()
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8])) if text else None

    start, end = parsed(record.get("NgayHieuLuc")), parsed(record.get("NgayHetHieuLuc"))
    return (start is None or start <= day) and (end is None or day < end)


def inspection_coverage(
    documents: Iterable[Mapping[str, Any]], agencies: Iterable[Mapping[str, Any]], year: int
) -> dict[str, Row]:
    """agency → (k, n, value) for every agency holding a register entry."""
    agencies = list(agencies)
    canonical = {str(a.get("MaDinhDanhCu") or "").strip(): a["MaDinhDanh"] for a in agencies}
    canonical.update({a["MaDinhDanh"]: a["MaDinhDanh"] for a in agencies})
    divisions: dict[str, set[str]] = {}
    for unit in agencies:
        if str(unit.get("LoaiDonVi") or "").strip() in DIVISION_TYPES and _valid_on(unit, date(year, 12, 31)):
            divisions.setdefault(str(unit.get("MaDonViCha") or "").strip(), set()).add(unit["MaDinhDanh"])
    named: dict[str, set[str]] = {}
    registers = set()
    for record in documents:
        registers.add(canonical.get(record["MaDonViQuanLy"], record["MaDonViQuanLy"]))
        if _is_inspection(record, year):
            agency = canonical.get(record["MaDonViQuanLy"], record["MaDonViQuanLy"])
            for receiver in record.get("To") or []:
                named.setdefault(agency, set()).add(canonical.get(receiver["OrganId"], receiver["OrganId"]))
    return {
        agency: _rate(
            len(divisions.get(agency, set()) & named.get(agency, set())), len(divisions.get(agency, ()))
        )
        for agency in registers
    }
