"""Suites of the marts behind the Decision 766 metrics (metrics.md §11.1): blocking, since `qd766@2026`
scores them."""

from __future__ import annotations

from quality_checks.suite import Suite
from quality_checks.suites.codes import AGENCY_CODE
from quality_checks.suites.dvc import SERVICE_LEVELS
from quality_checks.suites.expect import (
    between,
    blocking_suite,
    identifier,
    matches,
    required,
    required_in,
    required_match,
    unique_together,
)

DOSSIER_PORTAL = blocking_suite(
    "marts.fct_dossier_portal",
    ("dossier_code",),
    "Hồ sơ TTHC theo Cổng DVC quốc gia: tái sử dụng dữ liệu, VNeID, thời gian xử lý",
    (
        *identifier("dossier_code"),
        *required_match("agency_code", AGENCY_CODE),
        *required(
            "procedure_paper_result", "has_reused_data", "has_national_store_data", "is_vneid_verified"
        ),
        between("processing_minutes", min_value=0),
    ),
)

PROCEDURE_AGENCY = blocking_suite(
    "marts.fct_procedure_agency",
    ("procedure_code", "agency_code"),
    "Thủ tục hành chính đang áp dụng theo từng cơ quan thực hiện (Proc(A))",
    (
        *required("procedure_code", "agency_code"),
        unique_together(("procedure_code", "agency_code")),
        matches("agency_code", AGENCY_CODE),
        *required_in("service_level", SERVICE_LEVELS),
        *required("has_fee", "paper_result"),
    ),
)

SUITES: dict[str, Suite] = {suite.name: suite for suite in (DOSSIER_PORTAL, PROCEDURE_AGENCY)}
