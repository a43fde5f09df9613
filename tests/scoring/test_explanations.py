"""Explanations and points at risk (contracts/metrics.md §10): the worked example of §10.2/§10.4, formats of
§10.1, the other leaf kinds of §10.3, and the numbers checked with hypothesis against a brute-force reading of
the §10.2 definitions written here, in integer arithmetic, independently of scoring/."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import explanations, rules
from scoring.explanations import format_count, format_percent, format_points
from scoring.rules import MetricReading, Rule

D = Decimal
E_DOCUMENT_BANDS = ((D("1.00"), D(2)), (D("0.90"), D(1)))


def test_formats_of_10_1():
    assert format_count(1234) == "1.234" and format_count(0) == "0" and format_count(1234567) == "1.234.567"
    assert format_percent(D("0.9932")) == "99,32%"
    assert format_percent(D("1.0000")) == "100,00%"
    assert format_percent(D("0.5")) == "50,00%"  # §13 reading 4: every percentage, {c×100}% included
    assert format_percent(D("0.05") / 6) == "0,83%"  # a pro-rata target, never rounded before display
    assert format_points(D(1)) == "1,00" and format_points(D("2.265")) == "2,27"


def test_worked_example_7_1():
    """§10.2 and §10.4: 146/147 electronic documents, bands [(1.00, 2), (0.90, 1)]."""
    rule = Rule(rules.STEP, bands=E_DOCUMENT_BANDS)
    v = rules.round_value(146, 147)
    assert v == D("0.9932")
    s = rules.apply_rule(rule, v, D(2))
    explained = explanations.explain_count("qlvb.e_document_rate", rule, D(2), 2026, 146, 147, v, s)
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (16, 19853, 1)
    assert explained.explanation == (
        "Đạt 99,32% (146/147 văn bản điện tử); được 1,00/2,00 điểm (mức ≥ 90,00%). Mức 2,00 điểm cần ≥ "
        "100,00%: thiếu 1 văn bản điện tử. Thêm 16 văn bản giấy sẽ còn 0,00 điểm."
    )


def test_no_band_reached_names_the_lowest_band_and_thousands_use_a_dot():
    # 8999/10000 = 0.8999 < 0.90: s = 0, s⁺ = 1 at 90 %. z: 9000/10000 reaches it, z = 1. y: (8999 + y) /
    # (10000 + y) ≥ 0.89995 ⇔ 0.10005 y ≥ 0.5 ⇔ y ≥ 4.9975, y = 5. x undefined at s = 0.
    rule = Rule(rules.STEP, bands=E_DOCUMENT_BANDS)
    explained = explanations.explain_count(
        "qlvb.e_document_rate", rule, D(2), 2026, 8999, 10000, D("0.8999"), D(0)
    )
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (None, 5, 1)
    assert explained.explanation == (
        "Đạt 89,99% (8.999/10.000 văn bản điện tử); được 0,00/2,00 điểm (chưa đạt mức ≥ 90,00%). "
        "Mức 1,00 điểm cần ≥ 90,00%: thiếu 1 văn bản điện tử."
    )


@pytest.mark.parametrize(
    ("arguments", "explanation"),
    [
        pytest.param(
            # x = 1: one more late answer gives 5/6 < 100 %.
            ("dvc.pakn_on_time_rate", Rule(rules.ALL_OR_NOTHING), D(1), 2026, 5, 5, D(1), D(1)),
            "Đạt 100,00% (5/5 phản ánh, kiến nghị đạt yêu cầu); được 1,00/1,00 điểm. "
            "Thêm 1 phản ánh, kiến nghị không đạt sẽ còn 0,00 điểm.",
            id="at_the_maximum",
        ),
        pytest.param(
            # A target above 100 % (the loader only asks for a positive one): 1/1 gives 3 × 1 ÷ 1.5 = 2.00 of
            # 3, and no count reaches 3.00: y and z are undefined.
            ("hr.training_rate", Rule(rules.LINEAR_CAPPED, target=D("1.5")), D(3), 2026, 1, 1, D(1), D(2)),
            "Đạt 100,00% (1/1 người được đào tạo, bồi dưỡng); được 2,00/3,00 điểm (đủ điểm từ 150,00%). "
            "Chưa thể đạt mức 3,00 điểm trong kỳ. "
            "Thêm 1 người chưa được đào tạo, bồi dưỡng sẽ còn 1,00 điểm.",
            id="a_level_out_of_reach",
        ),
    ],
)
def test_gain_and_fix_are_empty_with_no_higher_score_to_reach(arguments, explanation):
    # Arguments of explain_count: metric, rule, m, year, k, n, v, s.
    explained = explanations.explain_count(*arguments)
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (1, None, None)
    assert explained.explanation == explanation


def test_unreachable_next_score_and_gain_without_fix():
    # all_or_nothing 0/3: fixing 3 failing cases reaches 100 %: z = 3; y/(3 + y) ≥ 0.99995 ⇔ y ≥ 59997.
    rule = Rule(rules.ALL_OR_NOTHING)
    explained = explanations.explain_count("dvc.apology_rate", rule, D(2), 2026, 0, 3, D(0), D(0))
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (None, 59997, 3)
    assert explained.explanation.endswith(
        "Mức 2,00 điểm cần ≥ 100,00%: thiếu 3 hồ sơ trễ hạn có phiếu xin lỗi."
    )
    # proportional 1/4 of m = 4 gives 1.00. 4.00 needs 4 v ≥ 3.995, v ≥ 0.9988 after rounding: z = 3 (4/4);
    # (1 + y)/(4 + y) ≥ 0.99875 ⇔ 0.00125 y ≥ 2.995 ⇔ y ≥ 2396. One more failing case: 1/5, 0.80 points.
    proportional = Rule(rules.PROPORTIONAL)
    explained = explanations.explain_count("dvc.vneid_rate", proportional, D(4), 2026, 1, 4, D("0.25"), D(1))
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (1, 2396, 3)
    assert explained.explanation == (
        "Đạt 25,00% (1/4 hồ sơ xác thực VNeID); được 1,00/4,00 điểm. Mức 4,00 điểm cần ≥ 100,00%: thiếu 3 "
        "hồ sơ xác thực VNeID. Thêm 1 hồ sơ chưa xác thực VNeID sẽ còn 0,80 điểm."
    )


def test_other_leaf_kinds_of_10_3():
    within = explanations.explain_within_quota(38, 40, D(1), D(1))
    assert within == (
        "Có 38 công chức/40 biên chế được giao; được 1,00/1,00 điểm. Thêm 3 công chức sẽ vượt biên chế.",
        3,
        None,
        None,
    )
    over = explanations.explain_within_quota(1043, 1040, D(0), D(1))
    assert over == (
        "Có 1.043 công chức/1.040 biên chế được giao; được 0,00/1,00 điểm. Vượt 3 người.",
        None,
        None,
        3,
    )
    assert explanations.explain_discipline(0, D(1), D(1)) == (
        "0 quyết định kỷ luật trong kỳ; được 1,00/1,00 điểm. Một quyết định kỷ luật sẽ mất 1,00 điểm.",
        1,
        None,
        None,
    )
    assert explanations.explain_discipline(2, D(0), D(1)) == (
        "2 quyết định kỷ luật trong kỳ; được 0,00/1,00 điểm.",
        None,
        None,
        None,
    )
    satisfaction = explanations.explain_satisfaction(
        Rule(rules.LINEAR_CAPPED, target=D("0.90")), D("0.8000"), D("0.0700"), D(8), D(9), 2026
    )
    assert satisfaction == (
        "Đạt 80,00% (hồ sơ không bị phản ánh hay đánh giá không hài lòng, trừ tỷ lệ trễ hạn 7,00%); được "
        "8,00/9,00 điểm (đủ điểm từ 90,00%).",
        None,
        None,
        None,
    )


def test_reduction_on_a_pro_rata_target():
    """§9.3's example, 250 → 249 công chức in 2026 (0.96 of 2): z = further reductions to 2.00 points, x =
    more staff that lower the score."""
    rule = Rule(rules.LINEAR_CAPPED, pro_rata=rules.ProRata(D("0.05"), 2025, 2031))
    explained = explanations.explain_reduction(
        "hr.civil_servant_reduction", rule, D(2), 2026, 250, 1, D("0.96")
    )
    # Full points need v ≥ 0.05/6 = 0.008333…: (2 × v × 6) ÷ 0.05 ≥ 1.995 ⇔ v ≥ 0.0083125, i.e. round4 ≥
    # 0.0084 (0.0083 gives 1.992 → 1.99): 3 reduced of 250 = 0.0120 yes, 2 = 0.0080 gives 1.92. z = 2 more.
    # One more person: 250 → 0 reduced, v = 0, score 0: x = 1.
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (1, None, 2)
    assert explained.explanation == (
        "Giảm 1/250 công chức so với 31/12/2025 (0,40%); chỉ tiêu năm 2026: 0,83%; được 0,96/2,00 điểm. "
        "Giảm thêm 2 người để đủ điểm. Tăng thêm 1 người sẽ còn 0,00 điểm."
    )
    full = explanations.explain_reduction("hr.civil_servant_reduction", rule, D(2), 2026, 40, 1, D(2))
    # 40 → 39 (2.00): one more person makes 40 again, v = 0, score 0: x = 1; nothing to fix at the maximum.
    assert (full.risk_down, full.fix_up) == (1, None)


def test_document_requirement_leaves_are_not_explained_yet():
    reading = MetricReading(1, 1, D(1))
    assert (
        explanations.explain_leaf("qlvb.plan_on_time", Rule(rules.BINARY), D(1), 2026, reading, D(1))
        == explanations.NONE
    )


# ---- the numbers against a brute-force reading of §10.2 ----

STEP_BANDS = st.lists(
    st.tuples(st.integers(500, 10000), st.integers(1, 4)), min_size=1, max_size=4, unique_by=lambda b: b[0]
)


@st.composite
def count_leaves(draw):
    """(rule, m in whole points, thresholds as ten-thousandths, k, n) for a count-metric leaf."""
    kind = draw(st.sampled_from([rules.STEP, rules.ALL_OR_NOTHING, rules.LINEAR_CAPPED, rules.PROPORTIONAL]))
    n = draw(st.integers(1, 400))
    k = draw(st.integers(0, n))
    if kind == rules.STEP:
        raw = sorted(draw(STEP_BANDS), reverse=True)
        # points non-increasing with the threshold, at most m
        bands, points = [], 99
        for threshold, p in raw:
            points = min(points, p)
            bands.append((threshold, points))
        m = max(p for _, p in bands)
        rule = Rule(rules.STEP, bands=tuple((D(t) / 10000, D(p)) for t, p in bands))
        return rule, m, bands, k, n
    m = draw(st.integers(1, 20))
    if kind == rules.LINEAR_CAPPED:
        target = draw(st.integers(1000, 10000))
        return Rule(rules.LINEAR_CAPPED, target=D(target) / 10000), m, target, k, n
    return Rule(kind), m, None, k, n


def _value(k: int, n: int) -> int:
    """round4(k/n) half-up, in ten-thousandths."""
    return (20000 * k + n) // (2 * n)


def _cents(x: Fraction) -> int:
    """Half-up to 2 decimals, in hundredths."""
    return int((x * 100 + Fraction(1, 2)) // 1)


def brute_score(rule: Rule, m: int, parameter, k: int, n: int) -> int:
    """f(k, n) in hundredths of a point, from §5/§9 directly."""
    v = _value(k, n)
    if rule.name == rules.STEP:
        return next((100 * p for t, p in parameter if v >= t), 0)
    if rule.name == rules.ALL_OR_NOTHING:
        return 100 * m if v == 10000 else 0
    if rule.name == rules.PROPORTIONAL:
        return _cents(min(Fraction(m), Fraction(m * v, 10000)))
    return _cents(min(Fraction(m), Fraction(m * v, parameter)))


def brute_next(rule: Rule, m: int, parameter, k: int, n: int) -> int | None:
    """s⁺ in hundredths: m, or for step the points of the lowest band not reached that gives more than
    the current score (bands of equal points count as one score)."""
    if rule.name != rules.STEP:
        return 100 * m
    v, s = _value(k, n), brute_score(rule, m, parameter, k, n)
    higher = [(t, 100 * p) for t, p in parameter if t > v and 100 * p > s]
    return min(higher)[1] if higher else None


LINEAR_LIMIT = 20_000  # beyond it the brute force checks the boundary of the answer instead


def brute_numbers(rule, m, parameter, k, n):
    def f(a, b):
        return brute_score(rule, m, parameter, a, b)

    s = f(k, n)
    s_next = brute_next(rule, m, parameter, k, n)
    x = None
    if s > 0:
        # past n + x = 20000 k + 1 the value is 0 for ever
        x = next((x for x in range(1, max(1, 20000 * k + 1 - n) + 1) if f(k, n + x) < s), None)
    y = z = "no"
    if s == 100 * m or s_next is None:
        y = z = None
    else:
        z = next((z for z in range(1, n - k + 1) if f(k + z, n) >= s_next), None)
        y = next((y for y in range(1, LINEAR_LIMIT + 1) if f(k + y, n + y) >= s_next), "beyond")
    return s, s_next, x, y, z


@settings(max_examples=300, deadline=None)
@given(count_leaves())
def test_numbers_match_the_definitions(leaf):
    rule, m, parameter, k, n = leaf
    s, s_next, x, y, z = brute_numbers(rule, m, parameter, k, n)
    v = rules.round_value(k, n)
    score = rules.apply_rule(rule, v, D(m))
    assert score * 100 == s
    explained = explanations.explain_count("dvc.online_rate", rule, D(m), 2026, k, n, v, score)
    assert explained.risk_down == x
    assert explained.fix_up == z
    if y != "beyond":
        assert explained.gain_up == y
    elif explained.gain_up is not None:
        # Larger than the linear search went: it reaches s⁺ and one fewer does not.
        y = explained.gain_up
        assert y > LINEAR_LIMIT and y <= explanations.GAIN_UP_LIMIT
        f = brute_score
        assert f(rule, m, parameter, k + y, n + y) >= s_next > f(rule, m, parameter, k + y - 1, n + y - 1)
    else:
        assert brute_score(rule, m, parameter, k + 1_000_000, n + 1_000_000) < s_next


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


@settings(max_examples=300, deadline=None)
@given(count_leaves().filter(lambda leaf: leaf[0].name in (rules.STEP, rules.ALL_OR_NOTHING)))
def test_numbers_agree_with_the_closed_forms_of_10_2(leaf):
    rule, m, parameter, k, n = leaf
    v = rules.round_value(k, n)
    score = rules.apply_rule(rule, v, D(m))
    explained = explanations.explain_count("dvc.online_rate", rule, D(m), 2026, k, n, v, score)
    bands = parameter if rule.name == rules.STEP else [(10000, m)]
    s = 100 * next((p for t, p in bands if _value(k, n) >= t), 0)
    if s > 0:
        # The score stays at least s while v reaches the lowest threshold of a band giving at least s.
        t = min(t for t, p in bands if 100 * p >= s)
        assert explained.risk_down == (20000 * k) // (2 * t - 1) + 1 - n
    higher = [(t, p) for t, p in bands if _value(k, n) < t and 100 * p > s]
    if higher:
        t = min(higher)[0]  # the threshold of the next score
        z = max(1, _ceil((2 * t - 1) * n - 20000 * k, 20000))
        assert explained.fix_up == (z if z <= n - k else None)
        y = max(1, _ceil((2 * t - 1) * n - 20000 * k, 20001 - 2 * t))
        assert explained.gain_up == (y if y <= explanations.GAIN_UP_LIMIT else None)


@pytest.mark.parametrize(("k", "n"), [(146, 147), (190, 200), (0, 1), (9, 10)])
def test_the_7_1_numbers_for_a_few_counts_agree_with_brute_force(k, n):
    rule = Rule(rules.STEP, bands=E_DOCUMENT_BANDS)
    bands = [(10000, 2), (9000, 1)]
    v = rules.round_value(k, n)
    explained = explanations.explain_count(
        "qlvb.e_document_rate", rule, D(2), 2026, k, n, v, rules.apply_rule(rule, v, D(2))
    )
    _, _, x, y, z = brute_numbers(rule, 2, bands, k, n)
    assert (explained.risk_down, explained.fix_up) == (x, z)
    if y != "beyond":
        assert explained.gain_up == y


# ---- document requirements (§10.3, §10.4), ready for §7's item rows ----


def test_document_requirement_worked_example_1_3():
    """§10.4's example: 1.3, m = 2, proportional, on 20/07/2026. 1 of 2 decided items on time: 1.00; if both
    pending reports end missing, 1/4 gives 0.50, so 0.50 is at risk."""
    from datetime import date

    items = [
        explanations.RequirementItem(
            "Báo cáo quý I", rules.ON_TIME, date(2026, 3, 16), date(2026, 3, 13), -3
        ),
        explanations.RequirementItem("Báo cáo 6 tháng", rules.LATE, date(2026, 6, 16), date(2026, 6, 19), 3),
        explanations.RequirementItem("Báo cáo quý III", rules.PENDING, date(2026, 9, 16)),
        explanations.RequirementItem("Báo cáo năm", rules.PENDING, date(2026, 12, 16)),
    ]
    explained = explanations.explain_document_requirement(
        "Báo cáo CCHC định kỳ", items, Rule(rules.PROPORTIONAL), D(2), D(1), 2026, date(2026, 7, 20)
    )
    assert explained.explanation == (
        "Báo cáo CCHC định kỳ: 1/2 văn bản ban hành đúng hạn; được 1,00/2,00 điểm. "
        "Báo cáo quý I: đúng hạn (13/03/2026); Báo cáo 6 tháng: trễ 3 ngày (19/06/2026, hạn 16/06/2026); "
        "Báo cáo quý III: chưa đến hạn (hạn 16/09/2026); Báo cáo năm: chưa đến hạn (hạn 16/12/2026). "
        "Nếu 2 văn bản chưa đến hạn không được ban hành đúng hạn, mất 0,50 điểm."
    )
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (2, None, None)


def test_document_requirement_with_deadline_bands():
    """7.6 (m = 2, [(0, 1), (30, 0.5)], deadline 31/12/2025). Issued 14/01: L = 14, c = 0.5, score 1.00
    (§9.2). Still missing on 20/01: issuing that day is 20 days late, earns 50 %, and does so for
    30 − 20 + 1 = 11 days, 20/01 included."""
    from datetime import date

    rule = Rule(rules.DEADLINE, deadline_bands=((0, D(1)), (30, D("0.5"))))
    deadline = date(2025, 12, 31)
    late = explanations.RequirementItem(
        "Kế hoạch chuyển đổi số năm 2026", rules.LATE, deadline, date(2026, 1, 14), 14
    )
    explained = explanations.explain_document_requirement(
        "Kế hoạch chuyển đổi số", [late], rule, D(2), D("1.00"), 2026, date(2026, 3, 1)
    )
    assert explained.explanation == (
        "Kế hoạch chuyển đổi số: 0/1 văn bản ban hành đúng hạn; được 1,00/2,00 điểm. Kế hoạch chuyển đổi số "
        "năm 2026: trễ 14 ngày (14/01/2026, hạn 31/12/2025), được 50,00% số điểm."
    )
    assert (explained.risk_down, explained.gain_up) == (0, 0)
    missing = explanations.RequirementItem("Kế hoạch chuyển đổi số năm 2026", rules.MISSING, deadline)
    explained = explanations.explain_document_requirement(
        "Kế hoạch chuyển đổi số", [missing], rule, D(2), D(0), 2026, date(2026, 1, 20)
    )
    assert explained.explanation == (
        "Kế hoạch chuyển đổi số: 0/1 văn bản ban hành đúng hạn; được 0,00/2,00 điểm. Kế hoạch chuyển đổi số "
        "năm 2026: chưa ban hành (hạn 31/12/2025); ban hành ngày 20/01/2026 được 50,00% số điểm, còn 11 ngày "
        "trước khi giảm mức."
    )
    assert (explained.risk_down, explained.gain_up) == (0, 1)


def test_document_requirement_late_in_working_days():
    """days: working. Deadline Wed 31/12/2025, issued Mon 05/01/2026: 01/01 is a holiday, 02/01 a Friday,
    03–04/01 a weekend, 05/01 a Monday: 2 working days late (4 calendar), within the 5-day band."""
    from datetime import date

    rule = Rule(rules.DEADLINE, deadline_bands=((0, D(1)), (5, D("0.5"))), days=rules.WORKING_DAYS)
    late = explanations.RequirementItem("Quyết định", rules.LATE, date(2025, 12, 31), date(2026, 1, 5), 5)
    explained = explanations.explain_document_requirement(
        "Công khai dự toán",
        [late],
        rule,
        D(2),
        D(1),
        2026,
        date(2026, 2, 1),
        lambda day: day.weekday() < 5 and day != date(2026, 1, 1),
    )
    assert explained.explanation.endswith(
        "Quyết định: trễ 2 ngày (05/01/2026, hạn 31/12/2025), được 50,00% số điểm."
    )
