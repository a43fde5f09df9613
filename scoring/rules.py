"""The scoring rules of contracts/metrics.md §5 and §9 as pure functions on `Decimal`.

A leaf's score is rounded half-up to 2 decimals; parents sum their children's rounded scores; the index is
score / maximum rounded half-up to 4 decimals. Binary floats never enter: callers pass `Decimal`s."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

BINARY = "binary"
STEP = "step"
LINEAR_CAPPED = "linear_capped"
ALL_OR_NOTHING = "all_or_nothing"
PROPORTIONAL = "proportional"
DEADLINE = "deadline"
MANUAL = "manual"
EXTERNAL = "external"
RULES = (BINARY, STEP, LINEAR_CAPPED, ALL_OR_NOTHING, PROPORTIONAL, DEADLINE, MANUAL, EXTERNAL)

COMPUTED = "computed"
MANUAL_STATUS = "manual"
MISSING = "missing"
NOT_APPLICABLE = "not_applicable"
EXTERNAL_STATUS = "external"  # surveyed by the competent authority, outside the self-assessment (§9.5)

# when_no_cases settings (metrics.md §5, §9.4)
FULL = "full"
ZERO = "zero"
NO_CASES_SETTINGS = (FULL, NOT_APPLICABLE, MISSING, ZERO)

# deadline lateness units (metrics.md §9.2)
CALENDAR_DAYS = "calendar"
WORKING_DAYS = "working"

# Item statuses of a document requirement (metrics.md §7.3)
ON_TIME = "on_time"
LATE = "late"
PENDING = "pending"
UNVERIFIABLE = "unverifiable"

# Why a leaf has the status it has; scoring.scorecard turns these into notes officers read.
REASON_NO_DATA = "no_data"
REASON_NO_CASES = "no_cases"
REASON_NO_POPULATION = "no_population"
REASON_BEFORE_PRO_RATA = "before_pro_rata"

_ZERO = Decimal(0)
_ONE = Decimal(1)
_SCORE_PLACES = Decimal("0.01")
_INDEX_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ProRata:
    """linear_capped's `pro_rata: {total: R, from: B, to: E}`: a target R reached evenly from the end of
    year B to the end of year E (metrics.md §9.3)."""

    total: Decimal
    start: int
    end: int

    def elapsed(self, year: int) -> int:
        """k = min(Y, E) − B: the years of the plan behind year Y."""
        return min(year, self.end) - self.start

    def target(self, year: int) -> Decimal:
        """R × k ÷ (E − B), never rounded: what year Y must reach for the full points."""
        return self.total * self.elapsed(year) / (self.end - self.start)


@dataclass(frozen=True)
class Rule:
    name: str
    bands: tuple[tuple[Decimal, Decimal], ...] = ()  # step: (threshold, points), thresholds descending
    target: Decimal | None = None  # linear_capped
    zero_is_pass: bool = False  # binary
    pro_rata: ProRata | None = None  # linear_capped instead of target
    # deadline: (days late at most, share of the points), days ascending, shares descending
    deadline_bands: tuple[tuple[int, Decimal], ...] = ()
    days: str = CALENDAR_DAYS  # deadline: the unit lateness is counted in


class MetricReading(NamedTuple):
    """One `metric_value` row: all three null when the source holds no data of the agency (metrics.md §0)."""

    numerator: int | None
    denominator: int | None
    value: Decimal | None

    @property
    def has_data(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    @property
    def has_cases(self) -> bool:
        return self.has_data and self.denominator != 0


class LeafOutcome(NamedTuple):
    status: str
    score: Decimal | None  # None unless computed or manual
    reason: str | None = None


def round_score(value: Decimal) -> Decimal:
    return value.quantize(_SCORE_PLACES, rounding=ROUND_HALF_UP)


def round_value(numerator: int, denominator: int) -> Decimal:
    """A metric value as written: numerator / denominator half-up to 4 decimals (metrics.md §0)."""
    return (Decimal(numerator) / Decimal(denominator)).quantize(_INDEX_PLACES, rounding=ROUND_HALF_UP)


def binary(v: Decimal, m: Decimal, zero_is_pass: bool = False) -> Decimal:
    passed = v == _ZERO if zero_is_pass else v == _ONE
    return m if passed else _ZERO


def step(v: Decimal, m: Decimal, bands: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The points of the first band whose threshold v reaches; bands come highest threshold first."""
    for threshold, points in bands:
        if v >= threshold:
            return min(points, m)
    return _ZERO


