"""Suites of the marts behind the Decision 766 metrics (metrics.md §11.1): blocking, since `qd766@2026`
scores them."""

from __future__ import annotations

from quality_checks.suite import Suite
from quality_checks.suites.codes import AGENCY_CODE
from quality_checks.suites.dvc import SERVICE_LEVELS
from quality_checks.suites.expect import (
    between,
    identifier,
    matches,
    not_null,
    required_in,
    required_match,
    unique_together,
)

DOSSIER_PORTAL = Suite(
    name="marts.fct_dossier_portal",
    table="marts.fct_dossier_portal",
    key=("dossier_code",),
    blocking=True,
    description="Hồ sơ TTHC theo Cổng DVC quốc gia: tái sử dụng dữ liệu, VNeID, thời gian xử lý",
    expectations=(
        *identifier("dossier_code"),
        *required_match("agency_code", AGENCY_CODE),
        not_null("procedure_paper_result"),
        not_null("has_reused_data"),
        not_null("has_national_store_data"),
        not_null("is_vneid_verified"),
        between("processing_minutes", min_value=0),
    ),
)

PROCEDURE_AGENCY = Suite(
    name="marts.fct_procedure_agency",
    table="marts.fct_procedure_agency",
    key=("procedure_code", "agency_code"),
    blocking=True,
    description="Thủ tục hành chính đang áp dụng theo từng cơ quan thực hiện (Proc(A))",
    expectations=(
        not_null("procedure_code"),
        not_null("agency_code"),
        unique_together(("procedure_code", "agency_code")),
        matches("agency_code", AGENCY_CODE),
        *required_in("service_level", SERVICE_LEVELS),
        not_null("has_fee"),
        not_null("paper_result"),
    ),
)

SUITES: dict[str, Suite] = {suite.name: suite for suite in (DOSSIER_PORTAL, PROCEDURE_AGENCY)}
