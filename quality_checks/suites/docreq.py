"""Suites of the document requirements (metrics.md §7): blocking, since `qlvb.<id>_on_time` and `_issued`
count the item rows and the leaves of 1.2.1 … 7.6 read them. An item listed twice, an unknown status, a
decided item without its document or an undecided one with a document would give a wrong score.

The item rows follow the requirements last declared (`warehouse.docreq.prepare` writes them when the year's
metrics are computed), so a run checks what its previous computation left and the tests check each one."""

from __future__ import annotations

from quality_checks.suite import Suite, Where
from quality_checks.suites.codes import AGENCY_CODE
from quality_checks.suites.expect import (
    between,
    blocking_suite,
    in_set,
    is_null,
    matches,
    not_null,
    unique_together,
)

STATUSES = ("on_time", "late", "pending", "unverifiable", "missing")
_DECIDED = Where("status", "in", ("on_time", "late"))
_UNDECIDED = Where("status", "in", ("pending", "unverifiable", "missing"))

ITEM = blocking_suite(
    "marts.dd_qlvb_docreq_item",
    ("agency_code", "period_start", "period_end", "requirement_id", "item_code"),
    "Văn bản phải ban hành: mỗi mục một dòng, trạng thái hợp lệ, có văn bản khi đã ban hành",
    (
        unique_together(("agency_code", "period_start", "period_end", "requirement_id", "item_code")),
        not_null("agency_code"),
        matches("agency_code", AGENCY_CODE),
        not_null("status"),
        in_set("status", STATUSES),
        not_null("document_key", where=_DECIDED),
        not_null("promulgation_date", where=_DECIDED),
        is_null("document_key", where=_UNDECIDED),
        # §7.3: on time is at most the deadline, late after it
        between("days_late", max_value=0, where=Where("status", "==", "on_time")),
        between("days_late", min_value=1, where=Where("status", "==", "late")),
        not_null("deadline_date", where=Where("status", "in", ("late", "pending"))),
        not_null("coverage_start", where=Where("status", "==", "unverifiable")),
    ),
)

SUITES: dict[str, Suite] = {ITEM.name: ITEM}
