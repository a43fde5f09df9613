"""Scorecards: metric rows + a catalogue + manual inputs + evidence → the rows of `scorecard.csv`
(contracts/interface.md §3), one per agency, catalogue node and the total `TONG`."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import pandas as pd

from scoring import document_leaves, explanations, rules
from scoring.catalogue import Catalogue, Node
from scoring.metrics import SOURCES, drilldown_view, is_document_requirement_metric, source_of

_log = logging.getLogger(__name__)

SCORECARD_COLUMNS = (
    "agency_code",
    "agency_name",
    "year",
    "catalogue_id",
    "criterion_code",
    "level",
    "parent_code",
    "criterion_name",
    "max_points",
    "score",
    "metric_code",
    "metric_value",
    "numerator",
    "denominator",
    "rule",
    "status",
    "evidence",
    "note",
    "explanation",
    "risk_down",
    "gain_up",
    "fix_up",
)
SCORECARD_DECIMALS = {"max_points": 2, "score": 2, "metric_value": 4}
TOTAL_CODE = "TONG"
TOTAL_LEVEL = "tong"
TOTAL_NAME = "Tổng điểm"
EVIDENCE_SEPARATOR = document_leaves.EVIDENCE_SEPARATOR
# Its evidence stays §2's: the earliest document promulgated by the deadline.
PLAN_ON_TIME = "qlvb.plan_on_time"
INSPECTION_COVERAGE = "qlvb.inspection_coverage"


def node_order(code: str) -> tuple[float, ...]:
    """Sort key giving catalogue order (1, 1.1, 1.1.1, 1.2, …, 10) with the total last."""
    if code == TOTAL_CODE:
        return (float("inf"),)
    return tuple(float(part) if part.isdigit() else float("inf") for part in code.split("."))


class Agency(NamedTuple):
    code: str
    name: str | None
    unit_type: str | None


class ManualEntry(NamedTuple):
    score: Decimal
    evidence: str | None
    note: str | None


ReadingKey = tuple[str, date, date]  # (metric_code, period_start, period_end)


def _null(value: Any) -> bool:
    return value is None or (not isinstance(value, str | Decimal) and bool(pd.isna(value)))


def _as_date(value: Any) -> date:
    return value if type(value) is date else pd.Timestamp(value).date()


def _as_int(value: Any) -> int | None:
    return None if _null(value) else int(value)


def _as_decimal(value: Any) -> Decimal | None:
    if _null(value):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _records(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> Iterable[Mapping[str, Any]]:
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows


def readings_by_agency(
    metric_rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
) -> dict[str, dict[ReadingKey, rules.MetricReading]]:
    """`metric_value` rows (dicts or a DataFrame) grouped as agency → (metric, start, end) → reading."""
    grouped: dict[str, dict[ReadingKey, rules.MetricReading]] = defaultdict(dict)
    for row in _records(metric_rows):
        key = (row["metric_code"], _as_date(row["period_start"]), _as_date(row["period_end"]))
        grouped[row["agency_code"]][key] = rules.MetricReading(
            _as_int(row["numerator"]), _as_int(row["denominator"]), _as_decimal(row["value"])
        )
    return dict(grouped)


def documents_by_agency(
    document_rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
) -> dict[str, list[Mapping[str, Any]]]:
    """Rows of a document drill-down (`marts.dd_qlvb_plan_on_time` with its `metric_code`) per agency."""
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in _records(document_rows):
        grouped[row["agency_code"]].append(row)
    return dict(grouped)


DetailKey = tuple[str, date, date]  # (metric_code, period_start, period_end)


def details_by_agency(
    detail_rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
) -> dict[str, dict[DetailKey, list[Mapping[str, Any]]]]:
    """Rows of the drill-downs an explanation reads (`explanations.DETAIL_COLUMNS`, each row with its
    `metric_code`) as agency → (metric, start, end) → rows."""
    grouped: dict[str, dict[DetailKey, list[Mapping[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in _records(detail_rows):
        key = (row["metric_code"], _as_date(row["period_start"]), _as_date(row["period_end"]))
        grouped[row["agency_code"]][key].append(row)
    return {agency: dict(rows) for agency, rows in grouped.items()}


def year_period(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _period(node: Node, year: int) -> tuple[date, date]:
    return node.period.dates(year) if node.period else year_period(year)


def _fmt_day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _drilldown_evidence(metric: str, reading: rules.MetricReading) -> str:
    return f"{drilldown_view(metric)} (tử số {reading.numerator}, mẫu số {reading.denominator})"


def _is_item(row: Mapping[str, Any]) -> bool:
    """An item row of a document requirement (with its status), not a row of a document drill-down."""
    return "status" in row


def _earliest_document(
    documents: Sequence[Mapping[str, Any]], metric: str, start: date, end: date
) -> Mapping[str, Any] | None:
    matching = [
        row
        for row in documents
        if row.get("metric_code", metric) == metric
        and not _is_item(row)
        and _as_date(row["period_start"]) == start
        and _as_date(row["period_end"]) == end
        and bool(row["in_numerator"])
        and not _null(row["promulgation_date"])
    ]
    matching.sort(key=lambda row: (_as_date(row["promulgation_date"]), str(row["code_number"])))
    return matching[0] if matching else None


EXTERNAL_NOTE = "Do cơ quan có thẩm quyền điều tra, đánh giá"
BEFORE_PRO_RATA_NOTE = "Chưa đến kỳ đánh giá tinh giản"
ZERO_NOTE = "Không phát sinh; 0 điểm theo cách tính của Cổng DVC quốc gia"


def _note(node: Node, outcome: rules.LeafOutcome, start: date, end: date) -> str | None:
    period = f"kỳ {_fmt_day(start)}–{_fmt_day(end)}"
    if outcome.reason == rules.REASON_BEFORE_PRO_RATA:
        return BEFORE_PRO_RATA_NOTE
    if outcome.reason == rules.REASON_NO_CASES and node.when_no_cases == rules.ZERO:
        return ZERO_NOTE
    if outcome.reason == rules.REASON_NO_DATA:
        source = SOURCES[source_of(node.metric)]
        return (
            f"Thiếu dữ liệu: nguồn {source} chưa được cấu hình hoặc chưa có dữ liệu của đơn vị "
            f"({node.metric}, {period})."
        )
    if outcome.reason == rules.REASON_NO_POPULATION:
        return (
            "Không áp dụng: không phát sinh trường hợp nào thuộc đối tượng của "
            f"{node.full_requires_cases_of} trong {period}."
        )
    if outcome.reason == rules.REASON_NO_CASES:
        if outcome.status == rules.COMPUTED:
            return (
                "Đạt điểm tối đa: không phát sinh trường hợp phải xử lý "
                f"({node.metric} có mẫu số 0, {period})."
            )
        if outcome.status == rules.NOT_APPLICABLE:
            return f"Không áp dụng: không phát sinh trường hợp nào ({node.metric} có mẫu số 0, {period})."
        return f"Chưa chấm được: {node.metric} có mẫu số 0 trong {period}; cần giải trình."
    return None


class _Builder:
    def __init__(
        self,
        catalogue: Catalogue,
        agency: Agency,
        year: int,
        readings: Mapping[ReadingKey, rules.MetricReading],
        manual: Mapping[str, ManualEntry],
        documents: Sequence[Mapping[str, Any]],
        details: Mapping[DetailKey, Sequence[Mapping[str, Any]]],
        manual_error: str | None = None,
    ):
        self.catalogue, self.agency, self.year = catalogue, agency, year
        self.readings, self.manual, self.documents = readings, manual, documents
        self.details, self.manual_error = details, manual_error
        self.rows: list[dict[str, Any]] = []

    def row(self, node: Node, **values: Any) -> dict[str, Any]:
        row = {
            "agency_code": self.agency.code,
            "agency_name": self.agency.name,
            "year": self.year,
            "catalogue_id": self.catalogue.id,
            "criterion_code": node.code,
            "level": node.level,
            "parent_code": node.parent_code,
            "criterion_name": node.name,
            "max_points": node.max_points,
        }
        row.update(values)
        return {column: row.get(column) for column in SCORECARD_COLUMNS}

    def leaf(self, node: Node) -> dict[str, Any]:
        if self.agency.unit_type in node.not_applicable_for:
            note = f"Không áp dụng đối với loại đơn vị {self.agency.unit_type}."
            return self.row(node, rule=node.rule.name, status=rules.NOT_APPLICABLE, note=note)
        if node.is_manual:
            return self.manual_leaf(node)
        if node.is_external:
            return self.row(node, rule=rules.EXTERNAL, status=rules.EXTERNAL_STATUS, note=EXTERNAL_NOTE)
        start, end = _period(node, self.year)
        reading = self.readings.get((node.metric, start, end))
        population = True
        if node.full_requires_cases_of:
            other = self.readings.get((node.full_requires_cases_of, start, end))
            population = other is not None and other.has_cases
        items = (
            self.requirement_items(node.metric, start, end)
            if reading is not None and reading.has_data
            else []
        )
        requirement = self.requirement_outcome(node, items)
        if requirement is not None:
            outcome, note = requirement
        else:
            outcome = rules.score_metric_leaf(
                node.rule, node.max_points, reading, node.when_no_cases, population, self.year
            )
            note = _note(node, outcome, start, end)
        evidence = None
        if reading is not None and reading.has_data:
            evidence = _drilldown_evidence(node.metric, reading)
            if node.metric == explanations.LEADERS:
                evidence += "".join(
                    f"; {u.label}: {u.deputies}/{u.limit}"
                    for u in explanations.units_over_limit(self.leader_units(start, end))
                )
            if node.metric in explanations.RATING_DECISIONS:
                evidence += self.rating_decisions(node.metric, start, end)
            if node.evidence == "document" and items and node.metric != PLAN_ON_TIME:
                evidence = document_leaves.evidence(items) or evidence
            elif node.evidence == "document" and node.metric == INSPECTION_COVERAGE:
                inspected = self.inspections(start, end)
                evidence = document_leaves.cite(inspected) or evidence
            elif node.evidence == "document":
                document = _earliest_document(self.documents, node.metric, start, end)
                evidence = document_leaves.format_document(document) if document else evidence
        counts = dict(
            metric_code=node.metric,
            metric_value=reading.value if reading else None,
            numerator=reading.numerator if reading else None,
            denominator=reading.denominator if reading else None,
        )
        entry = self.manual.get(node.code) if node.fallback == rules.MANUAL else None
        if entry is not None and outcome.status == rules.MISSING:
            return self.fallback_leaf(node, entry, note, counts)
        if entry is not None:
            _log.warning(
                "%s, %s %s: %s from the data; its manual-input row is ignored",
                self.agency.code,
                self.catalogue.id,
                node.code,
                outcome.status,
            )
        explained = explanations.NONE
        if outcome.status == rules.COMPUTED and items:
            explained = document_leaves.explain(items, node.rule, node.max_points, outcome.score, self.year)
        elif outcome.status == rules.COMPUTED:
            explained = explanations.explain_leaf(
                node.metric,
                node.rule,
                node.max_points,
                self.year,
                reading,
                outcome.score,
                self.facts(node.metric, start, end),
            )
            if explained.explanation is None and outcome.reason == rules.REASON_NO_CASES:
                # No rate to state: the note says why the leaf scores what it does.
                explained = explained._replace(explanation=note)
        return self.row(
            node,
            score=outcome.score,
            **counts,
            rule=node.rule.name,
            status=outcome.status,
            evidence=evidence,
            note=note,
            **explained._asdict(),
        )

    def inspections(self, start: date, end: date) -> list[Mapping[str, Any]]:
        """§7.7's evidence: each inspected division's earliest inspection document."""
        return [
            row
            for row in self.documents
            if row.get("metric_code") == INSPECTION_COVERAGE
            and bool(row["in_numerator"])
            and _as_date(row["period_start"]) == start
            and _as_date(row["period_end"]) == end
        ]

    def requirement_items(self, metric: str, start: date, end: date) -> list[Mapping[str, Any]]:
        """The item rows of a document requirement's metric (metrics.md §7.4); [] for other metrics."""
        if not is_document_requirement_metric(metric):
            return []
        return [
            row
            for row in self.documents
            if row.get("metric_code") == metric
            and _is_item(row)
            and _as_date(row["period_start"]) == start
            and _as_date(row["period_end"]) == end
        ]

    def requirement_outcome(
        self, node: Node, items: Sequence[Mapping[str, Any]]
    ) -> tuple[rules.LeafOutcome, str | None] | None:
        """A leaf on a document requirement's metric whose items decide it: §7.4's empty denominators, and
        the `deadline` rule, which reads the items (§9.2). None: the metric value decides (§5)."""
        if not items:
            if node.rule.name == rules.DEADLINE:
                return rules.LeafOutcome(rules.MISSING, None, rules.REASON_NO_DATA), None
            return None
        empty = document_leaves.empty_denominator(items)
        if empty is not None:
            return empty.outcome, empty.note
        if node.rule.name == rules.DEADLINE:
            score = document_leaves.deadline_score(items, node.rule, node.max_points)
            return rules.LeafOutcome(rules.COMPUTED, score), None
        return None

    def facts(self, metric: str, start: date, end: date) -> explanations.LeafFacts:
        """What the explanation of a leaf on `metric` reads besides the leaf's own reading."""
        on_time = self.readings.get((explanations.LATE_SHARE_OF, start, end))
        late_share = Decimal(0)
        if on_time is not None and on_time.has_cases:
            late_share = rules.round_value(on_time.denominator - on_time.numerator, on_time.denominator)
        quota = None
        rows = self.details.get((explanations.WITHIN_QUOTA, start, end), ())
        if metric == explanations.WITHIN_QUOTA and len(rows) == 1:
            quota = (int(rows[0]["civil_servants"]), int(rows[0]["civil_servant_quota"]))
        return explanations.LeafFacts(late_share, quota, self.leader_units(start, end))

    def rating_decisions(self, metric: str, start: date, end: date) -> str:
        """The distinct (SoQuyetDinh, NgayQuyetDinh) of the counted rows, earliest first (metrics.md §8.2)."""
        decisions = {
            (_as_date(row["decision_date"]), row["decision_number"])
            for row in self.details.get((metric, start, end), ())
            if row["in_numerator"] and not _null(row["decision_date"]) and not _null(row["decision_number"])
        }
        return "".join(f"; {number}; {_fmt_day(day)}" for day, number in sorted(decisions))

    def leader_units(self, start: date, end: date) -> tuple[explanations.LeaderUnit, ...]:
        rows = self.details.get((explanations.LEADERS, start, end), ())
        return tuple(
            explanations.LeaderUnit(
                row["unit_label"], int(row["deputies"]), int(row["deputy_limit"]), bool(row["is_exempt"])
            )
            for row in rows
        )

    def fallback_leaf(self, node: Node, entry: ManualEntry, why: str | None, counts: dict) -> dict[str, Any]:
        """metrics.md §9.6: a computed leaf that would be missing takes its manual-input row."""
        note = f"Không tính được từ dữ liệu, dùng điểm nhập thủ công. {why or ''}".rstrip()
        if entry.note:
            note += f" Giải trình: {entry.note}"
        return self.entered_leaf(node, entry, note, **counts)

    def entered_leaf(self, node: Node, entry: ManualEntry, note: str | None, **counts) -> dict[str, Any]:
        """The row of a leaf scored by an officer's manual-input entry."""
        return self.row(
            node,
            score=rules.round_score(entry.score),
            **counts,
            rule=rules.MANUAL,
            status=rules.MANUAL_STATUS,
            evidence=entry.evidence,
            note=note,
        )

    def manual_leaf(self, node: Node) -> dict[str, Any]:
        if self.manual_error is not None:
            note = (
                f"Chưa chấm được: tệp nhập liệu {self.year}/{self.agency.code} có lỗi, cần sửa rồi chạy lại "
                f"({'; '.join(self.manual_error.splitlines())})."
            )
            return self.row(node, rule=rules.MANUAL, status=rules.MISSING, note=note)
        entry = self.manual.get(node.code)
        if entry is None:
            note = (
                f"Chưa nhập: cần nhập điểm tự đánh giá, tài liệu kiểm chứng và giải trình vào tệp nhập liệu "
                f"{self.year}/{self.agency.code}.xlsx."
            )
            return self.row(node, rule=rules.MANUAL, status=rules.MISSING, note=note)
        return self.entered_leaf(node, entry, entry.note)

    def node(self, node: Node) -> dict[str, Any]:
        """Appends the node's row after reserving its place before its children's rows."""
        position = len(self.rows)
        self.rows.append({})
        if node.is_leaf:
            row = self.leaf(node)
        else:
            children = [self.node(child) for child in node.children]
            row = self.parent_row(node, children)
        self.rows[position] = row
        return row

    def parent_row(self, node: Node, children: list[dict[str, Any]]) -> dict[str, Any]:
        subtotal = rules.roll_up((child["status"], child["score"], child["max_points"]) for child in children)
        return self.row(node, max_points=subtotal.max_points, score=subtotal.score, status=subtotal.status)

    def build(self) -> list[dict[str, Any]]:
        areas = [self.node(area) for area in self.catalogue.areas]
        total = rules.roll_up((a["status"], a["score"], a["max_points"]) for a in areas)
        total_row = {column: None for column in SCORECARD_COLUMNS}
        total_row.update(
            agency_code=self.agency.code,
            agency_name=self.agency.name,
            year=self.year,
            catalogue_id=self.catalogue.id,
            criterion_code=TOTAL_CODE,
            level=TOTAL_LEVEL,
            criterion_name=TOTAL_NAME,
            max_points=total.max_points,
            score=total.score,
            metric_value=rules.index(total.score or Decimal(0), total.max_points),
            status=total.status,
        )
        self.rows.append(total_row)
        return self.rows


