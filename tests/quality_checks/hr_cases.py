"""Good rows and one broken row per expectation of the HR suites, as in cases.py."""

from __future__ import annotations

from datetime import date, datetime

from tests.quality_checks.cases import BETWEEN, IN, NN, NULL, RE, TS, UNIQUE, Break, SuiteCase

HASH_1, HASH_2 = "a" * 64, "b" * 64

RAW = SuiteCase(
    suite="raw.hr__nhansu",
    dtypes={"_extracted_at": TS},
    good=[
        {
            "_key": "H35.01|202503|" + HASH_1,
            "_record": '{"MaDonVi": "H35.01", "Thang": "202503"}',
            "_batch_id": "b-1",
            "_extracted_at": datetime(2025, 4, 2, 1, 0),
            "_locator": "nhansu_H35.01_202503.xlsx#CanBo!R4",
            "_source": "hr",
        },
        {
            # The same row of a re-issued file: raw is append-only.
            "_key": "H35.01|202503|" + HASH_1,
            "_record": '{"MaDonVi": "H35.01", "Thang": "202503", "TrangThai": "Nghỉ hưu"}',
            "_batch_id": "b-2",
            "_extracted_at": datetime(2025, 4, 9, 1, 0),
            "_locator": "nhansu_H35.01_202503.xlsx#CanBo!R4",
            "_source": "hr",
        },
    ],
    breaks=[
        Break(f"{NN}(_key)", "NULL", {"_key": None}),
        Break(f"{NN}(_record)", "K-RECORD", {"_key": "K-RECORD", "_record": None}),
        Break("ExpectColumnValuesToBeJsonParseable(_record)", "K-JSON", {"_key": "K-JSON", "_record": '{"M'}),
        Break(f"{NN}(_batch_id)", "K-BATCH", {"_key": "K-BATCH", "_batch_id": None}),
        Break(f"{NN}(_extracted_at)", "K-EXTRACTED", {"_key": "K-EXTRACTED", "_extracted_at": None}),
        Break(f"{NN}(_locator)", "K-LOCATOR", {"_key": "K-LOCATOR", "_locator": None}),
        Break(f"{IN}(_source)", "K-SOURCE", {"_key": "K-SOURCE", "_source": "dvc"}),
    ],
)

EXPORT = SuiteCase(
    suite="staging.stg_hr__export",
    dtypes={"export_month": TS},
    good=[
        {
            "_key": "H35.01|202503",
            "agency_code": "H35.01",
            "export_month": date(2025, 3, 1),
            "file_sha256": "c1",
        },
        {
            "_key": "H35.51|202503",
            "agency_code": "H35.51",
            "export_month": date(2025, 3, 1),
            "file_sha256": "c2",
        },
    ],
    breaks=[
        Break(f"{UNIQUE}(_key)", "H35.01|202503", {"file_sha256": "c3"}),
        Break(f"{NN}(agency_code)", "K-AGENCY", {"_key": "K-AGENCY", "agency_code": None}),
        Break(f"{RE}(agency_code)", "K-OLD", {"_key": "K-OLD", "agency_code": "000.00.01.H35"}),
        Break(f"{NN}(export_month)", "K-MONTH", {"_key": "K-MONTH", "export_month": None}),
        Break(f"{NN}(file_sha256)", "K-SHA", {"_key": "K-SHA", "file_sha256": None}),
    ],
)

