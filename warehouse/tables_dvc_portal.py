"""The marts behind the Decision 766 metrics as the national portal scores them (metrics.md §11.1)."""

import sqlalchemy as sa

from warehouse import schema
from warehouse.schema import column

fct_dossier_portal = sa.Table(
    "fct_dossier_portal",
    schema.metadata,
    column("dossier_code", sa.Text, "MaHoSo", nullable=False),
    column("agency_code", sa.Text, "MaDonViXuLy, canonical"),
    column("procedure_code", sa.Text, "MaTTHC, full code"),
    column("procedure_paper_result", sa.Boolean, "KetQuaGiay of the dossier's procedure in thu-tuc"),
    column("has_reused_data", sa.Boolean, "a TaiLieuNop entry with DuocTaiSuDung 1 or 2"),
    column("has_national_store_data", sa.Boolean, "a TaiLieuNop entry with DuocLayTuKhoDMQG = 1"),
    column("is_vneid_verified", sa.Boolean, "TaiKhoanDuocXacThucVoiVNeID = 1"),
    column(
        "processing_minutes",
        sa.BigInteger,
        "max(0, ⌊(E − NgayTiepNhan − supplement intervals) ÷ 60 s⌋); null without E or NgayTiepNhan",
    ),
    schema.primary_key("dossier_code"),
    schema="marts",
    comment="grain: one row per dossier (latest version), beside marts.fct_dossier; no class-R free text",
)

fct_procedure_agency = sa.Table(
    "fct_procedure_agency",
    schema.metadata,
    column("procedure_code", sa.Text, "MaTTHC, full code", nullable=False),
    column("agency_code", sa.Text, "an agency of MaCoQuanThucHien, canonical", nullable=False),
    column("service_level", sa.SmallInteger, "MucDo: 4 fully online, 3 partly online, 2 not online"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("paper_result", sa.Boolean, "KetQuaGiay"),
    schema.primary_key("procedure_code", "agency_code"),
    schema="marts",
    comment=(
        "grain: one row per procedure in force (TrangThai Đang áp dụng) and agency of its MaCoQuanThucHien: "
        "Proc(A) of metrics.md §11.1, the catalogue as served to the run"
    ),
)
