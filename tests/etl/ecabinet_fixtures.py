"""Small E-CABINET records in the wire format of sources.md §4, and a context to normalise them with."""

import copy

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.ecabinet.context import EcabinetContext

KEY = b"test-key"
AGENCIES = AgencyResolver(
    [
        ("H35", "000.00.00.H35"),
        ("H35.01", "000.00.01.H35"),
        ("H35.02", "000.00.02.H35"),
        ("H35.51", "000.00.51.H35"),
    ]
)


def context() -> EcabinetContext:
    return EcabinetContext(KEY, AGENCIES, CodeMappings.load("ecabinet"))


MEETING_LIST = {
    "ma": "CH-2025-0142",
    "loai": "thường kỳ",
    "ten": "Phiên họp UBND tỉnh thường kỳ tháng 10 năm 2025",
    "thoiGianBatDau": "2025-10-28T08:00:00+07:00",
    "thoiLuongPhut": 240,
    "chuTri": {"maThanhVien": "TV-000001", "chucVu": "Chủ tịch UBND tỉnh"},
    "hinhThuc": "trực tiếp",
    "diaDiem": "Phòng họp số 1",
    "trangThai": "đã kết thúc",
    "lyDoHuy": None,
    "soKyHieuGiayMoi": "1450/GM-UBND",
    "khongGiay": True,
    "thoiGianCapNhat": "2025-10-28T16:20:05.412+07:00",
}
MEETING_DETAIL = {
    **MEETING_LIST,
    "chuongTrinh": [
        {
            "thuTu": 1,
            "noiDung": "Dự thảo Kế hoạch cải cách hành chính năm 2026",
            "maDonViTrinh": "H35.02",
            "soKyHieuToTrinh": "45/TTr-SNV",
            "ketQua": "thông qua",
        }
    ],
    "taiLieu": [
        {
            "ma": "TL-88121",
            "ten": "Tờ trình 45/TTr-SNV",
            "thuTuChuongTrinh": 1,
            "ngayGui": "2025-10-24T09:15:00+07:00",
            "kenh": "điện tử",
            "doMat": "",
        }
    ],
    "thanhPhan": [
        {"maThanhVien": "TV-000001", "vaiTro": "chủ trì", "maDonVi": "H35", "coMat": True},
        {"maThanhVien": "TV-000014", "vaiTro": "thành viên", "maDonVi": "000.00.02.H35", "coMat": True},
        {"maThanhVien": "TV-000015", "vaiTro": "khách mời", "maDonVi": None, "coMat": False},
    ],
}
POLL = {
    "ma": "PLYK-2025-0031",
    "noiDung": "Xin ý kiến thành viên UBND tỉnh về dự thảo Quyết định",
    "toTrinhLienQuan": "112/TTr-SNV",
    "ngayGui": "2025-05-05T08:00:00+07:00",
    "hanTraLoi": "2025-05-08T17:00:00+07:00",
    "trangThai": "đã kết thúc",
    "thanhVien": [
        {
            "maThanhVien": "TV-000001",
            "luaChon": "đồng ý",
            "yKien": None,
            "thoiDiemTraLoi": "2025-05-06T09:00:00+07:00",
            "daKySo": True,
        },
        {
            "maThanhVien": "TV-000002",
            "luaChon": "ý kiến khác",
            "yKien": "Đề nghị bổ sung",
            "thoiDiemTraLoi": "2025-05-09T09:00:00+07:00",
            "daKySo": False,
        },
        {
            "maThanhVien": "TV-000003",
            "luaChon": "chưa trả lời",
            "yKien": None,
            "thoiDiemTraLoi": None,
            "daKySo": False,
        },
    ],
    "thoiGianCapNhat": "2025-05-09T10:00:00.000+07:00",
}
TASK = {
    "ma": "NV-2025-0877",
    "nguon": "cuộc họp",
    "maNguon": "CH-2025-0142",
    "noiDung": "Hoàn thiện Kế hoạch cải cách hành chính năm 2026",
    "maDonViChuTri": "000.00.02.H35",
    "ngayGiao": "2025-10-28",
    "hanHoanThanh": "2025-11-15",
    "ngayHoanThanh": "2025-11-14",
    "trangThai": "hoàn thành",
    "thoiGianCapNhat": "2025-11-14T16:00:00.000+07:00",
}


def variant(record: dict, **changes) -> dict:
    """A deep copy of ``record`` with top-level fields replaced."""
    return {**copy.deepcopy(record), **changes}
