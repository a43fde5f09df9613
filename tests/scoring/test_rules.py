"""The rules of contracts/metrics.md §5: worked examples, then invariants checked with hypothesis."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from scoring import rules
from scoring.rules import MetricReading, Rule

D = Decimal
ON_TIME_BANDS = ((D("1.00"), D(4)), (D("0.95"), D(3)), (D("0.90"), D(2)), (D("0.80"), D(1)))


def test_step_takes_the_first_band_reached():
    assert rules.step(D("1.0000"), D(4), ON_TIME_BANDS) == 4
    assert rules.step(D("0.9999"), D(4), ON_TIME_BANDS) == 3  # below 1.00, at least 0.95
    assert rules.step(D("0.9500"), D(4), ON_TIME_BANDS) == 3  # a threshold is inclusive
    assert rules.step(D("0.8000"), D(4), ON_TIME_BANDS) == 1
    assert rules.step(D("0.7999"), D(4), ON_TIME_BANDS) == 0


def test_linear_capped_and_half_up_rounding_at_the_leaf():
    rule = Rule(rules.LINEAR_CAPPED, target=D("0.50"))
    assert rules.apply_rule(rule, D("0.3775"), D(3)) == D("2.27")  # 2.265 half-up, not 2.26
    assert rules.apply_rule(rule, D("0.3575"), D(3)) == D("2.15")  # 2.145 half-up, not banker's 2.14
    assert rules.apply_rule(rule, D("0.9000"), D(3)) == D("3.00")  # 5.4 capped at 3
    assert rules.apply_rule(rule, D("-0.0200"), D(3)) == D("0.00")  # a staff growth scores 0, not less


def test_binary_all_or_nothing_and_zero_is_pass():
    assert rules.binary(D("1.0000"), D(1)) == 1 and rules.binary(D("0"), D(1)) == 0
    assert rules.binary(D("0"), D(1), zero_is_pass=True) == 1
    assert rules.binary(D("3"), D(1), zero_is_pass=True) == 0
    assert rules.all_or_nothing(D("1.0000"), D(2)) == 2
    assert rules.all_or_nothing(D("0.9999"), D(2)) == 0


def test_no_data_no_cases_and_population():
    rule = Rule(rules.ALL_OR_NOTHING)
    no_data = MetricReading(None, None, None)
    no_cases = MetricReading(0, 0, None)
    assert rules.score_metric_leaf(rule, D(2), None, rules.FULL) == (
        rules.MISSING,
        None,
        rules.REASON_NO_DATA,
    )
    assert rules.score_metric_leaf(rule, D(2), no_data, rules.FULL).status == rules.MISSING
    assert rules.score_metric_leaf(rule, D(2), no_cases, rules.FULL) == (
        rules.COMPUTED,
        D("2.00"),
        "no_cases",
    )
    assert rules.score_metric_leaf(rule, D(2), no_cases, rules.FULL, population_has_cases=False).status == (
        rules.NOT_APPLICABLE
    )
    assert rules.score_metric_leaf(rule, D(2), no_cases, rules.NOT_APPLICABLE).status == rules.NOT_APPLICABLE
    assert rules.score_metric_leaf(rule, D(2), no_cases).status == rules.MISSING


def test_roll_up_keeps_missing_maxima_and_drops_not_applicable():
    subtotal = rules.roll_up(
        [
            (rules.COMPUTED, D("1.25"), D(2)),
            (rules.MISSING, None, D(3)),
            (rules.NOT_APPLICABLE, None, D(4)),
            (rules.MANUAL_STATUS, D("0.50"), D(1)),
        ]
    )
    assert subtotal == (rules.MISSING, D("1.75"), D(6))  # 2 + 3 + 1; 1.25 + 0.50
    assert rules.roll_up([(rules.NOT_APPLICABLE, None, D(4))]) == (rules.NOT_APPLICABLE, None, D(0))
    assert rules.roll_up([(rules.COMPUTED, D(1), D(1))]).status == rules.COMPUTED


def test_index_rounds_half_up_to_four_decimals():
    assert rules.index(D("4.00"), D(87)) == D("0.0460")  # 0.045977…
    assert rules.index(D("1"), D("8")) == D("0.1250")
    assert rules.index(D("0"), D("0")) is None


values = st.decimals(min_value=D("-1"), max_value=D("2"), places=4)
maxima = st.decimals(min_value=D("0.01"), max_value=D("40"), places=2)
targets = st.decimals(min_value=D("0.01"), max_value=D("1"), places=2)


@st.composite
def step_rules(draw):
    maximum = draw(maxima)
    thresholds = sorted(
        draw(st.sets(st.decimals(min_value=D("0"), max_value=D("1"), places=2), min_size=1, max_size=5)),
        reverse=True,
    )
    points = sorted(
        (draw(st.decimals(min_value=D("0"), max_value=maximum, places=2)) for _ in thresholds), reverse=True
    )
    return maximum, Rule(rules.STEP, bands=tuple(zip(thresholds, points, strict=True)))


@given(v=values, m=maxima, target=targets)
def test_linear_capped_stays_within_zero_and_max(v, m, target):
    score = rules.apply_rule(Rule(rules.LINEAR_CAPPED, target=target), v, m)
    assert D(0) <= score <= m
    assert score == score.quantize(D("0.01"))


@given(v1=values, v2=values, m=maxima, target=targets)
def test_linear_capped_is_monotone_in_the_value(v1, v2, m, target):
    rule = Rule(rules.LINEAR_CAPPED, target=target)
    low, high = sorted((v1, v2))
    assert rules.apply_rule(rule, low, m) <= rules.apply_rule(rule, high, m)


@given(v1=values, v2=values, step_rule=step_rules())
def test_step_is_bounded_and_monotone_in_the_value(v1, v2, step_rule):
    maximum, rule = step_rule
    low, high = sorted((v1, v2))
    low_score, high_score = rules.apply_rule(rule, low, maximum), rules.apply_rule(rule, high, maximum)
    assert D(0) <= low_score <= high_score <= maximum


@given(v=values, m=maxima, zero_is_pass=st.booleans())
def test_binary_and_all_or_nothing_give_zero_or_max(v, m, zero_is_pass):
    assert rules.apply_rule(Rule(rules.BINARY, zero_is_pass=zero_is_pass), v, m) in (D(0), m)
    assert rules.apply_rule(Rule(rules.ALL_OR_NOTHING), v, m) in (D(0), m)


@given(
    children=st.lists(
        st.tuples(st.sampled_from(["computed", "manual", "missing", "not_applicable"]), maxima), max_size=8
    )
)
def test_a_parent_never_exceeds_its_applicable_maximum(children):
    rows = [(status, None if status in ("missing", "not_applicable") else m, m) for status, m in children]
    subtotal = rules.roll_up(rows)
    applicable = sum((m for status, m in children if status != "not_applicable"), D(0))
    assert subtotal.max_points == applicable
    if subtotal.score is not None:
        assert D(0) <= subtotal.score <= subtotal.max_points
