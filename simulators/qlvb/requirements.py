"""The documents each department must issue (metrics.md §7.5, §7.7, §12) and their ground truth.

Per department, requirement and item an outcome is drawn (on time, late, missing, before the period …) and
the document that realises it is planned; decoys that must never count are added, and inspection notices to
some of the department's divisions. `documents.generate_registers` turns the planned documents into messages;
`DocreqTruth` writes `docreq_manifest.jsonl` from what was planned.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from simulators.configuration import load
from simulators.dvc.agencies import Agency, divisions_of
from simulators.workdays import HolidayCalendar

# Planned outcomes and the outcome the manifest records for them (metrics.md §12).
RECORDED = {
    "on_time": "on_time",
    "late": "late",
    "missing": "missing",
    "wrong_receiver": "missing",
    "in_period": "on_time",
    "replacing": "on_time",
    "autumn": "on_time",
    "pre_period": "pre_period",
    "none": "missing",
}
# Outcomes dated like another: a report to the wrong receiver is sent on time, a replacement in the period.
DATED_AS = {"wrong_receiver": "on_time", "replacing": "in_period"}
# Every outcome that puts a document in the register.
ISSUED = ("on_time", "late", "wrong_receiver", "in_period", "replacing", "autumn", "pre_period")
# A department's own reports are sent in working hours.
OPENING, CLOSING = 8 * 3600, 16 * 3600


@dataclass
class Planned:
    """One document a department issues: its register entry is built like every other message's."""

    sender: int  # agency index
    day: date
    kind: int  # index into qlvb.yaml `types`
    subject: str
    receivers: list[int]
    secret: bool = False
    recalled: bool = False  # recalled a few hours after it was issued
    replaces: int = -1  # position of the planned document it replaces


@dataclass
class TruthRow:
    agency: str
    requirement: str
    item: str | None
    outcome: str
    document: int | None  # position in `RequiredDocuments.documents`


@dataclass
class RequiredDocuments:
    documents: list[Planned] = field(default_factory=list)
    truth: list[TruthRow] = field(default_factory=list)

    def add(self, document: Planned) -> int:
        self.documents.append(document)
        return len(self.documents) - 1


def plan_required(
    agencies: list[Agency], year: int, calendar: HolidayCalendar, rng: np.random.Generator
) -> RequiredDocuments:
    config = _Config(agencies, year, calendar, rng)
    departments = [i for i, a in enumerate(agencies) if a.unit_type == "so-ban-nganh"]
    planned = RequiredDocuments()
    for requirement in config.spec["requirements"]:
        _plan_requirement(requirement, departments, config, planned)
    _answer_overlap(config, planned)
    for department in departments:
        _plan_decoys(department, config, planned)
    _plan_inspections(departments, config, planned)
    return planned


class _Config:
    """Configuration and draws shared by the planners."""

    def __init__(self, agencies: list[Agency], year: int, calendar: HolidayCalendar, rng):
        self.spec = load("docreq")
        self.agencies, self.year, self.calendar, self.rng = agencies, year, calendar, rng
        self.index = {a.code: i for i, a in enumerate(agencies)}
        types = load("qlvb")["types"]
        self.kinds = {t["abbr"] or t["name"]: position for position, t in enumerate(types)}

    def day(self, expression: str) -> date:
        """`Y-MM-DD`, `Y-1-MM-DD`, `Y+1-MM-DD` or a plain date."""
        text = str(expression)
        for prefix, shift in (("Y-1-", -1), ("Y+1-", 1), ("Y-", 0)):
            if text.startswith(prefix):
                month, day = text[len(prefix) :].split("-")
                return date(self.year + shift, int(month), int(day))
        return date.fromisoformat(text)

    def working_day_in(self, window: list[str]) -> date:
        """A working day of the window (before the calendar's years only weekends are known)."""
        first, last = (np.datetime64(self.day(bound)) for bound in window)
        days = np.arange(first, last + 1)
        working = self.calendar.is_working_day(days)
        choices = days[working] if working.any() else days
        return choices[int(self.rng.integers(len(choices)))].astype(date)

    def subject(self, options: list[str], **values: str) -> str:
        text = options[int(self.rng.integers(len(options)))].format(Y=self.year, Y1=self.year + 1, **values)
        return text.upper() if self.rng.random() < self.spec["upper_case"] else text

    def receivers(self, codes: list[str] | None) -> list[int]:
        return [self.index[code] for code in codes or [self.spec["default_to"]] if code in self.index]


