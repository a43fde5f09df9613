"""The DVC resources (sources.md §2.4–2.10) as entity specs: fields, converters, staging columns, privacy."""

import operator

import orjson
import pyarrow as pa

from etl import convert
from etl.convert import FieldError
from etl.dvc.context import DvcContext
from etl.fields import FieldBuilder
from etl.normalise import TIMESTAMP, ArrayField, EntitySpec, Field, object_entry
from etl.privacy import PERSON, FieldPolicy
from etl.text import clean_code, clean_identifier
from etl.timeparse import parse_dvc_date

SOURCE = "dvc"
CATALOGUES = ("thu-tuc", "don-vi", "ngay-nghi")
INCREMENTAL = ("ho-so", "phieu-xin-loi", "danh-gia", "pakn")

KEY_FIELDS = {
    "thu-tuc": "MaTTHC",
    "don-vi": "MaDinhDanh",
    "ngay-nghi": "Ngay",
    "ho-so": "MaHoSo",
    "phieu-xin-loi": "Id",
    "danh-gia": "MaHoSo",
    "pakn": "id",
}
VERSION_FIELD = "NgayCapNhat"

PRIVACY = {
    "ho-so": FieldPolicy(
        drop=frozenset({"ChuHoSo", "SoDienThoai", "Email", "DiaChiChuHoSo"}),
        hash={"SoGiayToChuHoSo": PERSON},
    ),
    "phieu-xin-loi": FieldPolicy(drop=frozenset({"TenLanhDaoKy"})),
    "danh-gia": FieldPolicy(drop=frozenset({"NguoiDanhGia"})),
    "pakn": FieldPolicy(drop=frozenset({"NguoiGui"})),
}
NO_PERSONAL_DATA = FieldPolicy()

SMALLINT = pa.int16()
BOOL = pa.bool_()
DATE = pa.date32()


def record_key(entity: str):
    """The cleaned natural key of a received ``entity`` record (None when it lacks one)."""
    name = KEY_FIELDS[entity]
    # Agency codes are codes (§1.4): whitespace inside them is collapsed; the other keys are identifiers.
    clean = clean_code if entity == "don-vi" else clean_identifier

    def key(record: dict) -> str | None:
        text = convert.scalar_text(record.get(name))
        return None if text is None else clean(text) or None

    return key


def _json_list(values: list) -> str:
    return orjson.dumps(values).decode()


class _Builder(FieldBuilder):
    """Field constructors bound to one context's mappings and reference data."""

    def __init__(self, context: DvcContext, agencies=None):
        super().__init__(context.codes, agencies or context.agencies)
        self.procedures = context.procedures

    def small(self, name, column, mapping, required=True) -> Field:
        return Field(name, column, convert.small_int_code(self.codes[mapping]), SMALLINT, required)

    def flag(self, name, column, required=True) -> Field:
        return Field(name, column, convert.flag(self.codes["flag"]), BOOL, required)

    def time(self, name, column, required=False) -> Field:
        return Field(name, column, convert.dvc_datetime, TIMESTAMP, required)

    def procedure(self, name, column) -> Field:
        return Field(name, column, convert.procedure(self.procedures.resolve), required=True)

    def version(self) -> Field:
        return self.time(VERSION_FIELD, "updated_at", required=True)


def _true_count(name: str):
    """The number of valid entries whose flag ``name`` is true."""
    flag = operator.itemgetter(name)
    return lambda valid: sum(map(flag, valid))


def _scalar_array(name: str, column: str, element) -> ArrayField:
    def entry(value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise FieldError("missing_required", value)
        return element(value)

    return ArrayField(name, entry, ((column, pa.string(), _json_list),))


def _thu_tuc(b: _Builder) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        "thu-tuc",
        record_key("thu-tuc"),
        fields=(
            b.text("MaTTHC", "procedure_code", required=True),
            b.text("MaTTHCNgan", "short_code", required=True),
            b.free("TenTTHC", "procedure_name", required=True),
            b.text("MaLinhVuc", "field_code", required=True),
            b.free("TenLinhVuc", "field_name", required=True),
            b.small("MucDo", "service_level", "MucDo"),
            Field("ThoiGianGiaiQuyet", "legal_days", convert.number, pa.float64()),
            b.enum("LoaiThoiGian", "day_kind", "LoaiThoiGian", required=False),
            b.flag("CoPhiLePhi", "has_fee"),
            b.flag("KetQuaGiay", "paper_result"),
            b.enum("TrangThai", "status", "TrangThaiThuTuc"),
        ),
        arrays=(
            _scalar_array("MaCoQuanThucHien", "agency_codes", b.agency_convert),
            _scalar_array("CapThucHien", "levels", convert.enumeration(b.codes["CapThucHien"])),
        ),
        version=b.version(),
    )


