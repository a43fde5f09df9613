"""Leaves on a document requirement's metric (contracts/metrics.md §7.4, §9.2, §9.6, §10.3–10.4): they read
the requirement's item rows (`marts.dd_qlvb_<id>_issued`, one per item), not only the metric value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd

from scoring import explanations, rules

NOT_YET_DUE_NOTE = "Chưa đến hạn"
EVIDENCE_SEPARATOR = " | "
_DECIDED = (rules.ON_TIME, rules.LATE)


def _day(value: Any) -> date | None:
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return value if type(value) is date else pd.Timestamp(value).date()


def _int(value: Any) -> int | None:
    return None if value is None or bool(pd.isna(value)) else int(value)


def format_document(row: Mapping[str, Any]) -> str:
    """metrics.md §2: `CodeNumber/CodeNotation; dd/mm/yyyy; Subject`."""
    issued = _day(row["promulgation_date"]).strftime("%d/%m/%Y")
    return f"{row['code_number']}/{row['code_notation']}; {issued}; {row['subject']}"


def ordered(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Item rows in catalogue order."""
    return sorted(rows, key=lambda row: int(row["item_order"]))


def items(rows: Sequence[Mapping[str, Any]]) -> list[explanations.RequirementItem]:
    return [
        explanations.RequirementItem(
            row["item_name"],
            row["status"],
            _day(row["deadline_date"]),
            _day(row["promulgation_date"]),
            _int(row["days_late"]),
            _day(row["coverage_start"]),
        )
        for row in ordered(rows)
    ]


class EmptyOutcome(NamedTuple):
    outcome: rules.LeafOutcome
    note: str


def empty_denominator(rows: Sequence[Mapping[str, Any]]) -> EmptyOutcome | None:
    """§7.4 when no item is on time, late or missing: all pending, the leaf is not applicable (`Chưa đến
    hạn`); some unverifiable, it is missing (`Không kiểm chứng được: dữ liệu QLVB từ dd/mm/yyyy`), and a
    `fallback: manual` row may score it. None when some item counts."""
    statuses = [row["status"] for row in rows]
    if not statuses or any(s in (*_DECIDED, rules.MISSING) for s in statuses):
        return None
    if all(s == rules.PENDING for s in statuses):
        return EmptyOutcome(
            rules.LeafOutcome(rules.NOT_APPLICABLE, None, rules.REASON_NO_CASES), NOT_YET_DUE_NOTE
        )
    since = min(_day(row["coverage_start"]) for row in rows if row["status"] == rules.UNVERIFIABLE)
    note = f"Không kiểm chứng được: dữ liệu QLVB từ {since.strftime('%d/%m/%Y')}"
    return EmptyOutcome(rules.LeafOutcome(rules.MISSING, None, rules.REASON_NO_CASES), note)


def deadline_score(rows: Sequence[Mapping[str, Any]], rule: rules.Rule, m: Decimal) -> Decimal | None:
    """§9.2 over the items, in calendar days (the catalogue refuses `days: working` for now)."""
    decided = [
        rules.DeadlineItem(
            row["status"], (_int(row["days_late"]) or 0) if row["status"] in _DECIDED else None
        )
        for row in rows
    ]
    return rules.deadline_score(decided, m, rule)


def cite(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """Documents as evidence, each once, in candidate order (PromulgationDate, CodeNumber); a document is
    its number, notation and date, which is all a drill-down row of §2 or §7.7 carries."""
    documents = {
        (_day(row["promulgation_date"]), str(row["code_number"]), row["code_notation"]): row
        for row in rows
        if _day(row["promulgation_date"]) is not None
    }
    return EVIDENCE_SEPARATOR.join(format_document(documents[key]) for key in sorted(documents)) or None


def evidence(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """§7.4: the deciding documents of the items on time or late."""
    return cite([row for row in rows if row["status"] in _DECIDED])


def explain(
    rows: Sequence[Mapping[str, Any]], rule: rules.Rule, m: Decimal, s: Decimal, year: int
) -> explanations.Explanation:
    """§10.3–10.4 for the leaf, named after its requirement, as of the local date of t."""
    first = ordered(rows)[0]
    return explanations.explain_document_requirement(
        first["requirement_name"], items(rows), rule, m, s, year, _day(first["cutoff_date"])
    )
