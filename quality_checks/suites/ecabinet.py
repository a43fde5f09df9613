"""Suites of the E-CABINET tables (sources.md §4, metrics.md §3).

Staging and marts suites are blocking: the three E-CABINET metrics read them, so a duplicated key, an
unknown status, a paperless flag that contradicts its documents or an answer without its time would give a
wrong rate. Raw suites only warn: a fault in raw shows up again in staging or quarantine.
"""

from __future__ import annotations

from quality_checks.suite import Suite, Where
from quality_checks.suites.codes import AGENCY_CODE
from quality_checks.suites.expect import (
    at_least,
    blocking_suite,
    identifier,
    in_set,
    is_null,
    not_null,
    required,
    required_in,
    required_match,
    unique,
    unique_together,
)
from quality_checks.suites.raw import raw_suite

RAW_TABLES = ("raw.ecabinet__cuoc_hop", "raw.ecabinet__phieu_lay_y_kien", "raw.ecabinet__nhiem_vu")

MEETING_KINDS = ("thường kỳ", "chuyên đề", "bất thường", "giao ban")
MEETING_FORMATS = ("trực tiếp", "trực tuyến", "kết hợp")
MEETING_STATUSES = ("dự kiến", "đã duyệt", "đang họp", "đã kết thúc", "đã hủy")
POLL_STATUSES = ("đang lấy ý kiến", "đã kết thúc", "đã hủy")
NO_ANSWER = "chưa trả lời"
ANSWERS = ("đồng ý", "không đồng ý", "ý kiến khác")
TASK_SOURCES = ("cuộc họp", "phiếu lấy ý kiến", "khác")
TASK_STATUSES = ("chưa thực hiện", "đang thực hiện", "hoàn thành", "đã hủy")
TASK_DONE = "hoàn thành"
TASK_NOT_DONE = tuple(s for s in TASK_STATUSES if s != TASK_DONE)


MEETING = blocking_suite(
    "staging.stg_ecabinet__meeting",
    ("meeting_code",),
    "Cuộc họp: mã, thời gian, trạng thái, cờ không giấy khớp với tài liệu (Q19)",
    (
        *identifier("meeting_code"),
        not_null("starts_at"),
        *required_in("status", MEETING_STATUSES),
        in_set("kind", MEETING_KINDS),
        in_set("meeting_format", MEETING_FORMATS),
        *required("reported_paperless", "is_paperless", "detail_fetched"),
        # Q19: the documents win; a meeting with a paper document is never paperless.
        in_set("is_paperless", (False,), where=Where("paper_document_count", ">", 0)),
        not_null("document_count", where=Where("detail_fetched", "==", True)),
        at_least("document_count", "paper_document_count"),
    ),
)

POLL = blocking_suite(
    "staging.stg_ecabinet__poll",
    ("poll_code",),
    "Phiếu lấy ý kiến: mã, ngày gửi, hạn trả lời, trạng thái",
    (
        *identifier("poll_code"),
        *required("sent_at", "answer_due_at"),
        *required_in("status", POLL_STATUSES),
    ),
)

POLL_MEMBER = blocking_suite(
    "staging.stg_ecabinet__poll_member",
    ("_parent_key", "member_id"),
    "Thành viên được lấy ý kiến: lựa chọn, thời điểm trả lời có đúng khi và chỉ khi đã trả lời",
    (
        unique_together(("_parent_key", "member_id")),
        not_null("member_id"),
        *required_in("choice", (*ANSWERS, NO_ANSWER)),
        not_null("answered_at", where=Where("choice", "in", ANSWERS, name="choice is an answer")),
        is_null("answered_at", where=Where("choice", "==", NO_ANSWER)),
        not_null("is_signed"),
        in_set("is_signed", (False,), where=Where("choice", "==", NO_ANSWER)),
    ),
)

TASK = blocking_suite(
    "staging.stg_ecabinet__task",
    ("task_code",),
    "Nhiệm vụ: đơn vị chủ trì, ngày giao, ngày hoàn thành có khi và chỉ khi đã hoàn thành",
    (
        *identifier("task_code"),
        *required_match("agency_code", AGENCY_CODE),
        not_null("assigned_on"),
        *required_in("status", TASK_STATUSES),
        in_set("source_kind", TASK_SOURCES),
        not_null("completed_on", where=Where("status", "==", TASK_DONE)),
        is_null("completed_on", where=Where("status", "in", TASK_NOT_DONE, name="status is not done")),
    ),
)

FCT_MEETING = blocking_suite(
    "marts.fct_meeting",
    ("meeting_code",),
    "Cuộc họp trong marts: một dòng mỗi cuộc họp, thuộc đơn vị vận hành E-CABINET",
    (
        unique("meeting_code"),
        *required_match("agency_code", AGENCY_CODE),
        not_null("is_cancelled"),
    ),
)

FCT_POLL_ANSWER = blocking_suite(
    "marts.fct_poll_answer",
    ("poll_code", "member_id"),
    "Ý kiến thành viên trong marts: một dòng mỗi thành viên của mỗi phiếu",
    (
        unique_together(("poll_code", "member_id")),
        *required_match("agency_code", AGENCY_CODE),
        not_null("is_answered_on_time"),
        in_set("is_answered_on_time", (False,), where=Where("answered_at", "is null")),
    ),
)

FCT_TASK = blocking_suite(
    "marts.fct_task",
    ("task_code",),
    "Nhiệm vụ trong marts: một dòng mỗi nhiệm vụ; đúng hạn chỉ khi đã hoàn thành",
    (
        unique("task_code"),
        *required("agency_code", "is_on_time"),
        in_set("is_on_time", (False,), where=Where("completed_on", "is null")),
    ),
)

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        *(
            raw_suite(
                table,
                "ecabinet",
                "Bản ghi thô E-CABINET: khóa, phiên bản, nội dung JSON và thông tin lô tải đầy đủ",
                required=("_key", "_version"),
            )
            for table in RAW_TABLES
        ),
        MEETING,
        POLL,
        POLL_MEMBER,
        TASK,
        FCT_MEETING,
        FCT_POLL_ANSWER,
        FCT_TASK,
    )
}
