"""The plan tracker: an agency's CCHC plan (for the seed, KH 1888/KH-VPUBND of the provincial People's
Committee Office) as data, and the status of each target from the year's metric values.

A plan file (YAML) has `id`, `name`, `agency` (the MaDinhDanh whose metrics measure it), `year` and
`targets`, each with `id`, `target` (Vietnamese text), `section` (of the plan), `owner` (the unit in
charge), `deadline` (YYYY-MM-DD) and `measure`: either null (nothing measures it yet) or `metric` (a metric
code of metrics.md), `comparison` (`>=` or `<=`), `value` (the target value, a rate as a fraction) and
`unit` (`percent` or `count`). An optional `note` says why a target is not measured or how it is read.

Status of a target on the report's date d (the instant the metrics were computed):
- **chưa đo được**: no measure; or a measure without a value (no metric row, or no case) after the deadline;
- **chưa đến hạn**: a measure without a value yet and the deadline not passed;
- **đạt**: the value meets the target (whatever the deadline);
- **có nguy cơ**: the value misses the target and the deadline is not passed (d ≤ deadline);
- **chưa đạt**: the value misses the target and the deadline has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

SHIPPED_PLAN = Path(__file__).parent / "plans" / "kh1888_2026.yaml"

MET, AT_RISK, MISSED, NOT_DUE, NOT_MEASURED = "đạt", "có nguy cơ", "chưa đạt", "chưa đến hạn", "chưa đo được"
STATUSES = (MET, AT_RISK, MISSED, NOT_DUE, NOT_MEASURED)
COMPARISONS = (">=", "<=")
UNITS = ("percent", "count")


class PlanError(ValueError):
    """A plan file that cannot be used; the message names the file, the target and the field."""


@dataclass(frozen=True)
class Measure:
    metric: str
    comparison: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class Target:
    id: str
    target: str
    section: str
    owner: str
    deadline: date
    measure: Measure | None
    note: str | None


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    agency: str
    year: int
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class TargetStatus:
    target: Target
    status: str
    value: Decimal | None
    numerator: int | None
    denominator: int | None


def _text(entry: Mapping, field: str, where: str) -> str:
    value = entry.get(field)
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise PlanError(f"{where}: field {field!r} must be a non-empty text")
    return str(value).strip()


def _measure(entry: Any, where: str) -> Measure | None:
    if entry is None:
        return None
    if not isinstance(entry, Mapping):
        raise PlanError(f"{where}: field 'measure' must be null or a mapping with metric, comparison, value")
    metric = _text(entry, "metric", f"{where} measure")
    comparison = entry.get("comparison", ">=")
    if comparison not in COMPARISONS:
        raise PlanError(f"{where}: field 'measure.comparison' must be one of {', '.join(COMPARISONS)}")
    unit = entry.get("unit", "percent")
    if unit not in UNITS:
        raise PlanError(f"{where}: field 'measure.unit' must be one of {', '.join(UNITS)}")
    raw = entry.get("value")
    try:
        if isinstance(raw, bool) or raw is None:
            raise InvalidOperation
        value = Decimal(str(raw))
    except InvalidOperation:
        raise PlanError(f"{where}: field 'measure.value' must be a number, not {raw!r}") from None
    if unit == "percent" and not Decimal(0) <= value <= Decimal(1):
        raise PlanError(f"{where}: field 'measure.value' is a rate from 0 to 1 (0.2 for 20%), not {raw}")
    return Measure(metric, comparison, value, unit)


def _deadline(entry: Mapping, where: str) -> date:
    raw = entry.get("deadline")
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise PlanError(f"{where}: field 'deadline' must be a date YYYY-MM-DD, not {raw!r}") from None


def load_plan(path: Path) -> Plan:
    """The plan of a YAML file; a bad entry raises PlanError naming the file, the target and the field."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PlanError(f"{path}: cannot read the plan: {error}") from None
    if not isinstance(data, Mapping):
        raise PlanError(f"{path}: a plan is a mapping with id, name, agency, year and targets")
    head = str(path)
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise PlanError(f"{head}: field 'year' must be a year such as 2026, not {year!r}")
    entries = data.get("targets")
    if not isinstance(entries, list) or not entries:
        raise PlanError(f"{head}: field 'targets' must be a non-empty list")
    targets, seen = [], set()
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise PlanError(f"{head}, target #{position}: must be a mapping")
        where = f"{head}, target #{position}"
        target_id = _text(entry, "id", where)
        where = f"{head}, target {target_id}"
        if target_id in seen:
            raise PlanError(f"{where}: field 'id' repeats an earlier target")
        seen.add(target_id)
        note = entry.get("note")
        targets.append(
            Target(
                id=target_id,
                target=_text(entry, "target", where),
                section=_text(entry, "section", where),
                owner=_text(entry, "owner", where),
                deadline=_deadline(entry, where),
                measure=_measure(entry.get("measure"), where),
                note=str(note).strip() if note else None,
            )
        )
    return Plan(
        id=_text(data, "id", head),
        name=_text(data, "name", head),
        agency=_text(data, "agency", head),
        year=year,
        targets=tuple(targets),
    )


def _meets(measure: Measure, value: Decimal) -> bool:
    return value >= measure.value if measure.comparison == ">=" else value <= measure.value


def target_status(target: Target, reading: Mapping | None, today: date) -> TargetStatus:
    """The status of the module docstring; `reading` is the plan agency's `metric_value` row of the measure's
    metric for the year (None when there is none)."""
    value = reading.get("value") if reading else None
    numerator = reading.get("numerator") if reading else None
    denominator = reading.get("denominator") if reading else None
    if target.measure is None:
        status = NOT_MEASURED
    elif value is None:
        status = NOT_DUE if today <= target.deadline else NOT_MEASURED
    elif _meets(target.measure, Decimal(value)):
        status = MET
    else:
        status = AT_RISK if today <= target.deadline else MISSED
    return TargetStatus(target, status, None if value is None else Decimal(value), numerator, denominator)


def plan_statuses(plan: Plan, metric_rows: list[Mapping], today: date) -> list[TargetStatus]:
    """Every target's status from the year's `metric_value` rows of the plan's agency; a metric with rows for
    several periods is read over the calendar year."""
    readings: dict[str, Mapping] = {}
    for row in metric_rows:
        if row["agency_code"] == plan.agency:
            whole_year = (row["period_start"], row["period_end"]) == (
                date(plan.year, 1, 1),
                date(plan.year, 12, 31),
            )
            if whole_year or row["metric_code"] not in readings:
                readings[row["metric_code"]] = row
    return [
        target_status(t, readings.get(t.measure.metric) if t.measure else None, today) for t in plan.targets
    ]
