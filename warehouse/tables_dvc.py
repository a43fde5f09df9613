"""DVC tables (docs/layers.md §3-4, contracts/sources.md §2): raw and staging of every resource, where each
resource lands, and the marts of metrics.md §1."""

import sqlalchemy as sa

from warehouse import tables_common as tables
from warehouse.tables_common import LOCAL, column, primary_key

stg_dvc__procedure = tables.staging_table(
    "stg_dvc__procedure",
    "DVC thu-tuc: one row per procedure",
    column("procedure_code", sa.Text, "MaTTHC, full localised code"),
    column("short_code", sa.Text, "MaTTHCNgan, national short code"),
    column("procedure_name", sa.Text, "TenTTHC"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("field_name", sa.Text, "TenLinhVuc"),
    column("service_level", sa.SmallInteger, "MucDo: 4 fully online, 3 partly online, 2 not online"),
    column("legal_days", sa.Double, "ThoiGianGiaiQuyet: legal processing time; null when unlimited"),
    column("day_kind", sa.Text, "LoaiThoiGian: Ngày làm việc or Ngày"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("paper_result", sa.Boolean, "KetQuaGiay: the result is (also) issued on paper"),
    column("agency_codes", sa.Text, "MaCoQuanThucHien as a JSON array of canonical agency codes"),
    column("levels", sa.Text, "CapThucHien as a JSON array"),
    column("status", sa.Text, "TrangThai"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__agency = tables.staging_table(
    "stg_dvc__agency",
    "DVC don-vi: one row per agency",
    column("agency_code", sa.Text, "MaDinhDanh, canonical code"),
    column("old_code", sa.Text, "MaDinhDanhCu, old-format alias"),
    column("agency_name", sa.Text, "TenDonVi"),
    column("unit_type", sa.Text, "LoaiDonVi"),
    column("parent_code", sa.Text, "MaDonViCha, canonical"),
    column("valid_from", sa.DateTime, f"NgayHieuLuc ({LOCAL})"),
    column("valid_to", sa.DateTime, f"NgayHetHieuLuc ({LOCAL}); null while active"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__holiday = tables.staging_table(
    "stg_dvc__holiday",
    "DVC ngay-nghi: one row per day off",
    column("holiday_date", sa.Date, "Ngay: a day that is not worked"),
    column("year", sa.Integer, "Nam"),
    column("holiday_name", sa.Text, "TenNgayNghi"),
    column("day_kind", sa.Text, "LoaiNgay: Nghỉ lễ or Nghỉ bù"),
)


def dvc_portal_dossier_columns() -> list[sa.Column]:
    """The columns of `stg_dvc__dossier` that the Decision 766 metrics read (metrics.md §11.1), added by
    migration 0007_dvc766."""
    return [
        column(
            "reused_component_count",
            sa.Integer,
            "entries of TaiLieuNop with DuocTaiSuDung 1 or 2 (re-used digitised data)",
        ),
        column(
            "national_store_component_count",
            sa.Integer,
            "entries of TaiLieuNop with DuocLayTuKhoDMQG = 1 (taken from the national document store)",
        ),
        column(
            "supplement_pause_seconds",
            sa.BigInteger,
            "sum of NgayTiepNhanBoSung − NgayYeuCauBoSung over DanhSachHoSoBoSung entries with both set",
        ),
    ]


stg_dvc__dossier = tables.staging_table(
    "stg_dvc__dossier",
    "DVC ho-so: one row per dossier, its latest state",
    column("dossier_code", sa.Text, "MaHoSo"),
    column("procedure_code", sa.Text, "MaTTHC mapped to the full code (quirk Q9)"),
    column("procedure_name", sa.Text, "TenTTHC"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("channel", sa.SmallInteger, "KenhThucHien: 1 in person, 2 online, 3 public postal service"),
    column("service_level", sa.SmallInteger, "MucDo at submission"),
    column("applicant_type", sa.SmallInteger, "LoaiDoiTuong"),
    column("applicant_id_hash", sa.Text, "SoGiayToChuHoSo, HMAC-SHA256 pseudonym"),
    column("summary", sa.Text, "TrichYeuHoSo, class R free text: never in marts"),
    column("submitted_at", sa.DateTime, f"NgayNopHoSo ({LOCAL})"),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("due_at", sa.DateTime, f"NgayHenTra, the current promised time ({LOCAL})"),
    column("processing_ended_at", sa.DateTime, f"NgayKetThucXuLy ({LOCAL})"),
    column("returned_at", sa.DateTime, f"NgayTra ({LOCAL})"),
    column("refused_at", sa.DateTime, f"NgayTuChoi ({LOCAL})"),
    column("status", sa.SmallInteger, "TrangThaiHoSo 1..10"),
    column("agency_code", sa.Text, "MaDonViXuLy, canonical: the agency the dossier counts towards"),
    column("has_digitised_component", sa.Boolean, "HoSoCoThanhPhanSoHoa"),
    column("online_payment", sa.SmallInteger, "DuocThanhToanTrucTuyen 0..3; 1 and 2 mean paid online"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("vneid_verified", sa.Boolean, "TaiKhoanDuocXacThucVoiVNeID"),
    column("submitted_component_count", sa.Integer, "entries of TaiLieuNop"),
    column("digitised_component_count", sa.Integer, "entries of TaiLieuNop with DuocSoHoa = 1"),
    *dvc_portal_dossier_columns(),
    column("supplement_request_count", sa.Integer, "entries of DanhSachHoSoBoSung: S of metrics.md"),
    column("result_document_count", sa.Integer, "entries of DanhSachGiayToKetQua"),
    column(
        "e_result_document_count", sa.Integer, "entries of DanhSachGiayToKetQua with a DuongDanTepTinKetQua"
    ),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__apology = tables.staging_table(
    "stg_dvc__apology",
    "DVC phieu-xin-loi: one row per apology slip",
    column("apology_id", sa.Text, "Id"),
    column("dossier_code", sa.Text, "MaHoSo"),
    column("kind", sa.Text, "Loai, canonical Xin lỗi"),
    column("summary", sa.Text, "TrichYeu, class R free text: never in marts"),
    column("drafted_at", sa.DateTime, f"CreatedOn ({LOCAL})"),
    column("signed_at", sa.DateTime, f"NgayKy ({LOCAL})"),
    column("new_due_at", sa.DateTime, f"NgayHenTraMoi, promised to the applicant ({LOCAL})"),
    column("status", sa.Text, "TrangThai, canonical"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__rating = tables.staging_table(
    "stg_dvc__rating",
    "DVC danh-gia: one row per rated dossier, its latest rating",
    column("dossier_code", sa.Text, "MaHoSo"),
    column("rating_kind", sa.Text, "LoaiDanhGia"),
    column("rating", sa.Text, "DanhGia, canonical upper case"),
    column("comment", sa.Text, "NoiDungDanhGia, class R free text: never in marts"),
    column("rated_at", sa.DateTime, f"ThoiGianDanhGia ({LOCAL})"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

stg_dvc__feedback = tables.staging_table(
    "stg_dvc__feedback",
    "DVC pakn: one row per feedback or petition",
    column("feedback_id", sa.Text, "id"),
    column("agency_code", sa.Text, "MaDonVi, canonical: the agency addressed"),
    column("category", sa.Text, "PhanLoai"),
    column("title", sa.Text, "TieuDe, class R free text: never in marts"),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("answered_at", sa.DateTime, f"NgayTraLoi: answer or refusal ({LOCAL})"),
    column("published_at", sa.DateTime, f"NgayCongKhai ({LOCAL})"),
    column("status", sa.Text, "TrangThai"),
    column("is_published", sa.Boolean, "CongKhai"),
    column("dossier_code", sa.Text, "MaHoSo of the related dossier, if any"),
    column("answer_rating", sa.Text, "DanhGiaTraLoi"),
    column("updated_at", sa.DateTime, f"NgayCapNhat ({LOCAL})"),
)

LANDING_TARGETS: dict[tuple[str, str], tables.LandingTarget] = {
    ("dvc", "thu-tuc"): tables.LandingTarget(tables.raw_table("dvc__thu_tuc"), stg_dvc__procedure, None),
    ("dvc", "don-vi"): tables.LandingTarget(tables.raw_table("dvc__don_vi"), stg_dvc__agency, None),
    ("dvc", "ngay-nghi"): tables.LandingTarget(tables.raw_table("dvc__ngay_nghi"), stg_dvc__holiday, None),
    ("dvc", "ho-so"): tables.LandingTarget(
        tables.raw_table("dvc__ho_so"), stg_dvc__dossier, tables.AgencyReference("agency", "MaDonViXuLy")
    ),
    ("dvc", "phieu-xin-loi"): tables.LandingTarget(
        tables.raw_table("dvc__phieu_xin_loi"), stg_dvc__apology, tables.AgencyReference("dossier", "MaHoSo")
    ),
    ("dvc", "danh-gia"): tables.LandingTarget(
        tables.raw_table("dvc__danh_gia"), stg_dvc__rating, tables.AgencyReference("dossier", "MaHoSo")
    ),
    ("dvc", "pakn"): tables.LandingTarget(
        tables.raw_table("dvc__pakn"), stg_dvc__feedback, tables.AgencyReference("agency", "MaDonVi")
    ),
}


# ---- marts ----------------------------------------------------------------------------------------------

dim_procedure = tables.mart_table(
    "dim_procedure",
    column("procedure_code", sa.Text, "MaTTHC", nullable=False),
    column("short_code", sa.Text, "MaTTHCNgan"),
    column("procedure_name", sa.Text, "TenTTHC"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("field_name", sa.Text, "TenLinhVuc"),
    column("service_level", sa.SmallInteger, "MucDo"),
    column("legal_days", sa.Double, "ThoiGianGiaiQuyet"),
    column("day_kind", sa.Text, "LoaiThoiGian"),
    column("has_fee", sa.Boolean, "CoPhiLePhi: the procedure has a fee or charge"),
    column("paper_result", sa.Boolean, "KetQuaGiay: the result is (also) issued on paper"),
    column("status", sa.Text, "TrangThai: Đang áp dụng or Ngừng áp dụng"),
    primary_key("procedure_code"),
    comment="grain: one row per procedure of DVC thu-tuc",
)

fct_dossier = tables.mart_table(
    "fct_dossier",
    column("dossier_code", sa.Text, "MaHoSo", nullable=False),
    column("agency_code", sa.Text, "MaDonViXuLy, canonical"),
    column("procedure_code", sa.Text, "MaTTHC, full code"),
    column("field_code", sa.Text, "MaLinhVuc"),
    column("channel", sa.SmallInteger, "KenhThucHien"),
    column("service_level", sa.SmallInteger, "MucDo"),
    column("applicant_type", sa.SmallInteger, "LoaiDoiTuong"),
    column("status", sa.SmallInteger, "TrangThaiHoSo"),
    column("submitted_at", sa.DateTime, LOCAL),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("due_at", sa.DateTime, f"NgayHenTra ({LOCAL})"),
    column("end_at", sa.DateTime, f"E of metrics.md: NgayKetThucXuLy, else NgayTra ({LOCAL})"),
    column("returned_at", sa.DateTime, LOCAL),
    column("refused_at", sa.DateTime, LOCAL),
    column("supplement_request_count", sa.Integer, "S of metrics.md"),
    column("is_on_time", sa.Boolean, "E not null, E <= NgayHenTra and S <= 1"),
    column("is_online", sa.Boolean, "KenhThucHien = 2"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("is_paid_online", sa.Boolean, "DuocThanhToanTrucTuyen in (1, 2)"),
    column("is_digitised", sa.Boolean, "HoSoCoThanhPhanSoHoa"),
    column("has_e_result", sa.Boolean, "at least one result document with a DuongDanTepTinKetQua"),
    column(
        "has_apology_on_time",
        sa.Boolean,
        "an apology slip Xin lỗi, Đã xử lý, signed (NgayKy) at or before NgayHenTra",
    ),
    column(
        "is_dissatisfied",
        sa.Boolean,
        "latest rating KHÔNG HÀI LÒNG, or named by MaHoSo in any PAKN record",
    ),
    primary_key("dossier_code"),
    comment="grain: one row per dossier (latest version); no class-R free text",
)

fct_feedback = tables.mart_table(
    "fct_feedback",
    column("feedback_id", sa.Text, "id", nullable=False),
    column("agency_code", sa.Text, "MaDonVi, canonical"),
    column("category", sa.Text, "PhanLoai"),
    column("status", sa.Text, "TrangThai"),
    column("received_at", sa.DateTime, f"NgayTiepNhan ({LOCAL})"),
    column("answered_at", sa.DateTime, f"NgayTraLoi: answer or refusal ({LOCAL})"),
    column("published_at", sa.DateTime, LOCAL),
    column("is_published", sa.Boolean, "CongKhai"),
    column("dossier_code", sa.Text, "MaHoSo, if any"),
    column("answer_rating", sa.Text, "DanhGiaTraLoi"),
    column("deadline_date", sa.Date, "the date 15 working days after the date of NgayTiepNhan"),
    column("deadline_at", sa.DateTime, f"the end of deadline_date: the next day at 00:00 ({LOCAL})"),
    column("deadline_calendar_known", sa.Boolean, "ngay-nghi covers the years from receipt to deadline"),
    column("is_answered_on_time", sa.Boolean, "NgayTraLoi not null and before deadline_at"),
    primary_key("feedback_id"),
    comment="grain: one row per PAKN record (latest version); no class-R free text",
)

# The marts behind the Decision 766 metrics as the national portal scores them (metrics.md §11.1).

fct_dossier_portal = tables.mart_table(
    "fct_dossier_portal",
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
    primary_key("dossier_code"),
    comment="grain: one row per dossier (latest version), beside marts.fct_dossier; no class-R free text",
)

fct_procedure_agency = tables.mart_table(
    "fct_procedure_agency",
    column("procedure_code", sa.Text, "MaTTHC, full code", nullable=False),
    column("agency_code", sa.Text, "an agency of MaCoQuanThucHien, canonical", nullable=False),
    column("service_level", sa.SmallInteger, "MucDo: 4 fully online, 3 partly online, 2 not online"),
    column("has_fee", sa.Boolean, "CoPhiLePhi"),
    column("paper_result", sa.Boolean, "KetQuaGiay"),
    primary_key("procedure_code", "agency_code"),
    comment=(
        "grain: one row per procedure in force (TrangThai Đang áp dụng) and agency of its MaCoQuanThucHien: "
        "Proc(A) of metrics.md §11.1, the catalogue as served to the run"
    ),
)
