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


# ---- §9: proportional, pro_rata, when_no_cases zero, external, deadline ----

PRO_RATA = rules.ProRata(D("0.05"), 2025, 2031)


def test_proportional_is_m_times_v_clamped():
    rule = Rule(rules.PROPORTIONAL)
    assert rules.apply_rule(rule, D("0.5000"), D(20)) == D("10.00")
    assert rules.apply_rule(rule, D("0.3333"), D(2)) == D("0.67")  # 0.6666 half-up
    assert rules.apply_rule(rule, D("1.0000"), D(6)) == D("6.00")
    assert rules.apply_rule(rule, D("-0.0100"), D(6)) == D("0.00")


def test_pro_rata_worked_examples_of_9_3():
    rule = Rule(rules.LINEAR_CAPPED, pro_rata=PRO_RATA)
    # 250 → 249 công chức: v = 0.0040; (2 × 0.0040 × 6) ÷ (0.05 × 1) = 0.96
    assert rules.apply_rule(rule, D("0.0040"), D(2), 2026) == D("0.96")
    # 40 → 39: v = 0.0250; 2 × 0.0250 × 6 ÷ 0.05 = 6, capped at 2
    assert rules.apply_rule(rule, D("0.0250"), D(2), 2026) == D("2.00")
    # 2028: k = 3, target 2.5 %: 2 × 0.0100 × 6 ÷ 0.15 = 0.80; after E the target stays R (k = 6)
    assert rules.apply_rule(rule, D("0.0100"), D(2), 2028) == D("0.80")
    assert rules.apply_rule(rule, D("0.0400"), D(2), 2035) == D("1.60")
    assert PRO_RATA.target(2026) == D("0.05") / 6  # never rounded


def test_pro_rata_is_not_applicable_up_to_the_baseline_year():
    rule = Rule(rules.LINEAR_CAPPED, pro_rata=PRO_RATA)
    reading = MetricReading(1, 250, D("0.0040"))
    outcome = rules.score_metric_leaf(rule, D(2), reading, rules.NOT_APPLICABLE, year=2025)
    assert outcome == (rules.NOT_APPLICABLE, None, rules.REASON_BEFORE_PRO_RATA)
    assert rules.score_metric_leaf(rule, D(2), reading, year=2026) == (rules.COMPUTED, D("0.96"), None)


def test_when_no_cases_zero_scores_zero_only_with_data():
    rule = Rule(rules.PROPORTIONAL)
    assert rules.score_metric_leaf(rule, D(20), MetricReading(0, 0, None), rules.ZERO) == (
        rules.COMPUTED,
        D("0.00"),
        rules.REASON_NO_CASES,
    )
    no_data = MetricReading(None, None, None)
    assert rules.score_metric_leaf(rule, D(20), no_data, rules.ZERO).status == rules.MISSING


def test_external_children_leave_both_sums_and_make_an_external_parent():
    external = (rules.EXTERNAL_STATUS, None, D(15))
    assert rules.roll_up([external, external]) == (rules.EXTERNAL_STATUS, None, D(30))
    areas = [
        (rules.COMPUTED, D("30.50"), D(40)),
        (rules.MISSING, D("10.00"), D(30)),
        (rules.NOT_APPLICABLE, None, D(0)),
        (rules.EXTERNAL_STATUS, None, D(30)),
    ]
    assert rules.roll_up(areas) == (rules.MISSING, D("40.50"), D(70))  # TỔNG: 70, not 100
    assert rules.index(D("40.50"), D(70)) == D("0.5786")


def test_deadline_worked_example_of_9_2():
    # 7.6, m = 2, bands [(0, 1), (30, 0.5)]: the plan of 14/01/Y against Y-1-12-31 is 14 days late, c = 0.5.
    rule = Rule(rules.DEADLINE, deadline_bands=((0, D(1)), (30, D("0.5"))))
    assert rules.deadline_credit(14, rule.deadline_bands) == D("0.5")
    assert rules.deadline_score([rules.DeadlineItem(rules.LATE, 14)], D(2), rule) == D("1.00")


def test_deadline_credits_items_and_ignores_pending_ones():
    rule = Rule(rules.DEADLINE, deadline_bands=((0, D(1)), (15, D("0.5"))))
    items = [
        rules.DeadlineItem(rules.ON_TIME, -3),  # c = 1
        rules.DeadlineItem(rules.LATE, 15),  # c = 0.5 (L ≤ 15)
        rules.DeadlineItem(rules.LATE, 16),  # c = 0
        rules.DeadlineItem(rules.MISSING),  # c = 0
        rules.DeadlineItem(rules.PENDING),  # leaves N
        rules.DeadlineItem(rules.UNVERIFIABLE),  # leaves N
    ]
    # (2 × 1.5) ÷ 4 = 0.75
    assert rules.deadline_score(items, D(2), rule) == D("0.75")
    # (1 × 1) ÷ 3 = 0.333… → 0.33: multiplication first, one division, half-up
    three = [rules.DeadlineItem(rules.ON_TIME, 0), *[rules.DeadlineItem(rules.MISSING)] * 2]
    assert rules.deadline_score(three, D(1), rule) == D("0.33")
    assert rules.deadline_score([rules.DeadlineItem(rules.PENDING)], D(2), rule) is None


def test_working_days_late_counts_working_days_after_the_deadline():
    from datetime import date

    holidays = {date(2026, 1, 1)}

    def working(day):
        return day.weekday() < 5 and day not in holidays

    # Deadline Wed 31/12/2025; issued Mon 05/01/2026: 1/1 holiday, 2/1 Fri, 3–4 weekend, 5/1 Mon → 2.
    assert rules.working_days_late(date(2025, 12, 31), date(2026, 1, 5), working) == 2
    assert rules.working_days_late(date(2025, 12, 31), date(2025, 12, 30), working) == 0
