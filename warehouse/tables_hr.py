"""HR tables (contracts/sources.md §5): one export per agency and month, its five sheets as child tables.

A re-issued export (same agency and month, new content) wins as the newer version of its parent row in
`stg_hr__export`, and `land_batch` replaces every child row of the earlier content with it.
"""

import sqlalchemy as sa

from warehouse import tables_common as tables
from warehouse.tables_common import LOCAL, column, primary_key

raw_hr__nhansu = tables.raw_table("hr__nhansu")

stg_hr__export = tables.staging_table(
    "stg_hr__export",
    "HR exports: one row per agency and month, the latest file content read (_key = agency|YYYYMM)",
    column("agency_code", sa.Text, "MaDonVi of the file name, canonical"),
    column("export_month", sa.Date, "YYYYMM of the file name, as its first day"),
    column("file_name", sa.Text, "the file the content came from"),
    column("file_sha256", sa.Text, "SHA-256 of the file"),
    column("file_modified_at", sa.DateTime, f"the file's modification time ({LOCAL})"),
)


def _row_key(example: str) -> sa.Column:
    return column("record_key", sa.Text, f"the row's natural key within its export, {example}")


stg_hr__staff = tables.child_table(
    "stg_hr__staff",
    "HR sheet CanBo: one row per person listed in an export (agency, month, person)",
    _row_key("agency|YYYYMM|person_id_hash"),
    column("person_id_hash", sa.Text, "SoDinhDanhCaNhan, HMAC-SHA256 pseudonym (domain person)"),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, HMAC-SHA256 pseudonym (domain cbccvc)"),
    column("birth_year", sa.Integer, "NgaySinh cut to its year"),
    column("gender", sa.Text, "GioiTinh"),
    column("staff_type", sa.Text, "LoaiNhanSu: Cán bộ, Công chức, Viên chức, Hợp đồng lao động"),
    column("rank_code", sa.Text, "MaNgach, e.g. 01.003 (Q13 numbers written back)"),
    column("rank_name", sa.Text, "TenNgach"),
    column("leader_post", sa.Text, "ChucVuLanhDao; null if none"),
    column("division", sa.Text, "DonViTrucThuoc"),
    column("job_position", sa.Text, "ViTriViecLam"),
    column("recruited_on", sa.Date, "NgayTuyenDung"),
    column("joined_on", sa.Date, "NgayVeDonVi: joined this agency; decides transfers (§5.9)"),
    column("education_level", sa.Text, "TrinhDoChuyenMon"),
    column("political_theory_level", sa.Text, "LyLuanChinhTri: a training level, not an opinion"),
    column("state_management_level", sa.Text, "QuanLyNhaNuoc"),
    column("status", sa.Text, "TrangThai: Đang làm việc, Nghỉ hưu, Thôi việc, Chuyển công tác"),
    column("status_changed_on", sa.Date, "NgayThayDoiTrangThai"),
)

stg_hr__quota = tables.child_table(
    "stg_hr__quota",
    "HR sheet BienChe: one row per quota year listed in an export",
    _row_key("agency|YYYYMM|year"),
    column("quota_year", sa.Integer, "Nam"),
    column("civil_servant_quota", sa.Integer, "BienCheCongChucGiao: civil-servant positions assigned"),
    column("civil_servants_reported", sa.Integer, "BienCheCongChucCoMat, as the agency reports it"),
    column("employee_quota", sa.Integer, "SoNguoiLamViecGiao: viên chức quota"),
    column("employees_reported", sa.Integer, "SoNguoiLamViecCoMat"),
    column("contract_workers", sa.Integer, "HopDongLaoDong"),
    column("decision_number", sa.Text, "SoQuyetDinhGiao"),
    column("decision_date", sa.Date, "NgayQuyetDinhGiao"),
)

stg_hr__training = tables.child_table(
    "stg_hr__training",
    "HR sheet DaoTao: one row per course listed in an export (courses of the year to date)",
    _row_key("agency|YYYYMM|cbccvc_hash|course|start"),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, pseudonym"),
    column("course_name", sa.Text, "TenKhoa"),
    column("training_kind", sa.Text, "LoaiHinh: Đào tạo or Bồi dưỡng"),
    column("content", sa.Text, "NoiDung"),
    column("mode", sa.Text, "HinhThuc"),
    column("institution", sa.Text, "CoSoDaoTao"),
    column("started_on", sa.Date, "TuNgay"),
    column("ended_on", sa.Date, "DenNgay; null while not known"),
    column("certificate", sa.Text, "VanBang"),
    column("result", sa.Text, "KetQua: Đang học, Hoàn thành, Không hoàn thành"),
    column("planned", sa.Text, "TheoKeHoach: Có or Không"),
)

stg_hr__discipline = tables.child_table(
    "stg_hr__discipline",
    "HR sheet KyLuat: one row per discipline decision listed in an export",
    _row_key("agency|YYYYMM|decision number"),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, pseudonym"),
    column("discipline_form", sa.Text, "HinhThuc, class R: never in marts"),
    column("decision_number", sa.Text, "SoQuyetDinh: with the agency, the decision's key"),
    column("decision_date", sa.Date, "NgayQuyetDinh"),
    column("deciding_body", sa.Text, "CoQuanQuyetDinh"),
    column("duration_months", sa.Integer, "ThoiHanThang"),
    column("violation", sa.Text, "HanhViViPham, class R: never in marts"),
)