def _clamp(value: Decimal, m: Decimal) -> Decimal:
    return max(_ZERO, min(m, value))


def linear_capped(v: Decimal, m: Decimal, target: Decimal) -> Decimal:
    """min(m, m × v / target); a negative value (a staff reduction that is a growth) gives 0, not less."""
    return _clamp(m * v / target, m)


def proportional(v: Decimal, m: Decimal) -> Decimal:
    """m × v clamped to [0, m]: "each of the n items on time earns m/n" (metrics.md §9.1)."""
    return _clamp(m * v, m)


def pro_rata_linear(v: Decimal, m: Decimal, pro_rata: ProRata, year: int) -> Decimal:
    """(m × v × (E − B)) ÷ (R × k) clamped to [0, m]: multiplication first, one division (metrics.md §9.3).
    Only for Y > B; before that the leaf is not applicable."""
    k = pro_rata.elapsed(year)
    if k <= 0:
        raise ValueError(f"pro_rata from {pro_rata.start}: year {year} is not after the baseline")
    return _clamp(m * v * (pro_rata.end - pro_rata.start) / (pro_rata.total * k), m)


def all_or_nothing(v: Decimal, m: Decimal) -> Decimal:
    return m if v == _ONE else _ZERO


def apply_rule(rule: Rule, v: Decimal, m: Decimal, year: int | None = None) -> Decimal:
    """The leaf's score for metric value v and maximum m, rounded half-up to 2 decimals; `year` (the
    assessment year) is needed by `pro_rata` only."""
    if rule.name == BINARY:
        raw = binary(v, m, rule.zero_is_pass)
    elif rule.name == STEP:
        raw = step(v, m, rule.bands)
    elif rule.name == LINEAR_CAPPED and rule.pro_rata is not None:
        if year is None:
            raise ValueError("a pro_rata target needs the assessment year")
        raw = pro_rata_linear(v, m, rule.pro_rata, year)
    elif rule.name == LINEAR_CAPPED:
        raw = linear_capped(v, m, rule.target)
    elif rule.name == ALL_OR_NOTHING:
        raw = all_or_nothing(v, m)
    elif rule.name == PROPORTIONAL:
        raw = proportional(v, m)
    else:
        raise ValueError(f"rule {rule.name!r} does not score a metric value")
    return round_score(raw)


def before_pro_rata(rule: Rule, year: int) -> bool:
    """A pro-rata target counts from the end of its baseline year B: for Y ≤ B the leaf is not applicable."""
    return rule.pro_rata is not None and year <= rule.pro_rata.start


def score_metric_leaf(
    rule: Rule,
    m: Decimal,
    reading: MetricReading | None,
    when_no_cases: str = MISSING,
    population_has_cases: bool = True,
    year: int | None = None,
) -> LeafOutcome:
    """Status and score of a leaf bound to a metric (metrics.md §5, §9).

    `reading` is None when the warehouse holds no row for the metric at all (its source is not built or not
    configured). `population_has_cases` matters for `full` only: "no late dossier, nothing to apologise
    for" gives full points only when the population the rate is drawn from (T(P) for 3.4) has cases.
    `year` is the assessment year, needed by `pro_rata`.
    """
    if year is not None and before_pro_rata(rule, year):
        return LeafOutcome(NOT_APPLICABLE, None, REASON_BEFORE_PRO_RATA)
    if reading is None or not reading.has_data:
        return LeafOutcome(MISSING, None, REASON_NO_DATA)
    if not reading.has_cases or reading.value is None:
        if when_no_cases == FULL:
            if population_has_cases:
                return LeafOutcome(COMPUTED, round_score(m), REASON_NO_CASES)
            return LeafOutcome(NOT_APPLICABLE, None, REASON_NO_POPULATION)
        if when_no_cases == ZERO:
            return LeafOutcome(COMPUTED, round_score(_ZERO), REASON_NO_CASES)
        return LeafOutcome(when_no_cases, None, REASON_NO_CASES)
    return LeafOutcome(COMPUTED, apply_rule(rule, reading.value, m, year))