def _plan_requirement(requirement: dict, departments: list[int], config: _Config, planned) -> None:
    slots = [(department, item) for department in departments for item in requirement["items"]]
    excluded = set(requirement.get("to", []))
    outcomes = _draw(
        requirement["outcomes"],
        requirement["force"],
        slots,
        # A department listed in `to` is never checked against it: a wrong receiver would still count.
        lambda outcome, slot: outcome != "wrong_receiver" or config.agencies[slot[0]].code not in excluded,
        len(departments),
        config.rng,
    )
    for (department, item), outcome in zip(slots, outcomes, strict=True):
        spec = {**requirement, **item}
        code = config.agencies[department].code
        document = None
        if outcome in ISSUED:
            document = _issue(department, spec, outcome, config, planned)
        if outcome == "replacing":
            old = _issue(department, spec, "pre_period", config, planned)
            planned.documents[document].replaces = old
            planned.truth.append(TruthRow(code, requirement["id"], item["code"], "decoy", old))
        if outcome == "wrong_receiver":
            planned.truth.append(TruthRow(code, requirement["id"], item["code"], "decoy", document))
            document = None
        planned.truth.append(TruthRow(code, requirement["id"], item["code"], RECORDED[outcome], document))


def _draw(shares: dict, force: list[str], slots: list, eligible, departments: int, rng) -> list[str]:
    """One outcome per slot; with 3 departments or more the first forced outcomes (as many as there are
    slots) each occur at least once, taking a slot whose outcome is not one of them or occurs twice (the
    plan generator's rule, metrics.md §12)."""
    names = list(shares)
    weights = np.array([shares[name] for name in names], dtype=float)
    drawn = [names[i] for i in rng.choice(len(names), size=len(slots), p=weights / weights.sum())]
    if departments < 3:
        return drawn
    forced = force[: len(slots)]
    for outcome in forced:
        if outcome in drawn:
            continue
        for position in rng.permutation(len(slots)).tolist():
            spare = drawn[position] not in forced or drawn.count(drawn[position]) > 1
            if spare and eligible(outcome, slots[position]):
                drawn[position] = outcome
                break
    return drawn


def _issue(department: int, spec: dict, outcome: str, config: _Config, planned: RequiredDocuments) -> int:
    receivers = config.receivers(spec.get("to"))
    also = spec.get("also_to")
    if also and config.rng.random() < also["share"]:
        receivers = receivers + config.receivers([also["code"]])
    if outcome == "wrong_receiver":
        receivers = [_another_department(department, set(spec["to"]), config)]
    return planned.add(
        Planned(
            sender=department,
            day=_date_of(spec, DATED_AS.get(outcome, outcome), config),
            kind=config.kinds[spec["type"]],
            subject=config.subject(spec["subjects"]),
            receivers=receivers,
        )
    )


def _date_of(spec: dict, outcome: str, config: _Config) -> date:
    timing = spec[outcome]
    if "window" in timing:
        return config.working_day_in(timing["window"])
    deadline = np.datetime64(config.day(spec["deadline"]))
    calendar = config.calendar
    if "working_days_before" in timing:
        low, high = timing["working_days_before"]
        before = -int(config.rng.integers(low, high + 1))
        return calendar.add_working_days(deadline, before).astype(date)
    low, high = timing["days_after"]
    later = deadline + int(config.rng.integers(low, high + 1))
    # Late, yet within the simulated period: the first working day from then, at the latest the year's last.
    last = calendar.add_working_days(np.datetime64(date(config.year, 12, 31)), 0)
    return min(calendar.add_working_days(later - 1, 1), last).astype(date)


def _another_department(department: int, listed: set[str], config: _Config) -> int:
    others = [
        i
        for i, a in enumerate(config.agencies)
        if a.unit_type == "so-ban-nganh" and i != department and a.code not in listed
    ]
    return others[int(config.rng.integers(len(others)))] if others else config.receivers(None)[0]


