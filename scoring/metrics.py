"""What scoring knows of the metrics: the codes a catalogue may bind, the source systems by their names
for the officer, and which codes are document requirements (metrics.md §7.4).

Scoring never imports the warehouse: the codes are the catalogue of `parindex_facts.metrics`, and a
catalogue naming any other code is refused when it is loaded."""

from __future__ import annotations

import re

from parindex_facts.metrics import KNOWN_METRICS, drilldown_view, source_of

__all__ = [
    "KNOWN_METRICS",
    "SOURCES",
    "drilldown_view",
    "is_document_requirement_metric",
    "requirement_item_view",
    "source_of",
]

# Vietnamese: these names end up in the notes an officer reads on a missing criterion.
SOURCES = {
    "dvc": "DVC (hệ thống thông tin giải quyết TTHC một cửa)",
    "qlvb": "QLVB (hệ thống quản lý văn bản và điều hành)",
    "ecabinet": "E-CABINET (hệ thống phòng họp không giấy)",
    "hr": "HR (tệp xuất dữ liệu nhân sự)",
}

_DOCUMENT_REQUIREMENT = re.compile(r"^qlvb\.[a-z0-9_]+_(?:on_time|issued)$")


def is_document_requirement_metric(metric_code: str | None) -> bool:
    """`qlvb.<id>_on_time` and `qlvb.<id>_issued` (metrics.md §7.4; `qlvb.plan_on_time` is one, §7.6)."""
    return metric_code is not None and _DOCUMENT_REQUIREMENT.match(metric_code) is not None


def requirement_item_view(metric_code: str) -> str:
    """The item rows of a document requirement's metric (one per item, metrics.md §7.4): the `_issued`
    view, since `marts.dd_qlvb_plan_on_time` keeps the candidate grain of §2."""
    return drilldown_view(metric_code.removesuffix("_on_time").removesuffix("_issued") + "_issued")