def build_scorecard(
    catalogue: Catalogue,
    agency: Agency,
    year: int,
    readings: Mapping[ReadingKey, rules.MetricReading],
    manual: Mapping[str, ManualEntry] | None = None,
    documents: Sequence[Mapping[str, Any]] = (),
    details: Mapping[DetailKey, Sequence[Mapping[str, Any]]] | None = None,
    manual_error: str | None = None,
) -> list[dict[str, Any]]:
    """The scorecard rows of one agency under one catalogue, in catalogue order, the total last.

    `manual` maps the codes of manual leaves to the officer's entries; `documents` are the agency's rows of
    document drill-downs (for `evidence: document` leaves); `details` the agency's rows of the drill-downs
    explanations read (see `details_by_agency`); `manual_error` says why the agency's manual-input file
    cannot be used, and then every manual leaf is `missing` with it in `note`.
    """
    return _Builder(
        catalogue, agency, year, readings, manual or {}, documents, details or {}, manual_error
    ).build()


def has_data_from(readings: Mapping[ReadingKey, rules.MetricReading], source: str) -> bool:
    return any(source_of(metric) == source and r.has_data for (metric, _, _), r in readings.items())


def catalogue_applies(
    catalogue: Catalogue, agency: Agency, readings: Mapping[ReadingKey, rules.MetricReading]
) -> bool:
    """The catalogue covers the agency's unit type, and the agency has data of every source it requires."""
    return catalogue.applies_to(agency.unit_type) and all(
        has_data_from(readings, source) for source in catalogue.requires_data_from
    )


