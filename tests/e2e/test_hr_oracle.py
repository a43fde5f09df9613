"""The HR oracle on the hand-worked year of tests/warehouse/test_hr_metrics.py (the numbers are worked out
in that module's docstring), given as contract records with the quirks the oracle must read through."""

import unicodedata
from datetime import date, datetime
from decimal import Decimal

from tests.e2e.hr_oracle import hr_metrics_from_exports
from tests.warehouse.test_hr_metrics import HAND_WORKED

A, B, C = "H35.01", "H35.02", "H35.03"


def staff(cbccvc, person, staff_type, joined, status="Đang làm việc"):
    return {
        "SoHieuCBCCVC": cbccvc,
        "SoDinhDanhCaNhan": person,
        "HoTen": "Người Thứ",
        "NgaySinh": "01/01/1985",
        "GioiTinh": "Nam",
        "LoaiNhanSu": staff_type,
        "NgayVeDonVi": joined,
        "TrangThai": status,
    }


def training(cbccvc, start, end, result):
    return {
        "SoHieuCBCCVC": cbccvc,
        "TenKhoa": "Khóa",
        "LoaiHinh": "Bồi dưỡng",
        "NoiDung": "Tin học",
        "TuNgay": start,
        "DenNgay": end,
        "KetQua": result,
    }


def decision(number, day):
    return {"SoHieuCBCCVC": "CB003", "HinhThuc": "Cảnh cáo", "SoQuyetDinh": number, "NgayQuyetDinh": day}


EXPORTS = [
    {
        "MaDonVi": "000.00.01.H35",  # the old format (Q5)
        "Thang": "202512",
        "CanBo": [
            staff("CB001", "000000000001", "Công chức", "02/01/2015"),
            staff("CB002", "000000000002", "Viên chức", date(2018, 7, 1)),  # an Excel date cell
            staff("CB003", "000000000003", "Công chức", "01/01/2012", "Chuyển công tác"),
            staff("CB004", 12345678904, "Công chức", "01/01/2020"),  # a number that lost its leading 0 (Q13)
            staff("CB009", "000000000009", "Nhân viên", "01/01/2020"),  # unknown LoaiNhanSu: quarantined
        ],
        "BienChe": [{"Nam": 2025.0, "BienCheCongChucGiao": 2}],  # a float year (Q13)
        "DaoTao": [
            training("CB001", "01/02/2025", "28/02/2025", unicodedata.normalize("NFD", "Hoàn thành")),  # Q2
            training("CB002", "01/11/2024", "20/12/2024", "Hoàn thành"),
        ],
        "KyLuat": [decision("15/QĐ", "10/02/2025"), decision("3/QĐ", "10/02/2024")],
    },
    {
        "MaDonVi": A,
        "Thang": "202511",
        "CanBo": [staff("CB001", "000000000001", "Công chức", "02/01/2015")],
        "BienChe": [{"Nam": 2025, "BienCheCongChucGiao": 2}],
        "KyLuat": [decision("15/QĐ", "10/02/2025"), decision("9/QĐ", "05/01/2025")],
    },
    {
        "MaDonVi": B,
        "Thang": "202512",
        "CanBo": [
            staff("CB004", "012345678904", "Công chức", "01/06/2025"),  # the same person, joined later
            staff("CB005", "000000000005", "  CÔNG  CHỨC ", "01/01/2019"),  # Q3, Q4
        ],
        "BienChe": [{"Nam": 2025, "BienCheCongChucGiao": 1}],
    },
]


def test_the_hand_worked_year():
    result = hr_metrics_from_exports(
        EXPORTS, [A, B, C], 2025, datetime(2026, 1, 1), aliases={"000.00.01.H35": A}
    )
    assert result == HAND_WORKED


def test_in_the_year_in_progress_the_snapshot_is_the_latest_month_begun():
    # As of 20/12/2025 00:00 the December export's month has begun: still the snapshot. As of 30/11/2025 the
    # November export of A is it (one civil servant); B has none yet; the December baseline is not there.
    result = hr_metrics_from_exports(
        EXPORTS, [A, B], 2025, datetime(2025, 11, 30), aliases={"000.00.01.H35": A}
    )
    assert result[(A, "hr.civil_servants")] == (1, 1, Decimal("1.0000"))
    assert result[(A, "hr.civil_servant_reduction")] == (None, None, None)
    assert result[(A, "hr.discipline_cases")] == (2, 1, Decimal("2.0000"))
    assert result[(B, "hr.civil_servants")] == (None, None, None)


def test_without_the_baseline_export_the_reduction_is_undefined():
    # No export of December 2024: with 2024 as the baseline year the reduction is undefined, not zero.
    aliases = {"000.00.01.H35": A}
    result = hr_metrics_from_exports(
        EXPORTS, [A], 2025, datetime(2026, 1, 1), baseline_year=2024, aliases=aliases
    )
    assert result[(A, "hr.civil_servant_reduction")] == (None, None, None)
    assert result[(A, "hr.civil_servants")] == (1, 1, Decimal("1.0000"))