def _don_vi(b: _Builder) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        "don-vi",
        record_key("don-vi"),
        fields=(
            Field("MaDinhDanh", "agency_code", convert.code, required=True),
            Field("MaDinhDanhCu", "old_code", convert.code),
            b.free("TenDonVi", "agency_name", required=True),
            b.enum("LoaiDonVi", "unit_type", "LoaiDonVi"),
            b.agency("MaDonViCha", "parent_code", required=False),
            b.time("NgayHieuLuc", "valid_from"),
            b.time("NgayHetHieuLuc", "valid_to"),
        ),
        version=b.version(),
    )


def _ngay_nghi(b: _Builder) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        "ngay-nghi",
        record_key("ngay-nghi"),
        fields=(
            Field("Ngay", "holiday_date", convert.timestamp(parse_dvc_date), DATE, required=True),
            Field("Nam", "year", convert.integer, pa.int32(), required=True),
            b.free("TenNgayNghi", "holiday_name", required=True),
            b.enum("LoaiNgay", "day_kind", "LoaiNgay"),
        ),
    )


def _has_link(entry: dict) -> bool:
    return entry["DuongDanTepTinKetQua"] is not None


def _reuses_data(entry: dict) -> bool:
    """DuocTaiSuDung 1 or 2: the component re-used digitised data (metrics.md §11.1 `dvc.reuse_rate`)."""
    return entry["DuocTaiSuDung"] in ("1", "2")


def _pause_seconds(entry: dict) -> int:
    """The time a supplement request held the dossier: NgayTiepNhanBoSung − NgayYeuCauBoSung when both are
    set (metrics.md §11.1 `dvc.avg_processing_days`), else 0."""
    requested, received = entry["NgayYeuCauBoSung"], entry["NgayTiepNhanBoSung"]
    if requested is None or received is None:
        return 0
    return int((received - requested).total_seconds())


def _ho_so(b: _Builder) -> EntitySpec:
    flags = b.codes["flag"]
    submitted = object_entry(
        (
            Field("MaThanhPhanHoSo", None, convert.identifier, required=True),
            Field("TenTepDinhKem", None, convert.free_text),
            Field("DuocSoHoa", None, convert.flag(flags), required=True),
            Field("DuocTaiSuDung", None, convert.enumeration(b.codes["DuocTaiSuDung"]), required=True),
            Field("DuocLayTuKhoDMQG", None, convert.flag(flags), required=True),
        )
    )
    supplements = object_entry(
        (
            Field("HoSoBoSungId", None, convert.identifier, required=True),
            Field("NoiDungBoSung", None, convert.free_text),
            b.time("NgayYeuCauBoSung", None, required=True),
            b.time("NgayTiepNhanBoSung", None),
            b.time("NgayHenTraTruoc", None),
            b.time("NgayHenTraMoi", None),
        )
    )
    results = object_entry(
        (
            Field("GiayToId", None, convert.identifier, required=True),
            Field("TenGiayTo", None, convert.free_text, required=True),
            Field("MaGiayToKetQua", None, convert.identifier),
            Field("DuongDanTepTinKetQua", None, convert.identifier),
        )
    )
    int32 = pa.int32()
    return EntitySpec(
        SOURCE,
        "ho-so",
        record_key("ho-so"),
        fields=(
            b.text("MaHoSo", "dossier_code", required=True),
            b.procedure("MaTTHC", "procedure_code"),
            b.free("TenTTHC", "procedure_name", required=True),
            b.text("MaLinhVuc", "field_code", required=True),
            b.small("KenhThucHien", "channel", "KenhThucHien"),
            b.small("MucDo", "service_level", "MucDo"),
            b.small("LoaiDoiTuong", "applicant_type", "LoaiDoiTuong"),
            b.text("SoGiayToChuHoSo", "applicant_id_hash"),
            b.free("TrichYeuHoSo", "summary", required=True),
            b.time("NgayNopHoSo", "submitted_at", required=True),
            b.time("NgayTiepNhan", "received_at"),
            b.time("NgayHenTra", "due_at"),
            b.time("NgayKetThucXuLy", "processing_ended_at"),
            b.time("NgayTra", "returned_at"),
            b.time("NgayTuChoi", "refused_at"),
            b.small("TrangThaiHoSo", "status", "TrangThaiHoSo"),
            b.agency("MaDonViXuLy", "agency_code"),
            b.flag("HoSoCoThanhPhanSoHoa", "has_digitised_component"),
            b.small("DuocThanhToanTrucTuyen", "online_payment", "DuocThanhToanTrucTuyen"),
            b.flag("CoPhiLePhi", "has_fee"),
            b.flag("TaiKhoanDuocXacThucVoiVNeID", "vneid_verified"),
        ),
        arrays=(
            ArrayField(
                "TaiLieuNop",
                submitted,
                (
                    ("submitted_component_count", int32, len),
                    ("digitised_component_count", int32, _true_count("DuocSoHoa")),
                    ("reused_component_count", int32, lambda valid: sum(map(_reuses_data, valid))),
                    (
                        "national_store_component_count",
                        int32,
                        _true_count("DuocLayTuKhoDMQG"),
                    ),
                ),
            ),
            ArrayField(
                "DanhSachHoSoBoSung",
                supplements,
                (
                    ("supplement_request_count", int32, len),
                    ("supplement_pause_seconds", pa.int64(), lambda valid: sum(map(_pause_seconds, valid))),
                ),
            ),
            ArrayField(
                "DanhSachGiayToKetQua",
                results,
                (
                    ("result_document_count", int32, len),
                    ("e_result_document_count", int32, lambda valid: sum(map(_has_link, valid))),
                ),
            ),
        ),
        version=b.version(),
        known=PRIVACY["ho-so"].drop,
        date_order=("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra"),
    )