def _answer_overlap(config: _Config, planned: RequiredDocuments) -> None:
    """The self-assessment report (§7.5 `self_assessment`: a BC to Sở Nội vụ on the CCHC index of year Y)
    also satisfies the phrases of the year report `cchc_reports.nam`, whose only exclusions are the period
    words. Where it is the earlier document it decides that item, and the manifest says so; a draw on the
    same day as the year report is drawn again, so that no tie rests on the order of CodeNumber texts."""
    specs = {r["id"]: r for r in config.spec["requirements"]}
    deadline = config.day(next(i for i in specs["cchc_reports"]["items"] if i["code"] == "nam")["deadline"])
    assessment_spec = {**specs["self_assessment"], **specs["self_assessment"]["items"][0]}
    overlapping = {("cchc_reports", "nam"), ("self_assessment", "bc")}
    rows = {
        (r.agency, r.requirement): r
        for r in planned.truth
        if r.outcome != "decoy" and (r.requirement, r.item) in overlapping
    }
    for (agency, requirement), row in rows.items():
        if requirement != "self_assessment" or row.document is None:
            continue
        report = rows[(agency, "cchc_reports")]
        assessment = planned.documents[row.document]
        if report.document is not None:
            while assessment.day == planned.documents[report.document].day:
                assessment.day = _date_of(assessment_spec, row.outcome, config)
        if report.document is None or assessment.day < planned.documents[report.document].day:
            report.document = row.document
            report.outcome = "on_time" if assessment.day <= deadline else "late"


def _plan_decoys(department: int, config: _Config, planned: RequiredDocuments) -> None:
    """Documents that resemble required ones and must never count (§12)."""
    decoys = config.spec["decoys"]
    code = config.agencies[department].code
    # The year report is left out: the self-assessment may be what decides it.
    reports = [
        r
        for r in planned.truth
        if r.agency == code
        and r.requirement == "cchc_reports"
        and r.item != "nam"
        and r.outcome in ("on_time", "late")
    ]
    if reports:
        # Recalled, then re-issued 1–5 days later: only the re-issue counts.
        report = reports[int(config.rng.integers(len(reports)))]
        original = planned.documents[report.document]
        low, high = decoys["recalled_reissue_days"]
        earlier = original.day - timedelta(days=int(config.rng.integers(low, high + 1)))
        copy = Planned(department, earlier, original.kind, original.subject, list(original.receivers))
        copy.recalled = True
        recalled = planned.add(copy)
        planned.truth.append(TruthRow(code, "cchc_reports", report.item, "decoy", recalled))
    kinds = {
        "next_year_plan": ("plan", "kh", False),
        "second_quarter": ("cchc_reports", None, False),
        "secret": ("cchc_reports", "q3", True),
        "official_letter": ("cchc_reports", "q3", False),
    }
    for name, (requirement, item, secret) in kinds.items():
        spec = decoys[name]
        document = planned.add(
            Planned(
                sender=department,
                day=config.working_day_in(spec["window"]),
                kind=config.kinds[spec["type"]],
                subject=config.subject([spec["subject"]]),
                receivers=config.receivers(spec.get("to")),
                secret=secret,
            )
        )
        planned.truth.append(TruthRow(code, requirement, item, "decoy", document))


def _plan_inspections(departments: list[int], config: _Config, planned: RequiredDocuments) -> None:
    """One inspection notice per inspected division (§7.7); the manifest lists every division, under the
    metric's name, as `on_time` (inspected, with its notice) or `missing`."""
    spec = config.spec["inspection"]
    low, high = spec["share"]
    below = config.rng.random(len(departments)) < spec["below_share"]
    if len(departments) >= 3 and (below.all() or not below.any()):
        below[int(config.rng.integers(len(departments)))] = not below[0]
    for department, is_below in zip(departments, below.tolist(), strict=True):
        code = config.agencies[department].code
        divisions = divisions_of(config.agencies, code)
        count = len(divisions)
        if is_below:
            inspected = int(config.rng.uniform(low, 0.2) * count)
        else:
            inspected = max(int(np.ceil(0.2 * count)), int(config.rng.uniform(0.2, high) * count))
        chosen = set(config.rng.choice(count, size=inspected, replace=False).tolist())
        for position, division in enumerate(divisions):
            document = None
            if position in chosen:
                document = planned.add(
                    Planned(
                        sender=department,
                        day=config.working_day_in(spec["window"]),
                        kind=config.kinds[spec["type"]],
                        subject=config.subject(spec["subjects"], division=config.agencies[division].name),
                        receivers=[division],
                    )
                )
            outcome = "on_time" if document is not None else "missing"
            planned.truth.append(
                TruthRow(code, "inspection_coverage", config.agencies[division].code, outcome, document)
            )


def manifest_rows(planned: RequiredDocuments, document_ids: list[str]) -> Iterator[dict]:
    """`docreq_manifest.jsonl` entries; `document_ids[k]` is the DocumentId of planned document k."""
    for row in planned.truth:
        yield {
            "agency": row.agency,
            "requirement": row.requirement,
            "item": row.item,
            "outcome": row.outcome,
            "document_id": None if row.document is None else document_ids[row.document],
        }
