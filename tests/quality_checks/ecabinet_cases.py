"""Good rows and one broken row per expectation of the E-CABINET suites, as in cases.py."""

from __future__ import annotations

from datetime import date, datetime

from tests.quality_checks.cases import IN, NN, TS, Break, SuiteCase


def _raw_case(table: str) -> SuiteCase:
    good = [
        {
            "_key": "CH-2025-0142",
            "_version": datetime(2025, 10, 28, 16, 20, 5),
            "_record": '{"ma": "CH-2025-0142"}',
            "_batch_id": "b-1",
            "_extracted_at": datetime(2025, 10, 29, 1, 0),
            "_locator": "/ecabinet/api/cuoc-hop?offset=0&limit=200#0",
            "_source": "ecabinet",
        },
        {
            "_key": "CH-2025-0142",
            "_version": datetime(2025, 10, 30, 9, 0),
            "_record": '{"ma": "CH-2025-0142", "trangThai": "đã kết thúc"}',
            "_batch_id": "b-2",
            "_extracted_at": datetime(2025, 10, 31, 1, 0),
            "_locator": "/ecabinet/api/cuoc-hop?offset=0&limit=200#4",
            "_source": "ecabinet",
        },
    ]
    return SuiteCase(
        suite=table,
        dtypes={"_version": TS, "_extracted_at": TS},
        good=good,
        breaks=[
            Break(f"{NN}(_key)", "NULL", {"_key": None}),
            Break(f"{NN}(_version)", "K-VERSION", {"_key": "K-VERSION", "_version": None}),
            Break(f"{NN}(_record)", "K-RECORD", {"_key": "K-RECORD", "_record": None}),
            Break(
                "ExpectColumnValuesToBeJsonParseable(_record)",
                "K-JSON",
                {"_key": "K-JSON", "_record": '{"ma": "CH-20'},
            ),
            Break(f"{NN}(_batch_id)", "K-BATCH", {"_key": "K-BATCH", "_batch_id": None}),
            Break(f"{NN}(_extracted_at)", "K-EXTRACTED", {"_key": "K-EXTRACTED", "_extracted_at": None}),
            Break(f"{NN}(_locator)", "K-LOCATOR", {"_key": "K-LOCATOR", "_locator": None}),
            Break(f"{IN}(_source)", "K-SOURCE", {"_key": "K-SOURCE", "_source": "dvc"}),
        ],
    )


_MEETING = {
    "meeting_code": "CH-1",
    "starts_at": datetime(2025, 10, 28, 8),
    "status": "đã kết thúc",
    "kind": "thường kỳ",
    "meeting_format": "trực tiếp",
    "reported_paperless": True,
    "is_paperless": True,
    "detail_fetched": True,
    "document_count": 3,
    "paper_document_count": 0,
}

MEETING = SuiteCase(
    suite="staging.stg_ecabinet__meeting",
    dtypes={
        "starts_at": TS,
        "reported_paperless": "boolean",
        "is_paperless": "boolean",
        "detail_fetched": "boolean",
        "document_count": "Int32",
        "paper_document_count": "Int32",
    },
    good=[
        _MEETING,
        # Q19 normalised: flagged paperless, one paper document, staged as not paperless.
        {**_MEETING, "meeting_code": "CH-2", "is_paperless": False, "paper_document_count": 1},
        # Kept from the list after detail_missing: no counts.
        {
            **_MEETING,
            "meeting_code": "CH-3",
            "status": "đã hủy",
            "detail_fetched": False,
            "document_count": None,
            "paper_document_count": None,
        },
    ],
    breaks=[
        Break(f"{NN}(meeting_code)", "NULL", {"meeting_code": None}),
        Break("ExpectColumnValuesToBeUnique(meeting_code)", "CH-1", {}),
        Break(f"{NN}(starts_at)", "m-start", {"meeting_code": "m-start", "starts_at": None}),
        Break(f"{NN}(status)", "m-nostatus", {"meeting_code": "m-nostatus", "status": None}),
        Break(f"{IN}(status)", "m-status", {"meeting_code": "m-status", "status": "tạm hoãn"}),
        Break(f"{IN}(kind)", "m-kind", {"meeting_code": "m-kind", "kind": "đột xuất"}),
        Break(f"{IN}(meeting_format)", "m-format", {"meeting_code": "m-format", "meeting_format": "video"}),
        Break(
            f"{NN}(reported_paperless)",
            "m-reported",
            {"meeting_code": "m-reported", "reported_paperless": None},
        ),
        Break(f"{NN}(is_paperless)", "m-paperless", {"meeting_code": "m-paperless", "is_paperless": None}),
        Break(f"{NN}(detail_fetched)", "m-detail", {"meeting_code": "m-detail", "detail_fetched": None}),
        Break(
            f"{IN}(is_paperless) where paper_document_count > 0",
            "m-q19",
            {"meeting_code": "m-q19", "paper_document_count": 1, "document_count": 3},
        ),
        Break(
            f"{NN}(document_count) where detail_fetched == True",
            "m-count",
            {"meeting_code": "m-count", "document_count": None, "paper_document_count": None},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(document_count,paper_document_count)",
            "m-papers",
            {
                "meeting_code": "m-papers",
                "is_paperless": False,
                "document_count": 1,
                "paper_document_count": 2,
            },
        ),
    ],
)