def build_scorecards(
    catalogues: Sequence[Catalogue],
    agencies: Iterable[Agency],
    year: int,
    metric_rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
    manual: Mapping[str, Mapping[str, Mapping[str, ManualEntry]]] | None = None,
    document_rows: Iterable[Mapping[str, Any]] | pd.DataFrame = (),
    detail_rows: Iterable[Mapping[str, Any]] | pd.DataFrame = (),
    manual_errors: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every scorecard row of a year: for each agency, each catalogue that applies to it.

    `manual` is agency code → catalogue id → criterion code → entry (see `scoring.manual`); `detail_rows`
    are the rows of the drill-downs of `explanations.DETAIL_COLUMNS`, each with its `metric_code`;
    `manual_errors` is agency code → why its manual-input file cannot be used (see `scoring.agency_manual`).
    """
    readings = readings_by_agency(metric_rows)
    documents = documents_by_agency(document_rows)
    details = details_by_agency(detail_rows)
    manual, manual_errors = manual or {}, manual_errors or {}
    rows: list[dict[str, Any]] = []
    for agency in agencies:
        agency_readings = readings.get(agency.code, {})
        for catalogue in catalogues:
            if not catalogue_applies(catalogue, agency, agency_readings):
                continue
            entries = manual.get(agency.code, {}).get(catalogue.id, {})
            rows.extend(
                build_scorecard(
                    catalogue,
                    agency,
                    year,
                    agency_readings,
                    entries,
                    documents.get(agency.code, ()),
                    details.get(agency.code, {}),
                    manual_errors.get(agency.code),
                )
            )
    return rows