stg_hr__rating = tables.child_table(
    "stg_hr__rating",
    "HR sheet DanhGia: one row per annual rating listed in an export",
    _row_key("agency|YYYYMM|cbccvc_hash|year"),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, pseudonym"),
    column("rating_year", sa.Integer, "Nam"),
    column("rating_code", sa.Text, "MucXepLoai, canonical code: HTXSNV, HTTNV, HTNV, KHTNV"),
    column("decision_number", sa.Text, "SoQuyetDinh"),
    column("decision_date", sa.Date, "NgayQuyetDinh"),
)

cfg_hr_baseline = tables.state_table(
    "cfg_hr_baseline",
    column("baseline_year", sa.Integer, "its December export is the staffing baseline", nullable=False),
    comment="HR parameter of hr.civil_servant_reduction (metrics.md §4), one row, written by the HR run",
)

# Where each entity of the source lands (warehouse.schema.LANDING_TARGETS lists every source).
LANDING_TARGETS: dict[tuple[str, str], tables.LandingTarget] = {
    ("hr", "nhansu"): tables.LandingTarget(
        raw_hr__nhansu,
        stg_hr__export,
        tables.AgencyReference("agency", "MaDonVi"),
        children={
            "stg_hr__staff": stg_hr__staff,
            "stg_hr__quota": stg_hr__quota,
            "stg_hr__training": stg_hr__training,
            "stg_hr__discipline": stg_hr__discipline,
            "stg_hr__rating": stg_hr__rating,
        },
    ),
}

# ---- marts ----------------------------------------------------------------------------------------------


def _export_key() -> list[sa.Column]:
    """The agency and month of the export a row of a sheet's mart came from: the leading key columns of
    every such mart."""
    return [
        column("agency_code", sa.Text, "MaDonVi of the export, canonical", nullable=False),
        column("export_month", sa.Date, "first day of the export's month", nullable=False),
    ]


fct_hr_export = tables.mart_table(
    "fct_hr_export",
    column("agency_code", sa.Text, "MaDonVi, canonical", nullable=False),
    column("export_month", sa.Date, "the month of the export, as its first day", nullable=False),
    column("month_end", sa.Date, "the last day of that month"),
    primary_key("agency_code", "export_month"),
    comment="grain: one row per agency and month with an HR export loaded",
)

fct_hr_staff = tables.mart_table(
    "fct_hr_staff",
    column("agency_code", sa.Text, "MaDonVi of the export", nullable=False),
    column("export_month", sa.Date, "first day of the export's month", nullable=False),
    column("person_id_hash", sa.Text, "SoDinhDanhCaNhan, pseudonym", nullable=False),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, pseudonym: links training and discipline rows"),
    column("staff_type", sa.Text, "LoaiNhanSu"),
    column("status", sa.Text, "TrangThai"),
    column("joined_on", sa.Date, "NgayVeDonVi"),
    column("is_duplicate_person", sa.Boolean, "quarantined by the transfer rule (§5.9, Q15)"),
    column("is_serving", sa.Boolean, "TrangThai Đang làm việc and not a duplicate_person"),
    column("is_civil_servant", sa.Boolean, "serving and LoaiNhanSu Công chức"),
    comment="grain: one row per CanBo row of the latest content of each agency and month",
)

fct_hr_quota = tables.mart_table(
    "fct_hr_quota",
    *_export_key(),
    column("quota_year", sa.Integer, "Nam", nullable=False),
    column("civil_servant_quota", sa.Integer, "BienCheCongChucGiao"),
    column("civil_servants_reported", sa.Integer, "BienCheCongChucCoMat (the metrics count CanBo instead)"),
    comment="grain: one row per BienChe row (agency, export month, quota year)",
)

fct_hr_training = tables.mart_table(
    "fct_hr_training",
    *_export_key(),
    column("month_end", sa.Date, "last day of the export's month"),
    column("training_key", sa.Text, "cbccvc_hash|TenKhoa|TuNgay: the row's key across exports"),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, pseudonym"),
    column("training_kind", sa.Text, "LoaiHinh"),
    column("content", sa.Text, "NoiDung"),
    column("started_on", sa.Date, "TuNgay"),
    column("ended_on", sa.Date, "DenNgay"),
    column("result", sa.Text, "KetQua"),
    comment="grain: one row per DaoTao row of each export (a course is listed again every month of its year)",
)

fct_hr_discipline = tables.mart_table(
    "fct_hr_discipline",
    *_export_key(),
    column("month_end", sa.Date, "last day of the export's month"),
    column("decision_number", sa.Text, "SoQuyetDinh: with the agency, the key"),
    column("decision_date", sa.Date, "NgayQuyetDinh"),
    column("cbccvc_hash", sa.Text, "SoHieuCBCCVC, pseudonym"),
    column("duration_months", sa.Integer, "ThoiHanThang"),
    comment="grain: one row per KyLuat row of each export; the form and the violation (class R) stay out",
)
