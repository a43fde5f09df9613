"""Suites of the HR tables (sources.md §5; warehouse/tables_hr.py).

The staging suites of the sheets the metrics read (CanBo, BienChe, DaoTao, KyLuat, DanhGia) and the exports'
table are blocking: a person listed twice, a missing status or date there would give a wrong count. Raw only
warns, as for the other sources.
"""

from __future__ import annotations

from quality_checks.suite import Suite, Where
from quality_checks.suites.codes import AGENCY_CODE
from quality_checks.suites.expect import (
    at_least,
    between,
    blocking_suite,
    in_set,
    is_null,
    matches,
    not_null,
    required,
    required_in,
    required_match,
    unique,
)
from quality_checks.suites.raw import raw_suite

PSEUDONYM = r"^[0-9a-f]{64}$"
STAFF_TYPES = ("Cán bộ", "Công chức", "Viên chức", "Hợp đồng lao động")
SERVING = "Đang làm việc"
STAFF_STATUSES = (SERVING, "Nghỉ hưu", "Thôi việc", "Chuyển công tác")
GENDERS = ("Nam", "Nữ")
TRAINING_RESULTS = ("Đang học", "Hoàn thành", "Không hoàn thành")
RATING_CODES = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")

RAW = raw_suite(
    "raw.hr__nhansu",
    "hr",
    "Dòng thô của tệp nhân sự: khóa, nội dung JSON, vị trí (tệp, trang, dòng) và lô tải",
)

EXPORT = blocking_suite(
    "staging.stg_hr__export",
    ("_key",),
    "Tệp nhân sự theo đơn vị và tháng: mã đơn vị chuẩn, tháng, tệp nguồn",
    (
        unique("_key"),
        *required_match("agency_code", AGENCY_CODE),
        *required("export_month", "file_sha256"),
    ),
)

STAFF = blocking_suite(
    "staging.stg_hr__staff",
    ("record_key",),
    "Danh sách CBCCVC: mỗi người một dòng mỗi tệp, định danh đã mã hóa, loại, trạng thái",
    (
        unique("record_key"),
        *required_match("person_id_hash", PSEUDONYM),
        matches("cbccvc_hash", PSEUDONYM),
        *required_in("staff_type", STAFF_TYPES),
        *required_in("status", STAFF_STATUSES),
        not_null("joined_on"),
        in_set("gender", GENDERS),
        between("birth_year", min_value=1900, max_value=2100),
        is_null("status_changed_on", where=Where("status", "==", SERVING)),
    ),
)

QUOTA = blocking_suite(
    "staging.stg_hr__quota",
    ("record_key",),
    "Biên chế được giao theo năm",
    (
        unique("record_key"),
        *required("quota_year", "civil_servant_quota"),
        between("civil_servant_quota", min_value=0),
    ),
)

TRAINING = blocking_suite(
    "staging.stg_hr__training",
    ("record_key",),
    "Đào tạo, bồi dưỡng: người, ngày bắt đầu, kết quả",
    (
        unique("record_key"),
        matches("cbccvc_hash", PSEUDONYM),
        not_null("started_on"),
        *required_in("result", TRAINING_RESULTS),
        at_least("ended_on", "started_on"),
    ),
)

DISCIPLINE = blocking_suite(
    "staging.stg_hr__discipline",
    ("record_key",),
    "Quyết định kỷ luật: số và ngày quyết định",
    (
        unique("record_key"),
        *required("decision_number", "decision_date"),
        matches("cbccvc_hash", PSEUDONYM),
    ),
)

# The rating metrics of metrics.md §8.2 read them.
RATING = blocking_suite(
    "staging.stg_hr__rating",
    ("record_key",),
    "Xếp loại chất lượng hằng năm",
    (
        unique("record_key"),
        not_null("cbccvc_hash"),
        matches("cbccvc_hash", PSEUDONYM),
        *required("rating_year", "rating_code"),
        in_set("rating_code", RATING_CODES),
    ),
)

STAFF_MART = blocking_suite(
    "marts.fct_hr_staff",
    ("agency_code", "export_month", "person_id_hash"),
    "Nhân sự trong các tệp: người bị trùng khi chuyển công tác không được tính là đang làm việc",
    (
        not_null("agency_code"),
        in_set("is_serving", (False,), where=Where("is_duplicate_person", "==", True)),
        in_set("is_serving", (True,), where=Where("is_civil_servant", "==", True)),
    ),
)

SUITES: dict[str, Suite] = {
    suite.name: suite for suite in (RAW, EXPORT, STAFF, QUOTA, TRAINING, DISCIPLINE, RATING, STAFF_MART)
}
