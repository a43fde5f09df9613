"""Suite of `marts.metric_value` (metrics.md §0, interface.md §3–4): blocking, since scores read it."""

from __future__ import annotations

from parindex_facts.metrics import COUNT, MEAN_DAYS, SHARE_KINDS, codes_of_kinds
from quality_checks.suite import AnyOf, Suite, Where
from quality_checks.suites.codes import AGENCY_CODE, METRIC_CODE
from quality_checks.suites.expect import (
    at_least,
    between,
    blocking_suite,
    equal,
    in_set,
    is_null,
    matches,
    not_null,
    required,
    unique_together,
)

# numerator / denominator with 0 ≤ numerator ≤ denominator: rates, flags and dvc.satisfaction_rate (its
# value is the share minus the late share, floored at 0).
RATE_METRICS = codes_of_kinds(SHARE_KINDS)
# Counts have denominator 1 and value = numerator. A reduction (hr.civil_servant_reduction) is neither: it
# may be < 0.
COUNT_METRICS = codes_of_kinds(frozenset({COUNT}))
# A mean in days (metrics.md §11.1): minutes summed over the completed dossiers, never negative.
DAYS_METRICS = codes_of_kinds(frozenset({MEAN_DAYS}))

KEY = ("agency_code", "metric_code", "period_start", "period_end")
_RATE = Where("metric_code", "in", RATE_METRICS, name="metric_code is a rate")
_COUNT = Where("metric_code", "in", COUNT_METRICS, name="metric_code is a count")
_DAYS = Where("metric_code", "in", DAYS_METRICS, name="metric_code is a mean in days")

METRIC_VALUE = blocking_suite(
    "marts.metric_value",
    KEY,
    "Giá trị chỉ số: một dòng mỗi đơn vị, chỉ số và kỳ; tử số, mẫu số, giá trị nhất quán",
    (
        unique_together(KEY),
        not_null("agency_code"),
        matches("agency_code", AGENCY_CODE),
        not_null("metric_code"),
        matches("metric_code", METRIC_CODE),
        *required("year", "period_start", "period_end"),
        at_least("period_end", "period_start"),
        not_null("as_of"),
        # Undefined (no data) means all three empty; a zero denominator leaves only the value empty.
        is_null("numerator", where=Where("denominator", "is null")),
        not_null("numerator", where=Where("denominator", "is not null")),
        is_null("value", where=AnyOf((Where("denominator", "==", 0), Where("denominator", "is null")))),
        not_null("value", where=Where("denominator", ">", 0)),
        between("denominator", min_value=0),
        between("numerator", min_value=0, where=_RATE),
        at_least("denominator", "numerator", where=_RATE),
        between("value", min_value=0, max_value=1, where=_RATE),
        in_set("denominator", (1,), where=_COUNT),
        between("numerator", min_value=0, where=_COUNT),
        equal("value", "numerator", where=_COUNT),
        between("numerator", min_value=0, where=_DAYS),
        between("value", min_value=0, where=_DAYS),
        # metrics.md §8.1: the agency itself is always a unit checked; §8.2: the cap is one yes/no of 1 or 0.
        between("denominator", min_value=1, where=Where("metric_code", "==", "hr.leaders_within_limit")),
        between("denominator", max_value=1, where=Where("metric_code", "==", "hr.excellent_within_cap")),
    ),
)

SUITES: dict[str, Suite] = {METRIC_VALUE.name: METRIC_VALUE}
