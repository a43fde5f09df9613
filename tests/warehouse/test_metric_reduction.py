"""The `reduction` kind of `metric_counts` (hr.civil_servant_reduction, metrics.md §4): the view lists the
baseline's records (in_numerator) and the current ones; numerator = baseline − current."""

from decimal import Decimal

from parindex_facts.metrics import REDUCTION, Metric
from warehouse.metric_values import Counts, metric_counts

METRIC = Metric("hr.civil_servant_reduction", REDUCTION)
NO_TIMELINESS = Counts(0, 0)


def test_fewer_civil_servants_than_at_the_baseline():
    # 20 baseline rows and 19 current rows: 39 rows, 20 in_numerator; (20 − 19) / 20 = 0.05.
    assert metric_counts(METRIC, Counts(39, 20), NO_TIMELINESS) == (1, 20, Decimal("0.0500"))


def test_staff_growth_is_negative_and_rounds_half_up_away_from_zero():
    # 8 baseline, 11 current: (8 − 11) / 8 = −0.375 exactly; 3 baseline, 4 current: −1/3 → −0.3333.
    assert metric_counts(METRIC, Counts(19, 8), NO_TIMELINESS) == (-3, 8, Decimal("-0.3750"))
    assert metric_counts(METRIC, Counts(7, 3), NO_TIMELINESS) == (-1, 3, Decimal("-0.3333"))


def test_an_empty_baseline_leaves_the_value_undefined():
    # No civil servant at the baseline, 2 now: numerator −2, denominator 0, no value.
    assert metric_counts(METRIC, Counts(2, 0), NO_TIMELINESS) == (-2, 0, None)
