"""What each page of the report shows, built from the warehouse's rows (criterion_score, metric_value,
quarantine counts) handed in as plain dicts: numbers are formatted for officers (metrics.md §10.1)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from reports import charts
from reports.plan import AT_RISK, MET, MISSED, NOT_DUE, NOT_MEASURED, STATUSES, Plan, plan_statuses
from reports.trends import LeafKey, monthly_values, trend_charts
from scoring.explanations import format_count, format_percent, format_points
from scoring.rules import EXTERNAL_STATUS as EXTERNAL
from scoring.scorecard import node_order

TOTAL = "TONG"
AREA = "linh_vuc"
COMPUTED, MISSING, MANUAL = "computed", "missing", "manual"
TOP_LOSSES = 10
# One colour per status, for the chart's bars and the table's cells alike.
STATUS_COLOURS = {
    MET: "#9fd39f",
    AT_RISK: "#f5c46b",
    MISSED: "#e58a80",
    NOT_DUE: "#b9cde2",
    NOT_MEASURED: "#cccccc",
}


@dataclass(frozen=True)
class ReportData:
    year: int
    as_of: datetime | None
    scorecard: list[dict]  # the year's marts.criterion_score rows
    metrics: list[dict]  # the year's marts.metric_value rows
    quarantine: list[dict]  # source, reason_code, records
    catalogue_names: Mapping[str, str]
    history: Mapping[int, list[dict]] = field(default_factory=dict)  # earlier years' criterion_score rows
    plan: Plan | None = None
    months: list[dict] = field(default_factory=list)  # the year's metric_value rows of single months
    # (catalogue id, leaf code) → (value, label) where the leaf's score changes (reports.trends)
    thresholds: Mapping[LeafKey, list[tuple[Decimal, str]]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        """The date the report speaks of: when the metrics were computed, else the end of the year."""
        return self.as_of.date() if self.as_of else date(self.year, 12, 31)


def _points(value) -> str:
    return "" if value is None else format_points(Decimal(value))


def _count(value) -> str:
    return "" if value is None else format_count(int(value))


def _percent(value) -> str:
    return "" if value is None else format_percent(Decimal(value))


def _by_catalogue(rows: Sequence[Mapping]) -> dict[str, list[Mapping]]:
    grouped: dict[str, list[Mapping]] = defaultdict(list)
    for row in rows:
        grouped[row["catalogue_id"]].append(row)
    return grouped


def _agency_names(rows: Sequence[Mapping]) -> dict[str, str]:
    return {row["agency_code"]: row["agency_name"] or row["agency_code"] for row in rows}


def _areas(rows: Sequence[Mapping]) -> list[tuple[str, str]]:
    """(code, name) of the self-assessed areas, in catalogue order. An external area (the survey, metrics.md
    §9.5) is never self-scored: drawn beside the others, its maximum would read as points lost."""
    found = {
        row["criterion_code"]: row["criterion_name"]
        for row in rows
        if row["level"] == AREA and row["status"] != EXTERNAL
    }
    return sorted(found.items(), key=lambda item: node_order(item[0]))


def _lost(row: Mapping) -> Decimal:
    return Decimal(row["max_points"] or 0) - Decimal(row["score"] or 0)


def province_page(data: ReportData) -> dict:
    catalogues = []
    for catalogue_id, rows in _by_catalogue(data.scorecard).items():
        names = _agency_names(rows)
        totals = [r for r in rows if r["criterion_code"] == TOTAL]
        ranked = sorted(
            (r for r in totals if r["metric_value"] is not None),
            key=lambda r: (-Decimal(r["metric_value"]), r["agency_code"]),
        )
        without = sorted(names[r["agency_code"]] for r in totals if r["metric_value"] is None)
        areas = _areas(rows)
        area_rows = {(r["agency_code"], r["criterion_code"]): r for r in rows if r["level"] == AREA}
        order = [r["agency_code"] for r in ranked]
        shares = [[_share(area_rows.get((code, area))) for area, _ in areas] for code in order]
        suffix = len(catalogues)
        catalogues.append(
            {
                "id": catalogue_id,
                "name": data.catalogue_names.get(catalogue_id, catalogue_id),
                "ranking_chart": charts.ranked_bars(
                    f"chi-so-{suffix}",
                    "CHỈ SỐ CCHC của các cơ quan (%)",
                    [names[r["agency_code"]] for r in ranked],
                    [float(Decimal(r["metric_value"]) * 100) for r in ranked],
                )
                if ranked
                else "",
                "ranking": [
                    {
                        "code": r["agency_code"],
                        "name": names[r["agency_code"]],
                        "score": _points(r["score"]),
                        "max": _points(r["max_points"]),
                        "index": _percent(r["metric_value"]),
                    }
                    for r in ranked
                ],
                "without_data": without,
                "heat_map": charts.area_heat_map(
                    f"linh-vuc-{suffix}",
                    "Tỷ lệ điểm đạt so với điểm tối đa của từng lĩnh vực (%)",
                    [names[code] for code in order],
                    [f"LV {code}" for code, _ in areas],
                    shares,
                )
                if order
                else "",
                "areas": [{"code": code, "name": name} for code, name in areas],
                "losses": _losses(rows),
            }
        )
    return {
        "catalogues": catalogues,
        "quarantine": [
            {"source": q["source"], "reason": q["reason_code"], "records": _count(q["records"])}
            for q in data.quarantine
        ],
        "agencies": sorted(_agency_names(data.scorecard).items()),
    }


def _share(area_row: Mapping | None) -> float | None:
    if area_row is None or not area_row["max_points"] or area_row["score"] is None:
        return None
    return float(Decimal(area_row["score"]) / Decimal(area_row["max_points"]) * 100)


def _losses(rows: Sequence[Mapping]) -> list[dict]:
    """The computed leaves that lose the most points over all agencies."""
    lost: dict[str, Decimal] = defaultdict(Decimal)
    agencies: dict[str, int] = defaultdict(int)
    names = {}
    for row in rows:
        if row["status"] == COMPUTED and row["rule"] and _lost(row) > 0:
            lost[row["criterion_code"]] += _lost(row)
            agencies[row["criterion_code"]] += 1
            names[row["criterion_code"]] = row["criterion_name"]
    ranked = sorted(lost, key=lambda code: (-lost[code], node_order(code)))[:TOP_LOSSES]
    return [
        {"code": c, "name": names[c], "lost": _points(lost[c]), "agencies": _count(agencies[c])}
        for c in ranked
    ]


def agency_page(data: ReportData, agency_code: str) -> dict:
    rows = [r for r in data.scorecard if r["agency_code"] == agency_code]
    values = monthly_values(data.months, agency_code)
    catalogues = []
    for position, (catalogue_id, own) in enumerate(_by_catalogue(rows).items()):
        areas = _areas(own)
        by_code = {r["criterion_code"]: r for r in own}
        leaves = [r for r in own if r["rule"] and r["status"] == COMPUTED]
        leaves.sort(key=lambda r: (-_lost(r), node_order(r["criterion_code"])))
        total = by_code.get(TOTAL, {})
        catalogues.append(
            {
                "id": catalogue_id,
                "name": data.catalogue_names.get(catalogue_id, catalogue_id),
                "score": _points(total.get("score")),
                "max": _points(total.get("max_points")),
                "index": _percent(total.get("metric_value")),
                "area_chart": charts.area_scores(
                    f"diem-linh-vuc-{position}",
                    "Điểm theo lĩnh vực so với điểm tối đa",
                    [code for code, _ in areas],
                    [float(by_code[code]["max_points"] or 0) for code, _ in areas],
                    [float(by_code[code]["score"] or 0) for code, _ in areas],
                ),
                "areas": [
                    {
                        "code": code,
                        "name": name,
                        "score": _points(by_code[code]["score"]),
                        "max": _points(by_code[code]["max_points"]),
                    }
                    for code, name in areas
                ],
                "leaves": [
                    {
                        "code": r["criterion_code"],
                        "name": r["criterion_name"],
                        "score": _points(r["score"]),
                        "max": _points(r["max_points"]),
                        "open": _points(_lost(r)),
                        "explanation": r.get("explanation") or r.get("note") or "",
                        "risk_down": _count(r.get("risk_down")),
                        "gain_up": _count(r.get("gain_up")),
                        "fix_up": _count(r.get("fix_up")),
                    }
                    for r in leaves
                ],
                "manual_missing": [
                    {
                        "code": r["criterion_code"],
                        "name": r["criterion_name"],
                        "max": _points(r["max_points"]),
                    }
                    for r in sorted(own, key=lambda r: node_order(r["criterion_code"]))
                    if r["rule"] == MANUAL and r["status"] == MISSING
                ],
                "history": _history(data, agency_code, catalogue_id, areas, by_code),
                "trends": trend_charts(
                    catalogue_id, leaves, values, data.thresholds, data.year, f"xu-huong-{position}"
                ),
            }
        )
    name = _agency_names(rows).get(agency_code, agency_code)
    return {"code": agency_code, "name": name, "catalogues": catalogues}


def _history(data: ReportData, agency_code: str, catalogue_id: str, areas, current: Mapping) -> list[dict]:
    """The agency's TỔNG and areas under the same catalogue in earlier years, then this year; empty when the
    warehouse holds no earlier year for it."""
    years = []
    for year, rows in sorted(data.history.items()):
        own = {
            r["criterion_code"]: r
            for r in rows
            if r["agency_code"] == agency_code and r["catalogue_id"] == catalogue_id
        }
        if own:
            years.append((year, own))
    if not years:
        return []
    years.append((data.year, current))
    return [
        {
            "year": year,
            "index": _percent(own.get(TOTAL, {}).get("metric_value")),
            "areas": [_points(own.get(code, {}).get("score")) for code, _ in areas],
        }
        for year, own in years
    ]


def plan_page(data: ReportData) -> dict | None:
    """The tracker; a plan of another year lists its targets without status: another year's values say
    nothing about its deadlines."""
    if data.plan is None:
        return None
    statuses = plan_statuses(data.plan, data.metrics, data.today)
    counts = {status: sum(1 for s in statuses if s.status == status) for status in STATUSES}
    applies = data.plan.year == data.year
    return {
        "name": data.plan.name,
        "agency": data.plan.agency,
        "applies": applies,
        "plan_year": data.plan.year,
        "chart": charts.status_counts(
            "trang-thai-muc-tieu",
            "Số mục tiêu theo trạng thái",
            list(counts),
            list(counts.values()),
            [STATUS_COLOURS[status] for status in counts],
        )
        if applies
        else "",
        "targets": [
            {
                "id": s.target.id,
                "section": s.target.section,
                "target": s.target.target,
                "owner": s.target.owner,
                "deadline": s.target.deadline.strftime("%d/%m/%Y"),
                "measure": _measure_text(s.target.measure),
                "status": s.status,
                "colour": STATUS_COLOURS[s.status],
                "value": _value_text(s),
                "evidence": _evidence(s),
                "note": s.target.note or "",
            }
            for s in statuses
        ],
    }


def _measure_text(measure) -> str:
    if measure is None:
        return ""
    target = _percent(measure.value) if measure.unit == "percent" else _count(measure.value)
    return f"{measure.metric} {'≥' if measure.comparison == '>=' else '≤'} {target}"


def _value_text(status) -> str:
    if status.value is None:
        return ""
    return _percent(status.value) if status.target.measure.unit == "percent" else _count(status.value)


def _evidence(status) -> str:
    measure = status.target.measure
    if measure is None:
        return "Chưa có chỉ số đo mục tiêu này."
    view = "marts.dd_" + measure.metric.replace(".", "_")
    if status.value is None:
        if status.denominator == 0:
            return f"Chưa có trường hợp nào trong kỳ ({view})."
        return f"Chưa có số liệu của chỉ số {measure.metric}."
    if status.denominator is not None and measure.unit == "percent":
        return f"{_count(status.numerator)}/{_count(status.denominator)} ({view})"
    return view
