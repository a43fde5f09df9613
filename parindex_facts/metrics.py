"""The metric catalogue: every metric code of contracts/metrics.md §1-4, its kind and its drill-down view.

This is the one place a metric is declared. The warehouse computes every metric listed here (its source's
agencies-with-data rule in `warehouse/metric_sources.py`), the quality suite of `marts.metric_value` bounds
its values by kind, and a catalogue of `scoring/` may bind any code listed here and no other.

To add a metric: add its `Metric(code, kind)` line to `METRICS` below (with `monthly=True` when the
officer's report draws its monthly trend), and write its drill-down view as the SQL model
`warehouse/models/dd_<code with dots replaced by _>.sql` (tests/parindex_facts checks that each metric
has its view and each drill-down view its metric).
"""

from __future__ import annotations

from typing import NamedTuple

# The kinds of metric: how the warehouse turns a drill-down view's rows into numerator, denominator and
# value (warehouse.metric_values.metric_counts).
COUNT = "count"  # the rows in_numerator, over 1
RATE = "rate"  # rows in_numerator over all rows
SATISFACTION = "satisfaction"  # a rate minus the late share of dvc.on_time_rate, floored at 0
REDUCTION = "reduction"  # baseline rows (in_numerator) minus current rows, over the baseline rows
FLAG = "flag"  # 1 when any row of the view is in_numerator, else 0, over 1: the view lists the candidates
# The view's MEASURE_COLUMN (minutes) summed over its rows as numerator, the rows as denominator; value =
# numerator ÷ denominator ÷ 1440, in days (dvc.avg_processing_days, metrics.md §11.1).
MEAN_DAYS = "mean_days"
# A rate over the rows marked in_denominator: the items of a document requirement, of which the pending and
# unverifiable ones are rows of the view but leave the denominator (metrics.md §7.4).
ITEMS = "items"
MEASURE_COLUMN = "processing_minutes"
MINUTES_PER_DAY = 1440

# Kinds whose value lies in [0, 1] with 0 ≤ numerator ≤ denominator.
SHARE_KINDS = frozenset({RATE, SATISFACTION, FLAG})


class Metric(NamedTuple):
    code: str  # metrics.md code: `<source>.<name>`
    kind: str  # one of the kinds above
    # Also computed per calendar month up to as_of (the trends of the agency page, issue 14).
    monthly: bool = False

    @property
    def view(self) -> str:
        """The drill-down view, schema-qualified (metrics.md §0)."""
        return drilldown_view(self.code)


def source_of(metric_code: str) -> str:
    """`dvc` for `dvc.on_time_rate`."""
    return metric_code.partition(".")[0]


def drilldown_view(metric_code: str) -> str:
    """metrics.md §0: `marts.dd_<metric code with dots replaced by _>`."""
    return "marts.dd_" + metric_code.replace(".", "_")


METRICS: tuple[Metric, ...] = (
    # DVC, metrics.md §1
    Metric("dvc.received", COUNT),
    Metric("dvc.on_time_rate", RATE, monthly=True),
    Metric("dvc.no_due_date", COUNT),
    Metric("dvc.apology_rate", RATE),
    Metric("dvc.online_rate", RATE, monthly=True),
    Metric("dvc.online_payment_rate", RATE),
    Metric("dvc.digitised_rate", RATE, monthly=True),
    Metric("dvc.e_result_rate", RATE),
    Metric("dvc.satisfaction_rate", SATISFACTION),
    Metric("dvc.pakn_on_time_rate", RATE),
    # DVC, Decision 766 as the national portal scores it, metrics.md §11.1
    Metric("dvc.progress_rate", RATE),
    Metric("dvc.avg_processing_days", MEAN_DAYS),
    Metric("dvc.online_procedure_rate", RATE),
    Metric("dvc.online_service_use_rate", RATE),
    Metric("dvc.full_online_share", RATE),
    Metric("dvc.e_result_paper_rate", RATE),
    Metric("dvc.digitised_complete_rate", RATE),
    Metric("dvc.reuse_rate", RATE),
    Metric("dvc.national_store_rate", RATE),
    Metric("dvc.vneid_rate", RATE),
    Metric("dvc.pakn_deadlines_rate", RATE),
    Metric("dvc.pakn_satisfaction_rate", RATE),
    Metric("dvc.fee_procedure_paid_online_rate", RATE),
    Metric("dvc.fee_procedure_online_rate", RATE),
    # QLVB, metrics.md §2
    Metric("qlvb.e_document_rate", RATE, monthly=True),
    Metric("qlvb.signed_rate", RATE, monthly=True),
    Metric("qlvb.handling_on_time_rate", RATE, monthly=True),
    Metric("qlvb.plan_on_time", FLAG),
    Metric("qlvb.inspection_coverage", RATE),
    # E-CABINET, metrics.md §3
    Metric("ecabinet.paperless_rate", RATE, monthly=True),
    Metric("ecabinet.poll_response_rate", RATE),
    Metric("ecabinet.task_on_time_rate", RATE),
    # HR, metrics.md §4
    Metric("hr.civil_servants", COUNT),
    Metric("hr.within_quota", RATE),
    Metric("hr.training_rate", RATE),
    Metric("hr.discipline_cases", COUNT),
    Metric("hr.civil_servant_reduction", REDUCTION),
    # HR criteria, metrics.md §8
    Metric("hr.leaders_within_limit", RATE),
    Metric("hr.job_position_rate", RATE),
    Metric("hr.rating_on_time_rate", RATE),
    Metric("hr.rating_good_rate", RATE),
    # A rate of one row: the view has a row only when a công chức of M is rated (denominator 1, else 0).
    Metric("hr.excellent_within_cap", RATE),
    Metric("hr.public_employees", COUNT),
    Metric("hr.public_employee_reduction", REDUCTION),
)

# The inspection coverage of metrics.md §7.7, whose inspection documents the document requirements match.
INSPECTION_COVERAGE = "qlvb.inspection_coverage"
KNOWN_METRICS = frozenset(metric.code for metric in METRICS)
MONTHLY_METRICS = frozenset(metric.code for metric in METRICS if metric.monthly)
# The timeliness metric whose late share dvc.satisfaction_rate subtracts (metrics.md §1).
TIMELINESS = "dvc.on_time_rate"


def metrics_of(source: str) -> tuple[Metric, ...]:
    """The metrics of a source system, in catalogue order."""
    return tuple(m for m in METRICS if source_of(m.code) == source)


def codes_of_kinds(kinds: frozenset[str]) -> tuple[str, ...]:
    """The codes of every metric of these kinds, in catalogue order."""
    return tuple(m.code for m in METRICS if m.kind in kinds)
