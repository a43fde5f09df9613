"""Suites of the QLVB tables (sources.md §3, metrics.md §2).

Staging and marts suites are blocking: the four QLVB metrics read them, so a duplicated register entry, an
agency code outside the agency table's format, an unknown transmission or role, or a completion without its
time would give a wrong rate. Raw suites only warn: a fault in raw shows up again in staging or quarantine.
"""

from __future__ import annotations

from quality_checks.suite import Suite, Where
from quality_checks.suites.codes import AGENCY_CODE
from quality_checks.suites.expect import (
    blocking_suite,
    identifier,
    in_set,
    is_null,
    not_null,
    required,
    required_in,
    required_match,
)
from quality_checks.suites.raw import raw_suite

RAW_TABLES = ("raw.qlvb__documents", "raw.qlvb__edxml")

DIRECTIONS = ("di", "den")
BUSINESS_DOC_TYPES = (0, 1, 2, 3)
TRANSMISSIONS = ("điện tử", "giấy", "cả hai")
# A package is electronic, possibly also on paper (Paper 0 or 1, sources.md §3.8).
PACKAGE_TRANSMISSIONS = ("điện tử", "cả hai")
SECRECY = ("Mật", "Tối mật", "Tuyệt mật")
SIGNERS = ("co_quan", "ca_nhan")
ROLES = ("chủ trì", "phối hợp")
HANDLING_STATUSES = ("01", "02", "03", "04", "05", "06")
DONE = "06"
_INCOMING = Where("direction", "==", "den")


DOCUMENT = blocking_suite(
    "staging.stg_qlvb__document",
    ("_key",),
    "Văn bản trong sổ đi/đến: khóa, đơn vị, chiều, ngày, hình thức gửi nhận, độ mật",
    (
        *identifier("_key"),
        *required_match("agency_code", AGENCY_CODE),
        *required_in("direction", DIRECTIONS),
        *required("document_id", "promulgation_date"),
        not_null("received_at", where=_INCOMING),
        *required_in("business_doc_type", BUSINESS_DOC_TYPES),
        *required_in("transmission", TRANSMISSIONS),
        in_set("secrecy", SECRECY),
        not_null("signature_count"),
    ),
)

PACKAGE = blocking_suite(
    "staging.stg_qlvb__edxml_package",
    ("_key",),
    "Gói tin edXML: khóa, đơn vị nhận, loại nghiệp vụ, hình thức gửi nhận",
    (
        *identifier("_key"),
        *required_match("agency_code", AGENCY_CODE),
        *required("document_id", "promulgation_date"),
        *required_in("business_doc_type", BUSINESS_DOC_TYPES),
        *required_in("transmission", PACKAGE_TRANSMISSIONS),
        not_null("has_edxml_signature"),
    ),
)

SIGNATURE = blocking_suite(
    "staging.stg_qlvb__signature",
    ("_parent_key",),
    "Chữ ký số của văn bản: loại chứng thư, thời điểm ký, hợp lệ",
    (
        not_null("_parent_key"),
        *required_in("signed_by", SIGNERS),
        *required("signed_at", "is_valid"),
    ),
)

HANDLING = blocking_suite(
    "staging.stg_qlvb__handling",
    ("_parent_key",),
    "Phân công xử lý văn bản đến: đơn vị, vai trò, trạng thái, ngày hoàn thành khi đã xong",
    (
        not_null("_parent_key"),
        *required_match("unit_code", AGENCY_CODE),
        *required_in("role", ROLES),
        *required_in("status", HANDLING_STATUSES),
        # §3.3: NgayHoanThanh is set if TrangThai is 06, and only then.
        not_null("completed_at", where=Where("status", "==", DONE)),
        is_null("completed_at", where=Where("status", "!=", DONE)),
    ),
)

FCT_DOCUMENT = blocking_suite(
    "marts.fct_document",
    ("document_key",),
    "Văn bản (API và edXML hợp nhất): một dòng mỗi văn bản trong sổ, các cờ của chỉ số",
    (
        *identifier("document_key"),
        *required_match("agency_code", AGENCY_CODE),
        in_set("direction", DIRECTIONS),
        not_null("promulgation_date"),
        not_null("received_at", where=_INCOMING),
        *required("is_recalled", "is_secret", "is_electronic", "has_agency_signature"),
    ),
)

SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        *(
            raw_suite(
                table,
                "qlvb",
                "Bản ghi thô QLVB: nội dung JSON, vị trí và thông tin lô tải đầy đủ",
                required=("_locator",),
            )
            for table in RAW_TABLES
        ),
        DOCUMENT,
        PACKAGE,
        SIGNATURE,
        HANDLING,
        FCT_DOCUMENT,
    )
}
