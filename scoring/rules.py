"""The scoring rules of contracts/metrics.md §5 as pure functions on `Decimal`.

A leaf's score is rounded half-up to 2 decimals; parents sum their children's rounded scores; the index is
score / maximum rounded half-up to 4 decimals. Binary floats never enter: callers pass `Decimal`s."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

BINARY = "binary"
STEP = "step"
LINEAR_CAPPED = "linear_capped"
ALL_OR_NOTHING = "all_or_nothing"
MANUAL = "manual"
RULES = (BINARY, STEP, LINEAR_CAPPED, ALL_OR_NOTHING, MANUAL)

COMPUTED = "computed"
MANUAL_STATUS = "manual"
MISSING = "missing"
NOT_APPLICABLE = "not_applicable"

# when_no_cases settings (metrics.md §5)
FULL = "full"
NO_CASES_SETTINGS = (FULL, NOT_APPLICABLE, MISSING)

# Why a leaf has the status it has; scoring.scorecard turns these into notes officers read.
REASON_NO_DATA = "no_data"
REASON_NO_CASES = "no_cases"
REASON_NO_POPULATION = "no_population"

_ZERO = Decimal(0)
_ONE = Decimal(1)
_SCORE_PLACES = Decimal("0.01")
_INDEX_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Rule:
    name: str
    bands: tuple[tuple[Decimal, Decimal], ...] = ()  # step: (threshold, points), thresholds descending
    target: Decimal | None = None  # linear_capped
    zero_is_pass: bool = False  # binary


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


def binary(v: Decimal, m: Decimal, zero_is_pass: bool = False) -> Decimal:
    passed = v == _ZERO if zero_is_pass else v == _ONE
    return m if passed else _ZERO


def step(v: Decimal, m: Decimal, bands: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """The points of the first band whose threshold v reaches; bands come highest threshold first."""
    for threshold, points in bands:
        if v >= threshold:
            return min(points, m)
    return _ZERO


def linear_capped(v: Decimal, m: Decimal, target: Decimal) -> Decimal:
    """min(m, m × v / target); a negative value (a staff reduction that is a growth) gives 0, not less."""
    return max(_ZERO, min(m, m * v / target))


def all_or_nothing(v: Decimal, m: Decimal) -> Decimal:
    return m if v == _ONE else _ZERO


def apply_rule(rule: Rule, v: Decimal, m: Decimal) -> Decimal:
    """The leaf's score for metric value v and maximum m, rounded half-up to 2 decimals."""
    if rule.name == BINARY:
        raw = binary(v, m, rule.zero_is_pass)
    elif rule.name == STEP:
        raw = step(v, m, rule.bands)
    elif rule.name == LINEAR_CAPPED:
        raw = linear_capped(v, m, rule.target)
    elif rule.name == ALL_OR_NOTHING:
        raw = all_or_nothing(v, m)
    else:
        raise ValueError(f"rule {rule.name!r} does not score a metric value")
    return round_score(raw)


def score_metric_leaf(
    rule: Rule,
    m: Decimal,
    reading: MetricReading | None,
    when_no_cases: str = MISSING,
    population_has_cases: bool = True,
) -> LeafOutcome:
    """Status and score of a leaf bound to a metric (metrics.md §5).

    `reading` is None when the warehouse holds no row for the metric at all (its source is not built or not
    configured). `population_has_cases` matters for `full` only: "no late dossier, nothing to apologise
    for" gives full points only when the population the rate is drawn from (T(P) for 3.4) has cases.
    """
    if reading is None or not reading.has_data:
        return LeafOutcome(MISSING, None, REASON_NO_DATA)
    if not reading.has_cases or reading.value is None:
        if when_no_cases == FULL:
            if population_has_cases:
                return LeafOutcome(COMPUTED, round_score(m), REASON_NO_CASES)
            return LeafOutcome(NOT_APPLICABLE, None, REASON_NO_POPULATION)
        return LeafOutcome(when_no_cases, None, REASON_NO_CASES)
    return LeafOutcome(COMPUTED, apply_rule(rule, reading.value, m))


class Subtotal(NamedTuple):
    status: str
    score: Decimal | None
    max_points: Decimal


def roll_up(children: Iterable[tuple[str, Decimal | None, Decimal]]) -> Subtotal:
    """A parent from its children's (status, score, max_points).

    Not-applicable children leave both sums; a missing child keeps its maximum and adds no score; the parent
    is missing if any applicable child is. A parent whose children are all not applicable is itself not
    applicable.
    """
    statuses = []
    score = _ZERO
    maximum = _ZERO
    for status, child_score, child_max in children:
        statuses.append(status)
        if status == NOT_APPLICABLE:
            continue
        maximum += child_max
        if child_score is not None:
            score += child_score
    if statuses and all(s == NOT_APPLICABLE for s in statuses):
        return Subtotal(NOT_APPLICABLE, None, _ZERO)
    status = MISSING if MISSING in statuses else COMPUTED
    return Subtotal(status, score, maximum)


def index(score: Decimal, max_points: Decimal) -> Decimal | None:
    """score / max_points rounded half-up to 4 decimals; None when nothing applies."""
    if max_points == _ZERO:
        return None
    return (score / max_points).quantize(_INDEX_PLACES, rounding=ROUND_HALF_UP)
