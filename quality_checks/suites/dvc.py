"""Suites of the DVC tables (sources.md §2; docs/layers.md §3–4) and the holiday-calendar coverage check.

Staging suites are blocking: every DVC metric reads staging, so a broken key, an unknown status or a
missing date there would produce a wrong number. Raw suites only warn: raw is the landed record, and a
fault there shows up again in staging or quarantine.
"""

from __future__ import annotations

from quality_checks.suite import Suite, Where
from quality_checks.suites.codes import AGENCY_CODE, OLD_AGENCY_CODE
from quality_checks.suites.expect import (
    at_least,
    between,
    blocking_suite,
    identifier,
    in_set,
    is_null,
    matches,
    not_null,
    required,
    required_in,
    required_match,
)
from quality_checks.suites.raw import raw_suite

RAW_TABLES = (
    "raw.dvc__thu_tuc",
    "raw.dvc__don_vi",
    "raw.dvc__ngay_nghi",
    "raw.dvc__ho_so",
    "raw.dvc__phieu_xin_loi",
    "raw.dvc__danh_gia",
    "raw.dvc__pakn",
)

DOSSIER_STATUSES = tuple(range(1, 11))
# Statuses without acceptance (1 submitted online, 3 refused at intake): no reception, no deadline.
NOT_ACCEPTED = (1, 3)
ACCEPTED = tuple(s for s in DOSSIER_STATUSES if s not in NOT_ACCEPTED)
# Withdrawn, stopped, processed, returned: processing has an end time (contract choice for 7 and 8).
ENDED = (7, 8, 9, 10)
RETURNED = 10
CHANNELS = (1, 2, 3)
SERVICE_LEVELS = (2, 3, 4)
APPLICANT_TYPES = (1, 2, 3, 4)
# "2" (paid through the provincial platform) is valid and counts as paid online (sources.md §2.6).
ONLINE_PAYMENT = (0, 1, 2, 3)

UNIT_TYPES = (
    "ubnd-tinh",
    "so-ban-nganh",
    "quan-huyen",
    "xa-phuong",
    "cnvpdk",
    "don-vi-truc-thuoc",
    "phong-ban",
)
DAY_KINDS = ("Ngày làm việc", "Ngày")
PROCEDURE_STATUSES = ("Đang áp dụng", "Ngừng áp dụng")
HOLIDAY_KINDS = ("Nghỉ lễ", "Nghỉ bù")
APOLOGY_KIND = "Xin lỗi"
APOLOGY_STATUSES = ("Chờ xử lý", "Chờ duyệt", "Chờ ký duyệt", "Đã xử lý", "Từ chối")
APOLOGY_SIGNED = "Đã xử lý"
RATINGS = ("RẤT HÀI LÒNG", "HÀI LÒNG", "KHÔNG HÀI LÒNG")
FEEDBACK_CATEGORIES = ("Quy định hành chính", "Thủ tục hành chính", "Hành vi, thái độ cán bộ", "Khác")
FEEDBACK_STATUSES = ("Chờ tiếp nhận", "Đã tiếp nhận", "Đang xử lý", "Đã trả lời", "Từ chối tiếp nhận")
# A refusal is an answer too (metrics.md §1): both carry NgayTraLoi, and only they do.
FEEDBACK_ANSWERED = ("Đã trả lời", "Từ chối tiếp nhận")
FEEDBACK_OPEN = tuple(s for s in FEEDBACK_STATUSES if s not in FEEDBACK_ANSWERED)


# The Decision 766 metrics read it (metrics.md §11.1): Proc(A), MucDo, CoPhiLePhi, KetQuaGiay.
PROCEDURE = blocking_suite(
    "staging.stg_dvc__procedure",
    ("procedure_code",),
    "Danh mục thủ tục hành chính",
    (
        *identifier("procedure_code"),
        not_null("short_code"),
        in_set("service_level", SERVICE_LEVELS),
        between("legal_days", min_value=0),
        not_null("day_kind", where=Where("legal_days", "is not null")),
        in_set("day_kind", DAY_KINDS),
        *required("has_fee", "paper_result"),
        in_set("status", PROCEDURE_STATUSES),
    ),
)

# The agency table decides which agencies get metric rows and maps every old-format reference.
AGENCY = blocking_suite(
    "staging.stg_dvc__agency",
    ("agency_code",),
    "Danh mục đơn vị",
    (
        *identifier("agency_code"),
        matches("agency_code", AGENCY_CODE),
        matches("old_code", OLD_AGENCY_CODE),
        matches("parent_code", AGENCY_CODE),
        *required_in("unit_type", UNIT_TYPES),
        at_least("valid_to", "valid_from"),
    ),
)

