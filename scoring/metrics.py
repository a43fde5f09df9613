"""The metric codes of contracts/metrics.md §1-4 that a catalogue may bind, and the source behind each.

Scoring never imports the warehouse: this list is the contract's, and a catalogue naming any other code is
refused when it is loaded."""

from __future__ import annotations

import re

# Vietnamese: these names end up in the notes an officer reads on a missing criterion.
SOURCES = {
    "dvc": "DVC (hệ thống thông tin giải quyết TTHC một cửa)",
    "qlvb": "QLVB (hệ thống quản lý văn bản và điều hành)",
    "ecabinet": "E-CABINET (hệ thống phòng họp không giấy)",
    "hr": "HR (tệp xuất dữ liệu nhân sự)",
}

KNOWN_METRICS = frozenset(
    {
        "dvc.received",
        "dvc.on_time_rate",
        "dvc.no_due_date",
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
        "hr.civil_servants",
        "hr.within_quota",
        "hr.training_rate",
        "hr.discipline_cases",
        "hr.civil_servant_reduction",
        # metrics.md §8
        "hr.leaders_within_limit",
        "hr.job_position_rate",
        "hr.rating_on_time_rate",
        "hr.rating_good_rate",
        "hr.excellent_within_cap",
        "hr.public_employees",
        "hr.public_employee_reduction",
    }
)


_DOCUMENT_REQUIREMENT = re.compile(r"^qlvb\.[a-z0-9_]+_(?:on_time|issued)$")


def is_document_requirement_metric(metric_code: str | None) -> bool:
    """`qlvb.<id>_on_time` and `qlvb.<id>_issued` (metrics.md §7.4; `qlvb.plan_on_time` is one, §7.6)."""
    return metric_code is not None and _DOCUMENT_REQUIREMENT.match(metric_code) is not None


def source_of(metric_code: str) -> str:
    """`dvc` for `dvc.on_time_rate`."""
    return metric_code.partition(".")[0]


def drilldown_view(metric_code: str) -> str:
    """metrics.md §0: `marts.dd_<metric code with dots replaced by _>`."""
    return "marts.dd_" + metric_code.replace(".", "_")
