"""The HR sheets (sources.md §5.4–5.8) as entity specs: converters, staging columns, privacy policies.

Every record carries `MaDonVi` (the canonical agency) and `Thang` (`YYYYMM`) from its file name, so that a
quarantined row names its agency and a row's key is unique across the agency's exports.
"""

from datetime import date, datetime

import pyarrow as pa

from etl import convert
from etl.code_mappings import CodeMappings
from etl.convert import FieldError
from etl.hr.layout import DISCIPLINE, QUOTA, RATING, STAFF, TRAINING, SheetLayout
from etl.normalise import EntitySpec, Field
from etl.privacy import CBCCVC, PERSON, FieldPolicy
from etl.text import clean_identifier

SOURCE = "hr"
EXPORT_ENTITY = "nhansu"
AGENCY_FIELD = "MaDonVi"
MONTH_FIELD = "Thang"
FILE_FIELDS = frozenset({AGENCY_FIELD, MONTH_FIELD})

SENSITIVE = frozenset({"DanToc", "TonGiao", "NgayVaoDang"})
PRIVACY = {
    STAFF.name: FieldPolicy(
        drop=frozenset({"HoTen", "QueQuan", "SoDienThoai"}),
        hash={"SoDinhDanhCaNhan": PERSON, "SoHieuCBCCVC": CBCCVC},
        year_only=frozenset({"NgaySinh"}),
        sensitive=SENSITIVE,
    ),
    QUOTA.name: FieldPolicy(),
    TRAINING.name: FieldPolicy(drop=frozenset({"HoTen"}), hash={"SoHieuCBCCVC": CBCCVC}),
    DISCIPLINE.name: FieldPolicy(drop=frozenset({"HoTen"}), hash={"SoHieuCBCCVC": CBCCVC}),
    RATING.name: FieldPolicy(drop=frozenset({"HoTen"}), hash={"SoHieuCBCCVC": CBCCVC}),
}

DATE = pa.date32()
INT = pa.int32()