def _phieu_xin_loi(b: _Builder) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        "phieu-xin-loi",
        record_key("phieu-xin-loi"),
        fields=(
            b.text("Id", "apology_id", required=True),
            b.text("MaHoSo", "dossier_code", required=True),
            b.enum("Loai", "kind", "LoaiPhieu"),
            b.free("TrichYeu", "summary"),
            b.time("CreatedOn", "drafted_at", required=True),
            b.time("NgayKy", "signed_at"),
            b.time("NgayHenTraMoi", "new_due_at", required=True),
            b.enum("TrangThai", "status", "TrangThaiPhieu"),
        ),
        version=b.version(),
        known=PRIVACY["phieu-xin-loi"].drop,
    )


def _danh_gia(b: _Builder) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        "danh-gia",
        record_key("danh-gia"),
        fields=(
            b.text("MaHoSo", "dossier_code", required=True),
            b.enum("LoaiDanhGia", "rating_kind", "LoaiDanhGia"),
            b.enum("DanhGia", "rating", "DanhGia"),
            b.free("NoiDungDanhGia", "comment"),
            b.time("ThoiGianDanhGia", "rated_at", required=True),
        ),
        version=b.version(),
        known=PRIVACY["danh-gia"].drop,
    )


def _pakn(b: _Builder) -> EntitySpec:
    return EntitySpec(
        SOURCE,
        "pakn",
        record_key("pakn"),
        fields=(
            b.text("id", "feedback_id", required=True),
            b.agency("MaDonVi", "agency_code"),
            b.enum("PhanLoai", "category", "PhanLoaiPakn"),
            b.free("TieuDe", "title"),
            b.time("NgayTiepNhan", "received_at", required=True),
            b.time("NgayTraLoi", "answered_at"),
            b.time("NgayCongKhai", "published_at"),
            b.enum("TrangThai", "status", "TrangThaiPakn"),
            b.flag("CongKhai", "is_published"),
            b.text("MaHoSo", "dossier_code"),
            b.enum("DanhGiaTraLoi", "answer_rating", "DanhGiaTraLoi", required=False),
        ),
        version=b.version(),
        known=PRIVACY["pakn"].drop,
    )


_BUILDERS = {
    "thu-tuc": _thu_tuc,
    "don-vi": _don_vi,
    "ngay-nghi": _ngay_nghi,
    "ho-so": _ho_so,
    "phieu-xin-loi": _phieu_xin_loi,
    "danh-gia": _danh_gia,
    "pakn": _pakn,
}
ENTITIES = tuple(_BUILDERS)


def entity_spec(entity: str, context: DvcContext, agencies=None) -> EntitySpec:
    """The spec of ``entity`` bound to ``context`` (``agencies`` overrides its resolver)."""
    try:
        build = _BUILDERS[entity]
    except KeyError:
        raise ValueError(f"unknown DVC entity {entity!r}; expected one of {', '.join(ENTITIES)}") from None
    return build(_Builder(context, agencies))


def privacy_policy(entity: str) -> FieldPolicy:
    return PRIVACY.get(entity, NO_PERSONAL_DATA)