_STAFF = {
    "person_id_hash": HASH_1,
    "cbccvc_hash": HASH_2,
    "staff_type": "Công chức",
    "status": "Đang làm việc",
    "joined_on": date(2015, 1, 2),
    "gender": "Nữ",
    "birth_year": 1986,
    "status_changed_on": None,
}
STAFF = SuiteCase(
    suite="staging.stg_hr__staff",
    dtypes={"joined_on": TS, "status_changed_on": TS},
    good=[
        {"record_key": "H35.01|202503|p1", **_STAFF},
        {
            "record_key": "H35.01|202503|p2",
            **_STAFF,
            "status": "Chuyển công tác",
            "status_changed_on": date(2025, 3, 15),
            "staff_type": "Hợp đồng lao động",
        },
    ],
    breaks=[
        Break(f"{UNIQUE}(record_key)", "H35.01|202503|p1", {}),
        Break(f"{NN}(person_id_hash)", "K-PID", {"record_key": "K-PID", "person_id_hash": None}),
        Break(
            f"{RE}(person_id_hash)",
            "K-PIDCLEAR",
            {"record_key": "K-PIDCLEAR", "person_id_hash": "001234567890"},
        ),
        Break(f"{RE}(cbccvc_hash)", "K-CBCLEAR", {"record_key": "K-CBCLEAR", "cbccvc_hash": "CB001"}),
        Break(f"{NN}(staff_type)", "K-TYPE", {"record_key": "K-TYPE", "staff_type": None}),
        Break(f"{IN}(staff_type)", "K-TYPE2", {"record_key": "K-TYPE2", "staff_type": "Nhân viên"}),
        Break(f"{NN}(status)", "K-STATUS", {"record_key": "K-STATUS", "status": None}),
        Break(f"{IN}(status)", "K-STATUS2", {"record_key": "K-STATUS2", "status": "Tạm nghỉ"}),
        Break(f"{NN}(joined_on)", "K-JOINED", {"record_key": "K-JOINED", "joined_on": None}),
        Break(f"{IN}(gender)", "K-GENDER", {"record_key": "K-GENDER", "gender": "Khác"}),
        Break(f"{BETWEEN}(birth_year)", "K-BIRTH", {"record_key": "K-BIRTH", "birth_year": 86}),
        Break(
            f"{NULL}(status_changed_on) where status == 'Đang làm việc'",
            "K-CHANGED",
            {"record_key": "K-CHANGED", "status_changed_on": date(2025, 3, 1)},
        ),
    ],
)

QUOTA = SuiteCase(
    suite="staging.stg_hr__quota",
    dtypes={},
    good=[
        {"record_key": "H35.01|202503|2025", "quota_year": 2025, "civil_servant_quota": 40},
        {"record_key": "H35.01|202503|2024", "quota_year": 2024, "civil_servant_quota": 0},
    ],
    breaks=[
        Break(f"{UNIQUE}(record_key)", "H35.01|202503|2025", {}),
        Break(f"{NN}(quota_year)", "K-YEAR", {"record_key": "K-YEAR", "quota_year": None}),
        Break(
            f"{NN}(civil_servant_quota)", "K-QUOTA", {"record_key": "K-QUOTA", "civil_servant_quota": None}
        ),
        Break(f"{BETWEEN}(civil_servant_quota)", "K-NEG", {"record_key": "K-NEG", "civil_servant_quota": -1}),
    ],
)

_TRAINING = {
    "cbccvc_hash": HASH_2,
    "started_on": date(2025, 2, 1),
    "ended_on": date(2025, 2, 28),
    "result": "Hoàn thành",
}
TRAINING = SuiteCase(
    suite="staging.stg_hr__training",
    dtypes={"started_on": TS, "ended_on": TS},
    good=[
        {"record_key": "H35.01|202503|t1", **_TRAINING},
        {"record_key": "H35.01|202503|t2", **_TRAINING, "ended_on": None, "result": "Đang học"},
    ],
    breaks=[
        Break(f"{UNIQUE}(record_key)", "H35.01|202503|t1", {}),
        Break(f"{RE}(cbccvc_hash)", "K-CB", {"record_key": "K-CB", "cbccvc_hash": "CB001"}),
        Break(f"{NN}(started_on)", "K-START", {"record_key": "K-START", "started_on": None}),
        Break(f"{NN}(result)", "K-RESULT", {"record_key": "K-RESULT", "result": None}),
        Break(f"{IN}(result)", "K-RESULT2", {"record_key": "K-RESULT2", "result": "Đạt"}),
        Break(
            "ExpectColumnPairValuesAToBeGreaterThanB(ended_on,started_on)",
            "K-ORDER",
            {"record_key": "K-ORDER", "ended_on": date(2025, 1, 1)},
        ),
    ],
)