def hr_date(value: object) -> date:
    """An Excel date cell, or text `dd/MM/yyyy` / `d/M/yyyy`, always day first (§5.3)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise FieldError("bad_format", value)
    parts = value.strip().split("/")
    if len(parts) != 3 or not all(p.isdigit() and p.isascii() for p in parts) or len(parts[2]) != 4:
        raise FieldError("bad_format", value)
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise FieldError("bad_format", value) from None


def rank_code(value: object) -> str:
    """`Mã ngạch`; a numeric cell such as 1.003 is written back as `01.003` (Q13)."""
    if isinstance(value, bool):
        raise FieldError("bad_format", value)
    if isinstance(value, int | float):
        return f"{value:06.3f}"
    return convert.identifier(value)


def cell_text(value: object) -> str:
    """Free text of a cell; a number typed into a text column (Q13) is kept as its text."""
    return convert.free_text(value if isinstance(value, str) else convert.as_text(value))


def birth_year(value: object) -> int:
    """`NgaySinh` after the privacy step has cut it to its year (§1.9 class Y)."""
    year = convert.integer(value)
    if not 1900 <= year <= 2100:
        raise FieldError("bad_format", value)
    return year


def _part(record: dict, name: str) -> str:
    value = record.get(name)
    if value.__class__ is str:  # nearly every part (agency, month, hashed identifiers): checked first
        return clean_identifier(value)
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_identifier(str(value))


def _key(*names: str):
    parts = (AGENCY_FIELD, MONTH_FIELD, *names)

    def key(record: dict) -> str:
        return "|".join([_part(record, name) for name in parts])

    return key


class _Builder:
    def __init__(self, codes: CodeMappings):
        self.codes = codes

    def text(self, name: str, column: str, required: bool = False) -> Field:
        return Field(name, column, convert.identifier, required=required)

    def free(self, name: str, column: str, required: bool = False) -> Field:
        return Field(name, column, cell_text, required=required)

    def enum(self, name: str, column: str, required: bool = False, mapping: str | None = None) -> Field:
        """`mapping` names the code mapping when the field name is shared by two sheets (`HinhThuc`)."""
        return Field(name, column, convert.enumeration(self.codes[mapping or name]), required=required)

    def day(self, name: str, column: str, required: bool = False) -> Field:
        return Field(name, column, hr_date, DATE, required)

    def count(self, name: str, column: str, required: bool = False) -> Field:
        return Field(name, column, convert.integer, INT, required)


def _spec(layout: SheetLayout, key, fields: tuple[Field, ...]) -> EntitySpec:
    policy = PRIVACY[layout.name]
    # Dropped personal columns and the row number are contract columns, not drift.
    known = policy.drop | policy.sensitive | FILE_FIELDS | {"STT"}
    return EntitySpec(SOURCE, layout.entity, key, fields, known=frozenset(known))


def staff_spec(b: _Builder) -> EntitySpec:
    return _spec(
        STAFF,
        _key("SoDinhDanhCaNhan"),
        (
            b.text("SoDinhDanhCaNhan", "person_id_hash", required=True),
            b.text("SoHieuCBCCVC", "cbccvc_hash", required=True),
            Field("NgaySinh", "birth_year", birth_year, INT, required=True),
            b.enum("GioiTinh", "gender", required=True),
            b.enum("LoaiNhanSu", "staff_type", required=True),
            Field("MaNgach", "rank_code", rank_code),
            b.free("TenNgach", "rank_name"),
            b.enum("ChucVuLanhDao", "leader_post"),
            Field("DonViTrucThuoc", "division", convert.code),  # compared case-folded (metrics.md §8)
            b.free("ViTriViecLam", "job_position"),
            b.day("NgayTuyenDung", "recruited_on"),
            b.day("NgayVeDonVi", "joined_on", required=True),
            b.enum("TrinhDoChuyenMon", "education_level"),
            b.enum("LyLuanChinhTri", "political_theory_level"),
            b.enum("QuanLyNhaNuoc", "state_management_level"),
            b.enum("TrangThai", "status", required=True),
            b.day("NgayThayDoiTrangThai", "status_changed_on"),
        ),
    )


def quota_spec(b: _Builder) -> EntitySpec:
    return _spec(
        QUOTA,
        _key("Nam"),
        (
            b.count("Nam", "quota_year", required=True),
            b.count("BienCheCongChucGiao", "civil_servant_quota", required=True),
            b.count("BienCheCongChucCoMat", "civil_servants_reported", required=True),
            b.count("SoNguoiLamViecGiao", "employee_quota"),
            b.count("SoNguoiLamViecCoMat", "employees_reported"),
            b.count("HopDongLaoDong", "contract_workers"),
            b.text("SoQuyetDinhGiao", "decision_number"),
            b.day("NgayQuyetDinhGiao", "decision_date"),
        ),
    )


def training_spec(b: _Builder) -> EntitySpec:
    return _spec(
        TRAINING,
        _key("SoHieuCBCCVC", "TenKhoa", "TuNgay"),
        (
            b.text("SoHieuCBCCVC", "cbccvc_hash", required=True),
            b.free("TenKhoa", "course_name", required=True),
            b.enum("LoaiHinh", "training_kind", required=True, mapping="LoaiHinhDaoTao"),
            b.enum("NoiDung", "content", required=True),
            b.enum("HinhThuc", "mode", mapping="HinhThucDaoTao"),
            b.free("CoSoDaoTao", "institution"),
            b.day("TuNgay", "started_on", required=True),
            b.day("DenNgay", "ended_on"),
            b.free("VanBang", "certificate"),
            b.enum("KetQua", "result", required=True),
            b.enum("TheoKeHoach", "planned"),
        ),
    )


def discipline_spec(b: _Builder) -> EntitySpec:
    return _spec(
        DISCIPLINE,
        _key("SoQuyetDinh"),
        (
            b.text("SoHieuCBCCVC", "cbccvc_hash", required=True),
            b.enum("HinhThuc", "discipline_form", required=True, mapping="HinhThucKyLuat"),
            b.text("SoQuyetDinh", "decision_number", required=True),
            b.day("NgayQuyetDinh", "decision_date", required=True),
            b.free("CoQuanQuyetDinh", "deciding_body"),
            b.count("ThoiHanThang", "duration_months"),
            b.free("HanhViViPham", "violation"),
        ),
    )


def rating_spec(b: _Builder) -> EntitySpec:
    return _spec(
        RATING,
        _key("SoHieuCBCCVC", "Nam"),
        (
            b.text("SoHieuCBCCVC", "cbccvc_hash", required=True),
            b.count("Nam", "rating_year", required=True),
            b.enum("MucXepLoai", "rating_code", required=True),
            b.text("SoQuyetDinh", "decision_number"),
            b.day("NgayQuyetDinh", "decision_date"),
        ),
    )


_BUILDERS = {
    STAFF.name: staff_spec,
    QUOTA.name: quota_spec,
    TRAINING.name: training_spec,
    DISCIPLINE.name: discipline_spec,
    RATING.name: rating_spec,
}


def sheet_specs(codes: CodeMappings) -> dict[str, EntitySpec]:
    """The spec of every sheet, by sheet name, bound to the code mappings."""
    builder = _Builder(codes)
    return {name: build(builder) for name, build in _BUILDERS.items()}
