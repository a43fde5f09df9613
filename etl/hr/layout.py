"""The five sheets of an HR export (sources.md §5.4–5.8): header texts, contract fields, required columns."""

from typing import NamedTuple

from etl.text import clean_code


class Column(NamedTuple):
    header: str  # the exact header text of the contract
    field: str  # the contract field name, used as the record's key
    required: bool = False  # Req = Y: the column must exist and its cell must be filled


class SheetLayout(NamedTuple):
    name: str
    entity: str  # the quarantine entity of the sheet's rows
    columns: tuple[Column, ...]

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)

    def field_by_header(self) -> dict[str, str]:
        """Cleaned, case-folded header text → field name (§5.2: headers are cleaned like enumerations)."""
        return {header_token(c.header): c.field for c in self.columns}


def header_token(text: object) -> str:
    return clean_code(str(text)).casefold() if text is not None else ""


_ROW_NUMBER = Column("STT", "STT")
_NAME = Column("Họ và tên", "HoTen")
_CBCCVC = Column("Số hiệu CBCCVC", "SoHieuCBCCVC", True)

STAFF = SheetLayout(
    "CanBo",
    "can-bo",
    (
        _ROW_NUMBER,
        _CBCCVC,
        Column("Số định danh cá nhân", "SoDinhDanhCaNhan", True),
        Column("Họ và tên", "HoTen", True),
        Column("Ngày sinh", "NgaySinh", True),
        Column("Giới tính", "GioiTinh", True),
        Column("Dân tộc", "DanToc"),
        Column("Tôn giáo", "TonGiao"),
        Column("Ngày vào Đảng", "NgayVaoDang"),
        Column("Quê quán", "QueQuan"),
        Column("Số điện thoại", "SoDienThoai"),
        Column("Loại nhân sự", "LoaiNhanSu", True),
        Column("Mã ngạch", "MaNgach"),
        Column("Ngạch, chức danh nghề nghiệp", "TenNgach"),
        Column("Chức vụ lãnh đạo", "ChucVuLanhDao"),
        Column("Phòng, đơn vị trực thuộc", "DonViTrucThuoc"),
        Column("Vị trí việc làm", "ViTriViecLam"),
        Column("Ngày tuyển dụng", "NgayTuyenDung"),
        Column("Ngày về đơn vị", "NgayVeDonVi", True),
        Column("Trình độ chuyên môn", "TrinhDoChuyenMon"),
        Column("Lý luận chính trị", "LyLuanChinhTri"),
        Column("Quản lý nhà nước", "QuanLyNhaNuoc"),
        Column("Trạng thái", "TrangThai", True),
        Column("Ngày thay đổi trạng thái", "NgayThayDoiTrangThai"),
    ),
)

QUOTA = SheetLayout(
    "BienChe",
    "bien-che",
    (
        _ROW_NUMBER,
        Column("Năm", "Nam", True),
        Column("Biên chế công chức được giao", "BienCheCongChucGiao", True),
        Column("Biên chế công chức có mặt", "BienCheCongChucCoMat", True),
        Column("Số người làm việc được giao", "SoNguoiLamViecGiao"),
        Column("Số người làm việc có mặt", "SoNguoiLamViecCoMat"),
        Column("Hợp đồng lao động", "HopDongLaoDong"),
        Column("Số quyết định giao", "SoQuyetDinhGiao"),
        Column("Ngày quyết định giao", "NgayQuyetDinhGiao"),
    ),
)

TRAINING = SheetLayout(
    "DaoTao",
    "dao-tao",
    (
        _ROW_NUMBER,
        _CBCCVC,
        _NAME,
        Column("Tên khóa đào tạo, bồi dưỡng", "TenKhoa", True),
        Column("Loại hình", "LoaiHinh", True),
        Column("Nội dung", "NoiDung", True),
        Column("Hình thức", "HinhThuc"),
        Column("Cơ sở đào tạo", "CoSoDaoTao"),
        Column("Từ ngày", "TuNgay", True),
        Column("Đến ngày", "DenNgay"),
        Column("Văn bằng, chứng chỉ", "VanBang"),
        Column("Kết quả", "KetQua", True),
        Column("Theo kế hoạch", "TheoKeHoach"),
    ),
)

DISCIPLINE = SheetLayout(
    "KyLuat",
    "ky-luat",
    (
        _ROW_NUMBER,
        _CBCCVC,
        _NAME,
        Column("Hình thức kỷ luật", "HinhThuc", True),
        Column("Số quyết định", "SoQuyetDinh", True),
        Column("Ngày quyết định", "NgayQuyetDinh", True),
        Column("Cơ quan quyết định", "CoQuanQuyetDinh"),
        Column("Thời hạn (tháng)", "ThoiHanThang"),
        Column("Hành vi vi phạm", "HanhViViPham"),
    ),
)

RATING = SheetLayout(
    "DanhGia",
    # Not "danh-gia": DVC's citizen ratings have that entity name.
    "xep-loai",
    (
        _ROW_NUMBER,
        _CBCCVC,
        _NAME,
        Column("Năm đánh giá", "Nam", True),
        Column("Mức xếp loại", "MucXepLoai", True),
        Column("Số quyết định", "SoQuyetDinh"),
        Column("Ngày quyết định", "NgayQuyetDinh"),
    ),
)

SHEETS = (STAFF, QUOTA, TRAINING, DISCIPLINE, RATING)