DISCIPLINE = SuiteCase(
    suite="staging.stg_hr__discipline",
    dtypes={"decision_date": TS},
    good=[
        {
            "record_key": "H35.01|202503|15/QĐ",
            "decision_number": "15/QĐ",
            "decision_date": date(2025, 2, 10),
            "cbccvc_hash": HASH_2,
        },
        {
            "record_key": "H35.01|202503|9/QĐ",
            "decision_number": "9/QĐ",
            "decision_date": date(2025, 1, 5),
            "cbccvc_hash": HASH_1,
        },
    ],
    breaks=[
        Break(f"{UNIQUE}(record_key)", "H35.01|202503|15/QĐ", {}),
        Break(f"{NN}(decision_number)", "K-NUMBER", {"record_key": "K-NUMBER", "decision_number": None}),
        Break(f"{NN}(decision_date)", "K-DATE", {"record_key": "K-DATE", "decision_date": None}),
        Break(f"{RE}(cbccvc_hash)", "K-CB", {"record_key": "K-CB", "cbccvc_hash": "CB003"}),
    ],
)

RATING = SuiteCase(
    suite="staging.stg_hr__rating",
    dtypes={},
    good=[
        {
            "record_key": "H35.01|202512|x|2025",
            "cbccvc_hash": HASH_1,
            "rating_year": 2025,
            "rating_code": "HTTNV",
        },
        {
            "record_key": "H35.01|202512|y|2025",
            "cbccvc_hash": HASH_2,
            "rating_year": 2025,
            "rating_code": "KHTNV",
        },
    ],
    breaks=[
        Break(f"{UNIQUE}(record_key)", "H35.01|202512|x|2025", {}),
        Break(f"{NN}(cbccvc_hash)", "K-CB", {"record_key": "K-CB", "cbccvc_hash": None}),
        Break(f"{RE}(cbccvc_hash)", "K-CB2", {"record_key": "K-CB2", "cbccvc_hash": "CB001"}),
        Break(f"{NN}(rating_code)", "K-CODE0", {"record_key": "K-CODE0", "rating_code": None}),
        Break(f"{NN}(rating_year)", "K-YEAR", {"record_key": "K-YEAR", "rating_year": None}),
        Break(f"{IN}(rating_code)", "K-CODE", {"record_key": "K-CODE", "rating_code": "Tốt"}),
    ],
)

_FACT = {
    "agency_code": "H35.01",
    "export_month": date(2025, 12, 1),
    "is_duplicate_person": False,
    "is_serving": True,
    "is_civil_servant": True,
}
STAFF_MART = SuiteCase(
    suite="marts.fct_hr_staff",
    dtypes={"export_month": TS},
    good=[
        {**_FACT, "person_id_hash": HASH_1},
        {
            **_FACT,
            "person_id_hash": HASH_2,
            "is_duplicate_person": True,
            "is_serving": False,
            "is_civil_servant": False,
        },
    ],
    breaks=[
        Break(
            f"{NN}(agency_code)",
            f"NULL/2025-12-01/{'c' * 64}",
            {"agency_code": None, "person_id_hash": "c" * 64},
        ),
        Break(
            f"{IN}(is_serving) where is_duplicate_person == True",
            f"H35.01/2025-12-01/{'d' * 64}",
            {"person_id_hash": "d" * 64, "is_duplicate_person": True, "is_civil_servant": False},
        ),
        Break(
            f"{IN}(is_serving) where is_civil_servant == True",
            f"H35.01/2025-12-01/{'e' * 64}",
            {"person_id_hash": "e" * 64, "is_serving": False},
        ),
    ],
)

HR_CASES = [RAW, EXPORT, STAFF, QUOTA, TRAINING, DISCIPLINE, RATING, STAFF_MART]
