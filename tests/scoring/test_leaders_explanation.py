"""metrics.md §10.3, §10.4 and §13.5 for leaf 4.2 (`hr.leaders_within_limit`, all_or_nothing, m = 2): the
texts written out here from the templates, the numbers from their definitions over hand-made units."""

from decimal import Decimal as D

from scoring import rules
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