POLL = SuiteCase(
    suite="staging.stg_ecabinet__poll",
    dtypes={"sent_at": TS, "answer_due_at": TS},
    good=[
        {
            "poll_code": "PLYK-1",
            "sent_at": datetime(2025, 5, 5, 8),
            "answer_due_at": datetime(2025, 5, 8, 17),
            "status": "đã kết thúc",
        },
        {
            "poll_code": "PLYK-2",
            "sent_at": datetime(2025, 6, 5, 8),
            "answer_due_at": datetime(2025, 6, 8, 17),
            "status": "đã hủy",
        },
    ],
    breaks=[
        Break(f"{NN}(poll_code)", "NULL", {"poll_code": None}),
        Break("ExpectColumnValuesToBeUnique(poll_code)", "PLYK-1", {}),
        Break(f"{NN}(sent_at)", "p-sent", {"poll_code": "p-sent", "sent_at": None}),
        Break(f"{NN}(answer_due_at)", "p-due", {"poll_code": "p-due", "answer_due_at": None}),
        Break(f"{NN}(status)", "p-nostatus", {"poll_code": "p-nostatus", "status": None}),
        Break(f"{IN}(status)", "p-status", {"poll_code": "p-status", "status": "nháp"}),
    ],
)

_MEMBER = {
    "_parent_key": "PLYK-1",
    "member_id": "TV-000001",
    "choice": "đồng ý",
    "answered_at": datetime(2025, 5, 6, 9),
    "is_signed": True,
}

POLL_MEMBER = SuiteCase(
    suite="staging.stg_ecabinet__poll_member",
    dtypes={"answered_at": TS, "is_signed": "boolean"},
    good=[
        _MEMBER,
        {
            **_MEMBER,
            "member_id": "TV-000002",
            "choice": "chưa trả lời",
            "answered_at": None,
            "is_signed": False,
        },
        # The same member in another poll.
        {**_MEMBER, "_parent_key": "PLYK-2", "choice": "ý kiến khác", "is_signed": False},
    ],
    breaks=[
        Break(
            "ExpectCompoundColumnsToBeUnique(_parent_key,member_id)",
            "PLYK-1/TV-000001",
            {},
        ),
        Break(f"{NN}(member_id)", "PLYK-3/NULL", {"_parent_key": "PLYK-3", "member_id": None}),
        Break(f"{NN}(choice)", "PLYK-4/TV-000001", {"_parent_key": "PLYK-4", "choice": None}),
        Break(f"{IN}(choice)", "PLYK-5/TV-000001", {"_parent_key": "PLYK-5", "choice": "phản đối"}),
        Break(
            f"{NN}(answered_at) where choice is an answer",
            "PLYK-6/TV-000001",
            {"_parent_key": "PLYK-6", "answered_at": None},
        ),
        Break(
            "ExpectColumnValuesToBeNull(answered_at) where choice == 'chưa trả lời'",
            "PLYK-7/TV-000001",
            {"_parent_key": "PLYK-7", "choice": "chưa trả lời", "is_signed": False},
        ),
        Break(f"{NN}(is_signed)", "PLYK-8/TV-000001", {"_parent_key": "PLYK-8", "is_signed": None}),
        Break(
            f"{IN}(is_signed) where choice == 'chưa trả lời'",
            "PLYK-9/TV-000001",
            {"_parent_key": "PLYK-9", "choice": "chưa trả lời", "answered_at": None},
        ),
    ],
)

_TASK = {
    "task_code": "NV-1",
    "agency_code": "H35.02",
    "assigned_on": date(2025, 10, 28),
    "status": "hoàn thành",
    "source_kind": "cuộc họp",
    "completed_on": date(2025, 11, 14),
}