class DeadlineItem(NamedTuple):
    """One item of a document requirement as the `deadline` rule reads it (metrics.md §7.3, §9.2)."""

    status: str  # on_time, late, missing, pending or unverifiable
    lateness: int | None = None  # L: days late in the rule's unit, ≤ 0 when on time; None if not decided


def working_days_late(deadline: date, issued: date, is_working_day: Callable[[date], bool]) -> int:
    """The working days in (deadline, issued]: 0 when issued on or before the deadline (metrics.md §9.2)."""
    return sum(
        1 for offset in range(1, (issued - deadline).days + 1) if is_working_day(deadline + timedelta(offset))
    )


def deadline_credit(lateness: int, bands: Iterable[tuple[int, Decimal]]) -> Decimal:
    """c = the share of the first band with L ≤ d; 0 when none (metrics.md §9.2)."""
    for days, share in bands:
        if lateness <= days:
            return share
    return _ZERO


def deadline_score(items: Iterable[DeadlineItem], m: Decimal, rule: Rule) -> Decimal | None:
    """(m × Σ c) ÷ N over the items on time, late or missing, half-up to 2 decimals; a missing item earns 0.
    None when N = 0 (the leaf then follows metrics.md §7.4)."""
    credits = []
    for item in items:
        if item.status in (ON_TIME, LATE):
            if item.lateness is None:
                raise ValueError(f"a decided item ({item.status}) needs its lateness")
            credits.append(deadline_credit(item.lateness, rule.deadline_bands))
        elif item.status == MISSING:
            credits.append(_ZERO)
        elif item.status not in (PENDING, UNVERIFIABLE):
            raise ValueError(f"unknown item status {item.status!r}")
    if not credits:
        return None
    return round_score(m * sum(credits, _ZERO) / len(credits))


class Subtotal(NamedTuple):
    status: str
    score: Decimal | None
    max_points: Decimal


def roll_up(children: Iterable[tuple[str, Decimal | None, Decimal]]) -> Subtotal:
    """A parent from its children's (status, score, max_points).

    Not-applicable children leave both sums; a missing child keeps its maximum and adds no score; the parent
    is missing if any applicable child is. A parent whose children are all not applicable is itself not
    applicable. External children count in neither sum (metrics.md §9.5); a parent whose children are all
    external is external, with the sum of their maxima and no score.
    """
    statuses = []
    score = _ZERO
    maximum = _ZERO
    external_maximum = _ZERO
    for status, child_score, child_max in children:
        statuses.append(status)
        if status == EXTERNAL_STATUS:
            external_maximum += child_max
            continue
        if status == NOT_APPLICABLE:
            continue
        maximum += child_max
        if child_score is not None:
            score += child_score
    if statuses and all(s == EXTERNAL_STATUS for s in statuses):
        return Subtotal(EXTERNAL_STATUS, None, external_maximum)
    if statuses and all(s in (NOT_APPLICABLE, EXTERNAL_STATUS) for s in statuses):
        return Subtotal(NOT_APPLICABLE, None, _ZERO)
    status = MISSING if MISSING in statuses else COMPUTED
    return Subtotal(status, score, maximum)


def index(score: Decimal, max_points: Decimal) -> Decimal | None:
    """score / max_points rounded half-up to 4 decimals; None when nothing applies."""
    if max_points == _ZERO:
        return None
    return (score / max_points).quantize(_INDEX_PLACES, rounding=ROUND_HALF_UP)
