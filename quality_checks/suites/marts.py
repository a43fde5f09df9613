"""Suite of `marts.metric_value` (metrics.md §0, interface.md §3–4): blocking, since scores read it."""

from __future__ import annotations

from quality_checks.suite import AnyOf, Suite, Where
from quality_checks.suites.codes import AGENCY_CODE, METRIC_CODE
from quality_checks.suites.expect import (
    at_least,
    between,
    equal,
    in_set,
    is_null,
    matches,
    not_null,
    unique_together,
)

# numerator / denominator with 0 ≤ numerator ≤ denominator. dvc.satisfaction_rate stays in [0, 1] too:
# its value is the share minus the late share, floored at 0.
RATE_METRICS = (
    "dvc.on_time_rate",
    "dvc.apology_rate",
    "dvc.online_rate",
    "dvc.online_payment_rate",
    "dvc.digitised_rate",
    "dvc.e_result_rate",
    "dvc.satisfaction_rate",
    "dvc.pakn_on_time_rate",
    "qlvb.e_document_rate",
    "qlvb.signed_rate",
    "qlvb.handling_on_time_rate",
    "qlvb.plan_on_time",
    "ecabinet.paperless_rate",
    "ecabinet.poll_response_rate",
    "ecabinet.task_on_time_rate",
    "hr.within_quota",
    "hr.training_rate",
    "hr.leaders_within_limit",
    "hr.job_position_rate",
    "hr.rating_on_time_rate",
    "hr.rating_good_rate",
    "hr.excellent_within_cap",
)
# Counts have denominator 1 and value = numerator. The reductions are neither: they may be < 0.
COUNT_METRICS = (
    "dvc.received",
    "dvc.no_due_date",
    "hr.civil_servants",
    "hr.discipline_cases",
    "hr.public_employees",
)

KEY = ("agency_code", "metric_code", "period_start", "period_end")
_RATE = Where("metric_code", "in", RATE_METRICS, name="metric_code is a rate")
_COUNT = Where("metric_code", "in", COUNT_METRICS, name="metric_code is a count")

METRIC_VALUE = Suite(
    name="marts.metric_value",
    table="marts.metric_value",
    key=KEY,
    blocking=True,
    description="Giá trị chỉ số: một dòng mỗi đơn vị, chỉ số và kỳ; tử số, mẫu số, giá trị nhất quán",
    expectations=(
        unique_together(KEY),
        not_null("agency_code"),
        matches("agency_code", AGENCY_CODE),
        not_null("metric_code"),
        matches("metric_code", METRIC_CODE),
        not_null("year"),
        not_null("period_start"),
        not_null("period_end"),
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
        # metrics.md §8.1: the agency itself is always a unit checked; §8.2: the cap is one yes/no of 1 or 0.
        between("denominator", min_value=1, where=Where("metric_code", "==", "hr.leaders_within_limit")),
        between("denominator", max_value=1, where=Where("metric_code", "==", "hr.excellent_within_cap")),
    ),
)

SUITES: dict[str, Suite] = {METRIC_VALUE.name: METRIC_VALUE}