TASK = SuiteCase(
    suite="staging.stg_ecabinet__task",
    dtypes={},
    good=[
        _TASK,
        {
            **_TASK,
            "task_code": "NV-2",
            "status": "đang thực hiện",
            "completed_on": None,
            "source_kind": "khác",
        },
    ],
    breaks=[
        Break(f"{NN}(task_code)", "NULL", {"task_code": None}),
        Break("ExpectColumnValuesToBeUnique(task_code)", "NV-1", {}),
        Break(f"{NN}(agency_code)", "t-agency", {"task_code": "t-agency", "agency_code": None}),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            "t-oldcode",
            {"task_code": "t-oldcode", "agency_code": "000.00.02.H35"},
        ),
        Break(f"{NN}(assigned_on)", "t-assigned", {"task_code": "t-assigned", "assigned_on": None}),
        Break(
            f"{NN}(status)", "t-nostatus", {"task_code": "t-nostatus", "status": None, "completed_on": None}
        ),
        Break(
            f"{IN}(status)", "t-status", {"task_code": "t-status", "status": "tạm dừng", "completed_on": None}
        ),
        Break(f"{IN}(source_kind)", "t-source", {"task_code": "t-source", "source_kind": "văn bản"}),
        Break(
            f"{NN}(completed_on) where status == 'hoàn thành'",
            "t-undone",
            {"task_code": "t-undone", "completed_on": None},
        ),
        Break(
            "ExpectColumnValuesToBeNull(completed_on) where status is not done",
            "t-early",
            {"task_code": "t-early", "status": "đang thực hiện"},
        ),
    ],
)

FCT_MEETING = SuiteCase(
    suite="marts.fct_meeting",
    dtypes={"is_cancelled": "boolean"},
    good=[
        {"meeting_code": "CH-1", "agency_code": "H35.01", "is_cancelled": False},
        {"meeting_code": "CH-2", "agency_code": "H35.01", "is_cancelled": True},
    ],
    breaks=[
        Break("ExpectColumnValuesToBeUnique(meeting_code)", "CH-1", {}),
        Break(f"{NN}(agency_code)", "m-agency", {"meeting_code": "m-agency", "agency_code": None}),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            "m-oldcode",
            {"meeting_code": "m-oldcode", "agency_code": "000.00.01.H35"},
        ),
        Break(f"{NN}(is_cancelled)", "m-cancel", {"meeting_code": "m-cancel", "is_cancelled": None}),
    ],
)

_ANSWER = {
    "poll_code": "PLYK-1",
    "member_id": "TV-000001",
    "agency_code": "H35.01",
    "answered_at": datetime(2025, 5, 6, 9),
    "is_answered_on_time": True,
}

FCT_POLL_ANSWER = SuiteCase(
    suite="marts.fct_poll_answer",
    dtypes={"answered_at": TS, "is_answered_on_time": "boolean"},
    good=[
        _ANSWER,
        {**_ANSWER, "member_id": "TV-000002", "answered_at": None, "is_answered_on_time": False},
    ],
    breaks=[
        Break("ExpectCompoundColumnsToBeUnique(poll_code,member_id)", "PLYK-1/TV-000001", {}),
        Break(f"{NN}(agency_code)", "PLYK-2/TV-000001", {"poll_code": "PLYK-2", "agency_code": None}),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            "PLYK-3/TV-000001",
            {"poll_code": "PLYK-3", "agency_code": "000.00.01.H35"},
        ),
        Break(
            f"{NN}(is_answered_on_time)",
            "PLYK-4/TV-000001",
            {"poll_code": "PLYK-4", "is_answered_on_time": None},
        ),
        Break(
            f"{IN}(is_answered_on_time) where answered_at is null",
            "PLYK-5/TV-000001",
            {"poll_code": "PLYK-5", "answered_at": None},
        ),
    ],
)

FCT_TASK = SuiteCase(
    suite="marts.fct_task",
    dtypes={"is_on_time": "boolean"},
    good=[
        {
            "task_code": "NV-1",
            "agency_code": "H35.02",
            "completed_on": date(2025, 11, 14),
            "is_on_time": True,
        },
        {"task_code": "NV-2", "agency_code": "H35.02", "completed_on": None, "is_on_time": False},
    ],
    breaks=[
        Break("ExpectColumnValuesToBeUnique(task_code)", "NV-1", {}),
        Break(f"{NN}(agency_code)", "t-agency", {"task_code": "t-agency", "agency_code": None}),
        Break(f"{NN}(is_on_time)", "t-ontime", {"task_code": "t-ontime", "is_on_time": None}),
        Break(
            f"{IN}(is_on_time) where completed_on is null",
            "t-open",
            {"task_code": "t-open", "completed_on": None},
        ),
    ],
)

ECABINET_CASES = [
    *(
        _raw_case(table)
        for table in ("raw.ecabinet__cuoc_hop", "raw.ecabinet__phieu_lay_y_kien", "raw.ecabinet__nhiem_vu")
    ),
    MEETING,
    POLL,
    POLL_MEMBER,
    TASK,
    FCT_MEETING,
    FCT_POLL_ANSWER,
    FCT_TASK,
]
