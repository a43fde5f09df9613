"""Hand-written DVC records (the contract's examples) and a context over the shipped configuration."""

import copy

from etl.agency_codes import AgencyResolver, load_agency_config
from etl.code_mappings import CodeMappings
from etl.dvc.context import DvcContext, ProcedureCodes

KEY = b"test-key"
FULL_CODE = "1.001193.000.00.00.H35"


def context(codes: CodeMappings | None = None) -> DvcContext:
    return DvcContext(
        pseudonym_key=KEY,
        agencies=AgencyResolver.from_rows(load_agency_config()),
        procedures=ProcedureCodes.from_rows([{"MaTTHC": FULL_CODE, "MaTTHCNgan": "1.001193"}]),
        codes=codes or CodeMappings.load("dvc"),
    )


_HO_SO = {
    "MaHoSo": "H35.51-250314-0007",
    "MaTTHC": FULL_CODE,
    "TenTTHC": "Đăng ký khai sinh",
    "MaLinhVuc": "LV-017",
    "KenhThucHien": "2",
    "MucDo": "4",
    "LoaiDoiTuong": "1",
    "SoGiayToChuHoSo": "a" * 64,  # already pseudonymised: normalisation never hashes again
    "TrichYeuHoSo": "Đăng ký khai sinh cho con",
    "NgayNopHoSo": "20250314081502",
    "NgayTiepNhan": "20250314090000",
    "NgayHenTra": "20250321090000",
    "NgayKetThucXuLy": "20250320153000",
    "NgayTra": "20250321080000",
    "NgayTuChoi": "",
    "TrangThaiHoSo": "10",
    "MaDonViXuLy": "H35.51",
    "HoSoCoThanhPhanSoHoa": "1",
    "DuocThanhToanTrucTuyen": "0",
    "CoPhiLePhi": "0",
    "TaiKhoanDuocXacThucVoiVNeID": "1",
    "TaiLieuNop": [
        {
            "MaThanhPhanHoSo": "TP-01",
            "TenTepDinhKem": "giay_chung_sinh.pdf",
            "DuocSoHoa": "1",
            "DuocTaiSuDung": "0",
            "DuocLayTuKhoDMQG": "0",
        },
        {"MaThanhPhanHoSo": "TP-02", "DuocSoHoa": "0", "DuocTaiSuDung": "0", "DuocLayTuKhoDMQG": "0"},
    ],
    "DanhSachHoSoBoSung": [],
    "DanhSachGiayToKetQua": [
        {
            "GiayToId": "5b0e",
            "TenGiayTo": "Giấy khai sinh",
            "MaGiayToKetQua": "KQ-01",
            "DuongDanTepTinKetQua": "https://dvc.example/kq/5b0e.pdf",
        }
    ],
    "NgayCapNhat": "20250321080012",
}


def ho_so(**changes) -> dict:
    record = copy.deepcopy(_HO_SO)
    record.update(changes)
    return record