# Working days (PAKN deadlines) are counted against this calendar.
HOLIDAY = blocking_suite(
    "staging.stg_dvc__holiday",
    ("holiday_date",),
    "Lịch ngày nghỉ",
    (
        *identifier("holiday_date"),
        not_null("year"),
        in_set("day_kind", HOLIDAY_KINDS),
    ),
)

DOSSIER = blocking_suite(
    "staging.stg_dvc__dossier",
    ("dossier_code",),
    "Hồ sơ TTHC: mã, trạng thái, kênh, thanh toán, các mốc thời gian theo trạng thái",
    (
        *identifier("dossier_code"),
        *required_match("agency_code", AGENCY_CODE),
        not_null("procedure_code"),
        *required_in("status", DOSSIER_STATUSES),
        *required_in("channel", CHANNELS),
        in_set("service_level", SERVICE_LEVELS),
        in_set("applicant_type", APPLICANT_TYPES),
        *required_in("online_payment", ONLINE_PAYMENT),
        *required("has_digitised_component", "has_fee", "vneid_verified", "submitted_at"),
        not_null("received_at", where=Where("status", "in", ACCEPTED)),
        is_null("received_at", where=Where("status", "in", NOT_ACCEPTED)),
        is_null("due_at", where=Where("status", "in", NOT_ACCEPTED)),
        not_null("processing_ended_at", where=Where("status", "in", ENDED)),
        not_null("returned_at", where=Where("status", "==", RETURNED)),
        at_least("processing_ended_at", "received_at"),
        at_least("returned_at", "processing_ended_at"),
        not_null("supplement_request_count"),
        between("supplement_request_count", min_value=0),
        not_null("e_result_document_count"),
        at_least("result_document_count", "e_result_document_count"),
        # Read by the Decision 766 metrics (metrics.md §11.1); null in rows landed before migration 0007.
        at_least("submitted_component_count", "reused_component_count"),
        at_least("submitted_component_count", "national_store_component_count"),
        between("reused_component_count", min_value=0),
        between("national_store_component_count", min_value=0),
        between("supplement_pause_seconds", min_value=0),
    ),
)

APOLOGY = blocking_suite(
    "staging.stg_dvc__apology",
    ("apology_id",),
    "Phiếu xin lỗi: loại, trạng thái, ngày ký khi đã xử lý",
    (
        *identifier("apology_id"),
        not_null("dossier_code"),
        in_set("kind", (APOLOGY_KIND,)),
        *required_in("status", APOLOGY_STATUSES),
        not_null("signed_at", where=Where("status", "==", APOLOGY_SIGNED)),
        *required("drafted_at", "new_due_at"),
    ),
)

RATING = blocking_suite(
    "staging.stg_dvc__rating",
    ("dossier_code",),
    "Đánh giá mức độ hài lòng",
    (
        *identifier("dossier_code"),
        *required_in("rating", RATINGS),
        not_null("rated_at"),
    ),
)

FEEDBACK = blocking_suite(
    "staging.stg_dvc__feedback",
    ("feedback_id",),
    "Phản ánh, kiến nghị: đơn vị, ngày tiếp nhận, ngày trả lời theo trạng thái",
    (
        *identifier("feedback_id"),
        *required_match("agency_code", AGENCY_CODE),
        not_null("received_at"),
        *required_in("status", FEEDBACK_STATUSES),
        in_set("category", FEEDBACK_CATEGORIES),
        not_null("answered_at", where=Where("status", "in", FEEDBACK_ANSWERED)),
        is_null("answered_at", where=Where("status", "in", FEEDBACK_OPEN, name="status is open")),
        not_null("is_published"),
    ),
)

# One row per calendar year that a working-day computation reaches (see quality_checks.calendar): a year
# without any holiday is unknown, not holiday-free (sources.md §2.10), so counting into it is refused.
CALENDAR_COVERAGE = Suite(
    name="dvc.calendar_coverage",
    table="staging.stg_dvc__holiday",
    key=("year",),
    blocking=True,
    description="Năm cần tính ngày làm việc phải có lịch ngày nghỉ",
    expectations=(
        *identifier("year"),
        between("holiday_count", min_value=1),
    ),
)

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        *(
            raw_suite(table, "dvc", "Bản ghi thô: khóa, nội dung JSON và thông tin lô tải đầy đủ")
            for table in RAW_TABLES
        ),
        PROCEDURE,
        AGENCY,
        HOLIDAY,
        DOSSIER,
        APOLOGY,
        RATING,
        FEEDBACK,
        CALENDAR_COVERAGE,
    )
}
