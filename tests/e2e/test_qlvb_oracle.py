"""The QLVB oracle on the hand-worked year of tests/warehouse/test_qlvb_marts.py: the same documents, the
file-only package f1 as the truth lists it (an entry with `id` null), the same numbers."""

from datetime import date, datetime
from decimal import Decimal

from tests.e2e.qlvb_oracle import excluded_entries, qlvb_metrics
from tests.warehouse.test_qlvb_marts import DOCUMENTS, HAND_WORKED

A, B, C = "H35.01", "H35.02", "H35.51"
AGENCIES = [
    {"MaDinhDanh": A, "LoaiDonVi": "so-ban-nganh", "NgayHieuLuc": "", "NgayHetHieuLuc": ""},
    {"MaDinhDanh": B, "LoaiDonVi": "so-ban-nganh", "NgayHieuLuc": "", "NgayHetHieuLuc": ""},
    {"MaDinhDanh": C, "LoaiDonVi": "xa-phuong", "NgayHieuLuc": "", "NgayHetHieuLuc": ""},
    {"MaDinhDanh": "H35.01.01", "LoaiDonVi": "phong-ban", "NgayHieuLuc": "", "NgayHetHieuLuc": ""},
]
FILE_ONLY = {
    "id": None,
    "direction": "den",
    "MaDonViQuanLy": A,
    "DocumentId": "000.00.02.H35,2025/03/30,900/SNV-CCHC",
    "CodeNotation": "SNV-CCHC",
    "PromulgationDate": "2025/03/30",
    "BussinessDocType": 2,
    "NgayDen": "2025-04-01T10:00:00+07:00",
    "DoMat": "",
    "HinhThucGuiNhan": "điện tử",
    "ChuKySo": None,
    "XuLy": [],
}


def test_the_oracle_gives_the_hand_worked_numbers():
    out = qlvb_metrics([*DOCUMENTS, FILE_ONLY], AGENCIES, 2025, datetime(2026, 1, 10, 8))

    assert out == HAND_WORKED


def test_a_later_deadline_and_a_quarantined_entry_change_what_they_should():
    # Deadline 31/3/2025: a1 (10/3/2025) is in time too, still 1. Excluding a7's lead entry (index 0) leaves
    # a8 (late) and a10 (open): 0 of 2.
    a7 = next(d for d in DOCUMENTS if d["id"] == f"{A}-den-7")
    key = f"{A}|den|{a7['DocumentId']}"
    manifest = [{"entity": "documents", "quirk": "Q7", "key": key, "field": "XuLy[0].TrangThai"}]

    out = qlvb_metrics(
        DOCUMENTS, AGENCIES, 2025, datetime(2026, 1, 1), excluded_entries(manifest), date(2025, 3, 31)
    )

    assert out[(A, "qlvb.plan_on_time")] == (1, 1, Decimal("1.0000"))
    assert out[(A, "qlvb.handling_on_time_rate")] == (0, 2, Decimal("0.0000"))


def test_in_the_year_in_progress_open_entries_not_yet_due_leave_both_counts():
    # As of 2025-11-30 12:00: a10 (due 30/11, open) is not yet late and leaves; a7 and a8 remain: 1 of 2.
    out = qlvb_metrics(DOCUMENTS, AGENCIES, 2025, datetime(2025, 11, 30, 12))

    assert out[(A, "qlvb.handling_on_time_rate")] == (1, 2, Decimal("0.5000"))
