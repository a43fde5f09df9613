"""The `flag` kind of `metric_counts` (qlvb.plan_on_time, metrics.md §2): the view lists candidate records;
the metric is 1 over 1 when any of them is in_numerator, else 0 over 1."""

from decimal import Decimal

from parindex_facts.metrics import FLAG, Metric
from warehouse.metric_values import Counts, metric_counts

METRIC = Metric("qlvb.plan_on_time", FLAG)
NO_TIMELINESS = Counts(0, 0)


def test_one_candidate_in_time_among_several_gives_one():
    # 3 candidate plans, 2 issued by the deadline: still 1 / 1, not 2.
    assert metric_counts(METRIC, Counts(3, 2), NO_TIMELINESS) == (1, 1, Decimal("1.0000"))


def test_late_candidates_or_none_give_zero():
    assert metric_counts(METRIC, Counts(2, 0), NO_TIMELINESS) == (0, 1, Decimal("0.0000"))
    assert metric_counts(METRIC, Counts(0, 0), NO_TIMELINESS) == (0, 1, Decimal("0.0000"))
