"""metrics.md §10.3, §10.4 and §13.5 for the HR criteria of §8: leaf 4.2 (`hr.leaders_within_limit`,
all_or_nothing, m = 2) over hand-made units, 5.1 with the §10.5 nouns, and §8.3's alternative binding of
`hr.public_employee_reduction`; texts written out here from the templates, numbers from their definitions."""

from decimal import Decimal as D

from scoring import explanations, rules
from scoring.explanations import LeaderUnit, LeafFacts, explain_leaf

ALL_OR_NOTHING = rules.Rule(rules.ALL_OR_NOTHING)


def _explain(units, k, n):
    s = D("2.00") if k == n else D("0.00")
    reading = rules.MetricReading(k, n, rules.round_value(k, n))
    return explain_leaf(
        "hr.leaders_within_limit", ALL_OR_NOTHING, D(2), 2026, reading, s, LeafFacts(units=units)
    )


def test_passing_names_the_unit_closest_to_its_limit():
    """x = min over units of (limit − deputies + 1): the agency has 3 − 2 + 1 = 2, Phòng B and Phòng A
    1 each; the tie goes to the label first in code-point order (§13.5)."""
    units = (
        LeaderUnit("Sở Nội vụ", 2, 3),
        LeaderUnit("Phòng B", 2, 2),
        LeaderUnit("Phòng A", 1, 1),
        LeaderUnit("Trung tâm C", 0, 2),
    )
    explained = _explain(units, 4, 4)
    assert explained.explanation == (
        "4/4 đơn vị bố trí cấp phó đúng quy định; được 2,00/2,00 điểm. "
        "Bổ nhiệm thêm 1 cấp phó tại Phòng A sẽ vượt quy định."
    )
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (1, None, None)


def test_failing_lists_the_units_over_the_limit_most_over_first():
    """z = Σ max(0, deputies − limit) = 1 + 1 + 2 + 0 = 4; Phòng Y (2 over) before Phòng X and Sở Nội vụ
    (1 over each, by label)."""
    units = (
        LeaderUnit("Sở Nội vụ", 4, 3),
        LeaderUnit("Phòng X", 3, 2),
        LeaderUnit("Phòng Y", 3, 1),
        LeaderUnit("Phòng Z", 1, 1),
    )
    explained = _explain(units, 1, 4)
    assert explained.explanation == (
        "1/4 đơn vị bố trí cấp phó đúng quy định; được 0,00/2,00 điểm. "
        "Phòng Y: 3 cấp phó, tối đa 1; Phòng X: 3 cấp phó, tối đa 2; Sở Nội vụ: 4 cấp phó, tối đa 3; "
        "Cần giảm 4 cấp phó."
    )
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (None, None, 4)


def test_an_exempt_agency_has_nothing_over_and_nothing_at_risk():
    """exempt_until (§8.1): every unit counts as within, and more deputies change nothing."""
    units = (LeaderUnit("Sở Y tế", 5, 3, exempt=True), LeaderUnit("Phòng X", 4, 2, exempt=True))
    explained = _explain(units, 2, 2)
    assert explained.explanation == "2/2 đơn vị bố trí cấp phó đúng quy định; được 2,00/2,00 điểm."
    assert (explained.risk_down, explained.fix_up) == (None, None)


def test_job_positions_take_the_nouns_of_section_10_5():
    """5.1, step [(1.00, 2), (0.90, 1)], 45/47: v = 0.9574, s = 1, s⁺ = 2. z = 2 (47/47 = 100 %); x: 45/50 =
    0.9000 still reaches 0.90, 45/51 = 0.8824 does not, so x = 4; y by §10.2's closed form with T = 10000:
    ⌈(19999 × 47 − 20000 × 45) ÷ (20001 − 20000)⌉ = 939953 − 900000 = 39953."""
    rule = rules.Rule(rules.STEP, bands=((D("1.00"), D(2)), (D("0.90"), D(1))))
    reading = rules.MetricReading(45, 47, rules.round_value(45, 47))
    explained = explain_leaf("hr.job_position_rate", rule, D(2), 2026, reading, D("1.00"))
    assert explained.explanation == (
        "Đạt 95,74% (45/47 người có vị trí việc làm); được 1,00/2,00 điểm (mức ≥ 90,00%). Mức 2,00 điểm cần "
        "≥ 100,00%: thiếu 2 người có vị trí việc làm. Thêm 4 người chưa có vị trí việc làm sẽ còn 0,00 điểm."
    )
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (4, 39953, 2)


def test_public_employee_reduction_on_the_alternative_binding():
    """§8.3's alternative: 4.4.2 of 1 point, pro_rata {total: 0.10, from: 2025, to: 2031}, Y = 2026; 40 → 38
    viên chức: v = 0.0500, (1 × 0.05 × 6) ÷ (0.10 × 1) = 3 → 1.00 (capped); target 0.10/6 = 1,67 %. Two more
    people bring 40 again: v = 0, score 0 (one more: v = 0.025, still 1.00), so x = 2."""
    rule = rules.Rule(rules.LINEAR_CAPPED, pro_rata=rules.ProRata(D("0.10"), 2025, 2031))
    explained = explanations.explain_reduction(
        "hr.public_employee_reduction", rule, D(1), 2026, 40, 2, D("1.00")
    )
    assert explained.explanation == (
        "Giảm 2/40 viên chức so với 31/12/2025 (5,00%); chỉ tiêu năm 2026: 1,67%; được 1,00/1,00 điểm. "
        "Tăng thêm 2 người sẽ còn 0,00 điểm."
    )
    assert (explained.risk_down, explained.gain_up, explained.fix_up) == (2, None, None)
