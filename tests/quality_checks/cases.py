"""For every suite: good rows that pass, and one broken row per expectation.

Each broken row is the suite's first good row with a few fields changed so that it breaks exactly one
expectation; `key` is how the runner must name that row (key columns joined by `/`, `NULL` for null).
A duplicate-key row repeats a good row's key, so the offending key is that of the good row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

TS = "datetime64[us]"
# The expectation types the breaks name, short so that a break fits on a line.
NN = "ExpectColumnValuesToNotBeNull"
NULL = "ExpectColumnValuesToBeNull"
IN = "ExpectColumnValuesToBeInSet"
UNIQUE = "ExpectColumnValuesToBeUnique"
RE = "ExpectColumnValuesToMatchRegex"
BETWEEN = "ExpectColumnValuesToBeBetween"


@dataclass(frozen=True)
class Break:
    expectation: str
    key: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class SuiteCase:
    suite: str
    dtypes: dict[str, str]
    good: list[dict[str, Any]]
    breaks: list[Break]

    def __str__(self) -> str:
        return self.suite


def _raw_case(table: str) -> SuiteCase:
    good = [
        {
            "_key": "H35.51-250314-0001",
            "_record": '{"MaHoSo": "H35.51-250314-0001"}',
            "_batch_id": "b-1",
            "_extracted_at": datetime(2025, 3, 15, 1, 0),
            "_locator": "/dvc/api/v1/ho-so?page=1&pageSize=1000#0",
            "_source": "dvc",
        },
        {
            # The same key again: raw is append-only, versions repeat keys.
            "_key": "H35.51-250314-0001",
            "_record": '{"MaHoSo": "H35.51-250314-0001", "TrangThaiHoSo": "10"}',
            "_batch_id": "b-2",
            "_extracted_at": datetime(2025, 3, 22, 1, 0),
            "_locator": "/dvc/api/v1/ho-so?page=1&pageSize=1000#3",
            "_source": "dvc",
        },
    ]
    return SuiteCase(
        suite=table,
        dtypes={"_extracted_at": TS},
        good=good,
        breaks=[
            Break("ExpectColumnValuesToNotBeNull(_key)", "NULL", {"_key": None}),
            Break(
                "ExpectColumnValuesToNotBeNull(_record)", "K-RECORD", {"_key": "K-RECORD", "_record": None}
            ),
            Break(
                "ExpectColumnValuesToBeJsonParseable(_record)",
                "K-JSON",
                {"_key": "K-JSON", "_record": '{"MaHoSo": "H35.51-2503'},
            ),
            Break(
                "ExpectColumnValuesToNotBeNull(_batch_id)", "K-BATCH", {"_key": "K-BATCH", "_batch_id": None}
            ),
            Break(
                "ExpectColumnValuesToNotBeNull(_extracted_at)",
                "K-EXTRACTED",
                {"_key": "K-EXTRACTED", "_extracted_at": None},
            ),
            Break(
                "ExpectColumnValuesToNotBeNull(_locator)",
                "K-LOCATOR",
                {"_key": "K-LOCATOR", "_locator": None},
            ),
            Break(
                "ExpectColumnValuesToBeInSet(_source)", "K-SOURCE", {"_key": "K-SOURCE", "_source": "qlvb"}
            ),
        ],
    )


RAW_CASES = [
    _raw_case(table)
    for table in (
        "raw.dvc__thu_tuc",
        "raw.dvc__don_vi",
        "raw.dvc__ngay_nghi",
        "raw.dvc__ho_so",
        "raw.dvc__phieu_xin_loi",
        "raw.dvc__danh_gia",
        "raw.dvc__pakn",
    )
]

PROCEDURE = SuiteCase(
    suite="staging.stg_dvc__procedure",
    dtypes={
        "service_level": "Int16",
        "legal_days": "Float64",
        "has_fee": "boolean",
        "paper_result": "boolean",
    },
    good=[
        {
            "procedure_code": "1.001193.000.00.00.H35",
            "short_code": "1.001193",
            "service_level": 4,
            "legal_days": 5.0,
            "day_kind": "Ngày làm việc",
            "has_fee": False,
            "paper_result": True,
            "status": "Đang áp dụng",
        },
        {
            # No fixed time limit: no legal_days, so no day_kind either.
            "procedure_code": "1.014028.H35",
            "short_code": "1.014028",
            "service_level": 2,
            "legal_days": None,
            "day_kind": None,
            "has_fee": True,
            "paper_result": False,
            "status": "Ngừng áp dụng",
        },
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(procedure_code)", "NULL", {"procedure_code": None}),
        Break("ExpectColumnValuesToBeUnique(procedure_code)", "1.001193.000.00.00.H35", {}),
        Break(
            "ExpectColumnValuesToNotBeNull(short_code)",
            "P-SHORT",
            {"procedure_code": "P-SHORT", "short_code": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(service_level)",
            "P-LEVEL",
            {"procedure_code": "P-LEVEL", "service_level": 5},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(legal_days)",
            "P-DAYS",
            {"procedure_code": "P-DAYS", "legal_days": -1.0},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(day_kind) where legal_days is not null",
            "P-NOKIND",
            {"procedure_code": "P-NOKIND", "day_kind": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(day_kind)",
            "P-KIND",
            {"procedure_code": "P-KIND", "day_kind": "Tuần"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(has_fee)", "P-FEE", {"procedure_code": "P-FEE", "has_fee": None}
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(paper_result)",
            "P-PAPER",
            {"procedure_code": "P-PAPER", "paper_result": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(status)",
            "P-STATUS",
            {"procedure_code": "P-STATUS", "status": "Hết hạn"},
        ),
    ],
)

AGENCY = SuiteCase(
    suite="staging.stg_dvc__agency",
    dtypes={"valid_from": TS, "valid_to": TS},
    good=[
        {
            "agency_code": "H35.01",
            "old_code": "000.00.01.H35",
            "parent_code": "H35",
            "unit_type": "so-ban-nganh",
            "valid_from": datetime(2020, 1, 1),
            "valid_to": None,
        },
        {
            "agency_code": "H35.30",
            "old_code": "000.00.30.H35",
            "parent_code": "H35",
            "unit_type": "quan-huyen",
            "valid_from": datetime(2020, 1, 1),
            "valid_to": datetime(2025, 6, 30, 23, 59, 59),
        },
        {
            "agency_code": "H35",
            "old_code": "000.00.00.H35",
            "parent_code": None,
            "unit_type": "ubnd-tinh",
            "valid_from": None,
            "valid_to": None,
        },
        {
            # large-scale departments have three-digit levels.
            "agency_code": "H35.101",
            "old_code": None,
            "parent_code": "H35",
            "unit_type": "so-ban-nganh",
            "valid_from": None,
            "valid_to": None,
        },
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(agency_code)", "NULL", {"agency_code": None}),
        Break("ExpectColumnValuesToBeUnique(agency_code)", "H35.01", {}),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)", "000.00.02.H35", {"agency_code": "000.00.02.H35"}
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(old_code)",
            "H35.04",
            {"agency_code": "H35.04", "old_code": "H35.04"},
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(parent_code)",
            "H35.05",
            {"agency_code": "H35.05", "parent_code": "000.00.00.H35"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(unit_type)", "H35.06", {"agency_code": "H35.06", "unit_type": None}
        ),
        Break(
            "ExpectColumnValuesToBeInSet(unit_type)", "H35.07", {"agency_code": "H35.07", "unit_type": "so"}
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(valid_to,valid_from)",
            "H35.08",
            {"agency_code": "H35.08", "valid_from": datetime(2025, 7, 1), "valid_to": datetime(2025, 6, 30)},
        ),
    ],
)

HOLIDAY = SuiteCase(
    suite="staging.stg_dvc__holiday",
    dtypes={"year": "Int16"},
    good=[
        {"holiday_date": date(2025, 1, 1), "year": 2025, "day_kind": "Nghỉ lễ"},
        {"holiday_date": date(2025, 4, 30), "year": 2025, "day_kind": "Nghỉ lễ"},
        {"holiday_date": date(2025, 5, 2), "year": 2025, "day_kind": "Nghỉ bù"},
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(holiday_date)", "NULL", {"holiday_date": None}),
        Break("ExpectColumnValuesToBeUnique(holiday_date)", "2025-01-01", {}),
        Break(
            "ExpectColumnValuesToNotBeNull(year)",
            "2025-09-02",
            {"holiday_date": date(2025, 9, 2), "year": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(day_kind)",
            "2025-09-01",
            {"holiday_date": date(2025, 9, 1), "day_kind": "Nghỉ phép"},
        ),
    ],
)

# A dossier returned on time that meets every expectation (the warehouse batch test loads it too).
RETURNED = {
    "dossier_code": "H35.51-250314-0001",
    "agency_code": "H35.51",
    "procedure_code": "1.001193.000.00.00.H35",
    "status": 10,
    "channel": 2,
    "service_level": 4,
    "applicant_type": 1,
    "online_payment": 0,
    "has_digitised_component": True,
    "has_fee": False,
    "vneid_verified": True,
    "submitted_at": datetime(2025, 3, 14, 8, 15, 2),
    "received_at": datetime(2025, 3, 14, 9, 0),
    "due_at": datetime(2025, 3, 21, 9, 0),
    "processing_ended_at": datetime(2025, 3, 20, 15, 30),
    "returned_at": datetime(2025, 3, 21, 8, 0),
    "supplement_request_count": 0,
    "e_result_document_count": 1,
    "result_document_count": 1,
    "submitted_component_count": 2,
    "reused_component_count": 1,
    "national_store_component_count": 0,
    "supplement_pause_seconds": 0,
}
_NOT_ACCEPTED = {"received_at": None, "due_at": None, "processing_ended_at": None, "returned_at": None}

DOSSIER = SuiteCase(
    suite="staging.stg_dvc__dossier",
    dtypes={
        "status": "Int16",
        "channel": "Int16",
        "service_level": "Int16",
        "applicant_type": "Int16",
        "online_payment": "Int16",
        "has_digitised_component": "boolean",
        "has_fee": "boolean",
        "vneid_verified": "boolean",
        "submitted_at": TS,
        "received_at": TS,
        "due_at": TS,
        "processing_ended_at": TS,
        "returned_at": TS,
        "supplement_request_count": "Int64",
        "e_result_document_count": "Int64",
        "result_document_count": "Int64",
        "submitted_component_count": "Int64",
        "reused_component_count": "Int64",
        "national_store_component_count": "Int64",
        "supplement_pause_seconds": "Int64",
    },
    good=[
        RETURNED,
        {**RETURNED, "dossier_code": "H35.51-250314-0002", "status": 1, **_NOT_ACCEPTED},
        {**RETURNED, "dossier_code": "H35.51-250314-0003", "status": 3, "channel": 1, **_NOT_ACCEPTED},
        # Open, accepted, no fixed deadline; paid through the provincial platform ("2").
        {
            **RETURNED,
            "dossier_code": "H35.01.10-250314-0001",
            "agency_code": "H35.02",
            "status": 4,
            "online_payment": 2,
            "has_fee": True,
            "due_at": None,
            "processing_ended_at": None,
            "returned_at": None,
            "e_result_document_count": 0,
            "result_document_count": 0,
        },
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(dossier_code)", "NULL", {"dossier_code": None}),
        Break("ExpectColumnValuesToBeUnique(dossier_code)", "H35.51-250314-0001", {}),
        Break(
            "ExpectColumnValuesToNotBeNull(agency_code)",
            "D-AGENCY",
            {"dossier_code": "D-AGENCY", "agency_code": None},
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            "D-OLDCODE",
            {"dossier_code": "D-OLDCODE", "agency_code": "000.00.51.H35"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(procedure_code)",
            "D-PROCEDURE",
            {"dossier_code": "D-PROCEDURE", "procedure_code": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(status)",
            "D-NOSTATUS",
            {"dossier_code": "D-NOSTATUS", "status": None},
        ),
        Break("ExpectColumnValuesToBeInSet(status)", "D-STATUS", {"dossier_code": "D-STATUS", "status": 11}),
        Break(
            "ExpectColumnValuesToNotBeNull(channel)",
            "D-NOCHANNEL",
            {"dossier_code": "D-NOCHANNEL", "channel": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(channel)", "D-CHANNEL", {"dossier_code": "D-CHANNEL", "channel": 4}
        ),
        Break(
            "ExpectColumnValuesToBeInSet(service_level)",
            "D-LEVEL",
            {"dossier_code": "D-LEVEL", "service_level": 1},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(applicant_type)",
            "D-APPLICANT",
            {"dossier_code": "D-APPLICANT", "applicant_type": 5},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(online_payment)",
            "D-NOPAYMENT",
            {"dossier_code": "D-NOPAYMENT", "online_payment": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(online_payment)",
            "D-PAYMENT",
            {"dossier_code": "D-PAYMENT", "online_payment": 4},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(has_digitised_component)",
            "D-DIGITISED",
            {"dossier_code": "D-DIGITISED", "has_digitised_component": None},
        ),
        Break("ExpectColumnValuesToNotBeNull(has_fee)", "D-FEE", {"dossier_code": "D-FEE", "has_fee": None}),
        Break(
            "ExpectColumnValuesToNotBeNull(vneid_verified)",
            "D-VNEID",
            {"dossier_code": "D-VNEID", "vneid_verified": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(submitted_at)",
            "D-SUBMITTED",
            {"dossier_code": "D-SUBMITTED", "submitted_at": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(received_at) where status in [2, 4, 5, 6, 7, 8, 9, 10]",
            "D-RECEIVED",
            {"dossier_code": "D-RECEIVED", "received_at": None},
        ),
        Break(
            "ExpectColumnValuesToBeNull(received_at) where status in [1, 3]",
            "D-EARLYRECEIPT",
            {
                **_NOT_ACCEPTED,
                "dossier_code": "D-EARLYRECEIPT",
                "status": 1,
                "received_at": datetime(2025, 3, 14, 9),
            },
        ),
        Break(
            "ExpectColumnValuesToBeNull(due_at) where status in [1, 3]",
            "D-EARLYDUE",
            {**_NOT_ACCEPTED, "dossier_code": "D-EARLYDUE", "status": 3, "due_at": datetime(2025, 3, 21, 9)},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(processing_ended_at) where status in [7, 8, 9, 10]",
            "D-NOEND",
            {"dossier_code": "D-NOEND", "status": 9, "processing_ended_at": None, "returned_at": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(returned_at) where status == 10",
            "D-NORETURN",
            {"dossier_code": "D-NORETURN", "returned_at": None},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(processing_ended_at,received_at)",
            "D-ENDBEFORERECEIPT",
            {"dossier_code": "D-ENDBEFORERECEIPT", "processing_ended_at": datetime(2025, 3, 13, 16, 0)},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(returned_at,processing_ended_at)",
            "D-RETURNBEFOREEND",
            {"dossier_code": "D-RETURNBEFOREEND", "returned_at": datetime(2025, 3, 20, 15, 29, 59)},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(supplement_request_count)",
            "D-NOSUPPLEMENT",
            {"dossier_code": "D-NOSUPPLEMENT", "supplement_request_count": None},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(supplement_request_count)",
            "D-SUPPLEMENT",
            {"dossier_code": "D-SUPPLEMENT", "supplement_request_count": -1},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(e_result_document_count)",
            "D-NOERESULT",
            {"dossier_code": "D-NOERESULT", "e_result_document_count": None},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(result_document_count,e_result_document_count)",
            "D-ERESULT",
            {"dossier_code": "D-ERESULT", "e_result_document_count": 2},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(submitted_component_count,reused_component_count)",
            "D-REUSED",
            {"dossier_code": "D-REUSED", "reused_component_count": 3},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(submitted_component_count,national_store_component_count)",
            "D-STORE",
            {"dossier_code": "D-STORE", "national_store_component_count": 3},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(reused_component_count)",
            "D-REUSEDNEGATIVE",
            {"dossier_code": "D-REUSEDNEGATIVE", "reused_component_count": -1},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(national_store_component_count)",
            "D-STORENEGATIVE",
            {"dossier_code": "D-STORENEGATIVE", "national_store_component_count": -1},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(supplement_pause_seconds)",
            "D-PAUSE",
            {"dossier_code": "D-PAUSE", "supplement_pause_seconds": -60},
        ),
    ],
)

APOLOGY = SuiteCase(
    suite="staging.stg_dvc__apology",
    dtypes={"signed_at": TS, "drafted_at": TS, "new_due_at": TS},
    good=[
        {
            "apology_id": "a-1",
            "dossier_code": "H35.51-250314-0001",
            "kind": "Xin lỗi",
            "status": "Đã xử lý",
            "signed_at": datetime(2025, 3, 20, 10),
            "drafted_at": datetime(2025, 3, 20, 9),
            "new_due_at": datetime(2025, 3, 25, 9),
        },
        {
            "apology_id": "a-2",
            "dossier_code": "H35.51-250314-0001",
            "kind": "Xin lỗi",
            "status": "Chờ ký duyệt",
            "signed_at": None,
            "drafted_at": datetime(2025, 3, 20, 9),
            "new_due_at": datetime(2025, 3, 25, 9),
        },
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(apology_id)", "NULL", {"apology_id": None}),
        Break("ExpectColumnValuesToBeUnique(apology_id)", "a-1", {}),
        Break(
            "ExpectColumnValuesToNotBeNull(dossier_code)",
            "a-dossier",
            {"apology_id": "a-dossier", "dossier_code": None},
        ),
        Break("ExpectColumnValuesToBeInSet(kind)", "a-kind", {"apology_id": "a-kind", "kind": "Thông báo"}),
        Break(
            "ExpectColumnValuesToNotBeNull(status)",
            "a-nostatus",
            {"apology_id": "a-nostatus", "status": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(status)", "a-status", {"apology_id": "a-status", "status": "Đã hủy"}
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(signed_at) where status == 'Đã xử lý'",
            "a-unsigned",
            {"apology_id": "a-unsigned", "signed_at": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(drafted_at)",
            "a-drafted",
            {"apology_id": "a-drafted", "drafted_at": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(new_due_at)",
            "a-newdue",
            {"apology_id": "a-newdue", "new_due_at": None},
        ),
    ],
)

RATING = SuiteCase(
    suite="staging.stg_dvc__rating",
    dtypes={"rated_at": TS},
    good=[
        {"dossier_code": "H35.51-250314-0001", "rating": "HÀI LÒNG", "rated_at": datetime(2025, 3, 21, 9)},
        {
            "dossier_code": "H35.51-250314-0002",
            "rating": "KHÔNG HÀI LÒNG",
            "rated_at": datetime(2025, 3, 22, 9),
        },
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(dossier_code)", "NULL", {"dossier_code": None}),
        Break("ExpectColumnValuesToBeUnique(dossier_code)", "H35.51-250314-0001", {}),
        Break(
            "ExpectColumnValuesToNotBeNull(rating)",
            "R-NORATING",
            {"dossier_code": "R-NORATING", "rating": None},
        ),
        # Letter case is normalised by etl (Q4); a non-canonical spelling here means it was not.
        Break(
            "ExpectColumnValuesToBeInSet(rating)", "R-CASE", {"dossier_code": "R-CASE", "rating": "Hài lòng"}
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(rated_at)", "R-TIME", {"dossier_code": "R-TIME", "rated_at": None}
        ),
    ],
)

FEEDBACK = SuiteCase(
    suite="staging.stg_dvc__feedback",
    dtypes={"received_at": TS, "answered_at": TS, "is_published": "boolean"},
    good=[
        {
            "feedback_id": "pakn-1",
            "agency_code": "H35.02",
            "received_at": datetime(2025, 5, 5, 8),
            "status": "Đã trả lời",
            "category": "Khác",
            "answered_at": datetime(2025, 5, 12, 8),
            "is_published": True,
        },
        {
            "feedback_id": "pakn-2",
            "agency_code": "H35.02",
            "received_at": datetime(2025, 5, 5, 8),
            "status": "Đang xử lý",
            "category": "Thủ tục hành chính",
            "answered_at": None,
            "is_published": False,
        },
        {
            "feedback_id": "pakn-3",
            "agency_code": "H35.51",
            "received_at": datetime(2025, 5, 5, 8),
            "status": "Từ chối tiếp nhận",
            "category": "Hành vi, thái độ cán bộ",
            "answered_at": datetime(2025, 5, 6, 8),
            "is_published": False,
        },
    ],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(feedback_id)", "NULL", {"feedback_id": None}),
        Break("ExpectColumnValuesToBeUnique(feedback_id)", "pakn-1", {}),
        Break(
            "ExpectColumnValuesToNotBeNull(agency_code)",
            "f-agency",
            {"feedback_id": "f-agency", "agency_code": None},
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            "f-oldcode",
            {"feedback_id": "f-oldcode", "agency_code": "000.00.02.H35"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(received_at)",
            "f-received",
            {"feedback_id": "f-received", "received_at": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(status)",
            "f-nostatus",
            {"feedback_id": "f-nostatus", "status": None},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(status)",
            "f-status",
            {"feedback_id": "f-status", "status": "Đã đóng"},
        ),
        Break(
            "ExpectColumnValuesToBeInSet(category)",
            "f-category",
            {"feedback_id": "f-category", "category": "Góp ý"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(answered_at) where status in ['Đã trả lời', 'Từ chối tiếp nhận']",
            "f-unanswered",
            {"feedback_id": "f-unanswered", "answered_at": None},
        ),
        Break(
            "ExpectColumnValuesToBeNull(answered_at) where status is open",
            "f-earlyanswer",
            {"feedback_id": "f-earlyanswer", "status": "Đang xử lý"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(is_published)",
            "f-published",
            {"feedback_id": "f-published", "is_published": None},
        ),
    ],
)

CALENDAR = SuiteCase(
    suite="dvc.calendar_coverage",
    dtypes={"year": "Int64", "holiday_count": "Int64"},
    good=[{"year": 2025, "holiday_count": 12}, {"year": 2026, "holiday_count": 11}],
    breaks=[
        Break("ExpectColumnValuesToNotBeNull(year)", "NULL", {"year": None, "holiday_count": 3}),
        Break("ExpectColumnValuesToBeUnique(year)", "2025", {}),
        # The year a deadline reaches but the calendar does not cover: named in the summary.
        Break("ExpectColumnValuesToBeBetween(holiday_count)", "2027", {"year": 2027, "holiday_count": 0}),
    ],
)

_RATE_ROW = {
    "agency_code": "H35.01",
    "metric_code": "dvc.on_time_rate",
    "period_start": date(2025, 1, 1),
    "period_end": date(2025, 12, 31),
    "year": 2025,
    "as_of": datetime(2026, 1, 1),
    "numerator": 95,
    "denominator": 100,
    "value": Decimal("0.9500"),
}
_PERIOD = "2025-01-01/2025-12-31"

METRIC_VALUE = SuiteCase(
    suite="marts.metric_value",
    dtypes={"year": "Int64", "as_of": TS, "numerator": "Int64", "denominator": "Int64"},
    good=[
        _RATE_ROW,
        {
            **_RATE_ROW,
            "metric_code": "dvc.received",
            "numerator": 120,
            "denominator": 1,
            "value": Decimal("120"),
        },
        # Agency has data, no late dossier: zero denominator, empty value.
        {**_RATE_ROW, "metric_code": "dvc.apology_rate", "numerator": 0, "denominator": 0, "value": None},
        # No data for the agency: all three empty.
        {**_RATE_ROW, "agency_code": "H35.02", "numerator": None, "denominator": None, "value": None},
        # 98/100 satisfied minus a late share of 0.05.
        {**_RATE_ROW, "metric_code": "dvc.satisfaction_rate", "numerator": 98, "value": Decimal("0.9300")},
        # A mean in days: 2 completed dossiers processed in 14,400 minutes, 5 days each.
        {
            **_RATE_ROW,
            "metric_code": "dvc.avg_processing_days",
            "numerator": 14400,
            "denominator": 2,
            "value": Decimal("5.0000"),
        },
        # Neither a rate nor a count: staff grew by 2 over a baseline of 40.
        {
            **_RATE_ROW,
            "metric_code": "hr.civil_servant_reduction",
            "numerator": -2,
            "denominator": 40,
            "value": Decimal("-0.0500"),
        },
    ],
    breaks=[
        Break(
            "ExpectCompoundColumnsToBeUnique(agency_code,metric_code,period_start,period_end)",
            f"H35.01/dvc.on_time_rate/{_PERIOD}",
            {},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(agency_code)",
            f"NULL/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": None},
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(agency_code)",
            f"000.00.03.H35/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "000.00.03.H35"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(metric_code)",
            f"H35.04/NULL/{_PERIOD}",
            {"agency_code": "H35.04", "metric_code": None},
        ),
        Break(
            "ExpectColumnValuesToMatchRegex(metric_code)",
            f"H35.05/dvc.OnTime/{_PERIOD}",
            {"agency_code": "H35.05", "metric_code": "dvc.OnTime"},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(year)",
            f"H35.06/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.06", "year": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(period_start)",
            "H35.07/dvc.on_time_rate/NULL/2025-12-31",
            {"agency_code": "H35.07", "period_start": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(period_end)",
            "H35.08/dvc.on_time_rate/2025-01-01/NULL",
            {"agency_code": "H35.08", "period_end": None},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(period_end,period_start)",
            "H35.09/dvc.on_time_rate/2026-01-01/2025-12-31",
            {"agency_code": "H35.09", "period_start": date(2026, 1, 1)},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(as_of)",
            f"H35.10/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.10", "as_of": None},
        ),
        Break(
            "ExpectColumnValuesToBeNull(numerator) where denominator is null",
            f"H35.11/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.11", "numerator": 5, "denominator": None, "value": None},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(numerator) where denominator is not null",
            f"H35.12/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.12", "numerator": None},
        ),
        Break(
            "ExpectColumnValuesToBeNull(value) where (denominator == 0) or (denominator is null)",
            f"H35.13/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.13", "numerator": 0, "denominator": 0, "value": Decimal("0")},
        ),
        Break(
            "ExpectColumnValuesToNotBeNull(value) where denominator > 0",
            f"H35.14/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.14", "value": None},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(denominator)",
            f"H35.15/hr.civil_servant_reduction/{_PERIOD}",
            {
                "agency_code": "H35.15",
                "metric_code": "hr.civil_servant_reduction",
                "numerator": 1,
                "denominator": -1,
                "value": Decimal("-1"),
            },
        ),
        Break(
            "ExpectColumnValuesToBeBetween(numerator) where metric_code is a rate",
            f"H35.16/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.16", "numerator": -1, "value": Decimal("0")},
        ),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(denominator,numerator) where metric_code is a rate",
            f"H35.17/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.17", "numerator": 101, "value": Decimal("1")},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(value) where metric_code is a rate",
            f"H35.18/dvc.on_time_rate/{_PERIOD}",
            {"agency_code": "H35.18", "value": Decimal("1.5000")},
        ),
        Break(
            "ExpectColumnValuesToBeBetween(denominator) where metric_code == 'hr.leaders_within_limit'",
            f"H35.30/hr.leaders_within_limit/{_PERIOD}",
            {
                "agency_code": "H35.30",
                "metric_code": "hr.leaders_within_limit",
                "numerator": 0,
                "denominator": 0,
                "value": None,
            },
        ),
        Break(
            "ExpectColumnValuesToBeBetween(denominator) where metric_code == 'hr.excellent_within_cap'",
            f"H35.31/hr.excellent_within_cap/{_PERIOD}",
            {
                "agency_code": "H35.31",
                "metric_code": "hr.excellent_within_cap",
                "numerator": 2,
                "denominator": 2,
                "value": Decimal("1.0000"),
            },
        ),
        Break(
            "ExpectColumnValuesToBeInSet(denominator) where metric_code is a count",
            f"H35.19/dvc.received/{_PERIOD}",
            {
                "agency_code": "H35.19",
                "metric_code": "dvc.received",
                "numerator": 5,
                "denominator": 2,
                "value": Decimal("5"),
            },
        ),
        Break(
            "ExpectColumnValuesToBeBetween(numerator) where metric_code is a count",
            f"H35.20/dvc.no_due_date/{_PERIOD}",
            {
                "agency_code": "H35.20",
                "metric_code": "dvc.no_due_date",
                "numerator": -3,
                "denominator": 1,
                "value": Decimal("-3"),
            },
        ),
        Break(
            "ExpectColumnPairValuesToBeEqual(value,numerator) where metric_code is a count",
            f"H35.21/dvc.received/{_PERIOD}",
            {
                "agency_code": "H35.21",
                "metric_code": "dvc.received",
                "numerator": 5,
                "denominator": 1,
                "value": Decimal("6"),
            },
        ),
        Break(
            "ExpectColumnValuesToBeBetween(numerator) where metric_code is a mean in days",
            f"H35.22/dvc.avg_processing_days/{_PERIOD}",
            {
                "agency_code": "H35.22",
                "metric_code": "dvc.avg_processing_days",
                "numerator": -10,
                "value": Decimal("0"),
            },
        ),
        Break(
            "ExpectColumnValuesToBeBetween(value) where metric_code is a mean in days",
            f"H35.23/dvc.avg_processing_days/{_PERIOD}",
            {"agency_code": "H35.23", "metric_code": "dvc.avg_processing_days", "value": Decimal("-1.0000")},
        ),
    ],
)

CASES = [*RAW_CASES, PROCEDURE, AGENCY, HOLIDAY, DOSSIER, APOLOGY, RATING, FEEDBACK, CALENDAR, METRIC_VALUE]

# Each further source keeps its cases in a module of its own, which imports the helpers above.
from tests.quality_checks.dvc_portal_cases import DVC_PORTAL_CASES  # noqa: E402
from tests.quality_checks.ecabinet_cases import ECABINET_CASES  # noqa: E402
from tests.quality_checks.hr_cases import HR_CASES  # noqa: E402
from tests.quality_checks.qlvb_cases import QLVB_CASES  # noqa: E402

CASES += ECABINET_CASES
CASES += HR_CASES
CASES += QLVB_CASES
CASES += DVC_PORTAL_CASES
from tests.quality_checks.docreq_cases import DOCREQ_CASES  # noqa: E402

CASES += DOCREQ_CASES
