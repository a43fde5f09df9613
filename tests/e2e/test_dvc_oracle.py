"""The oracle on a hand-built DVC fixture; every expected number is worked out in the comments.

Assessment year 2025. Holidays known: 2024 (1/1, 2/9), 2025 (1/1, 7/4, 30/4, 1/5, 2/5, 1/9, 2/9), 2026 (1/1).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest

from tests.e2e.dvc_oracle import (
    DVC_METRICS,
    UnknownCalendarYear,
    WorkCalendar,
    dvc_metrics,
    dvc_metrics_from_truth,
    round4,
)

YEAR = 2025
AFTER_YEAR = datetime(2026, 1, 1, 10, 0)  # a run the morning after: the end of P is 1/1/2026 00:00

HOLIDAYS = [
    {"Ngay": day, "Nam": int(day[:4]), "TenNgayNghi": "Nghỉ", "LoaiNgay": "Nghỉ lễ"}
    for day in (
        "20240101",
        "20240902",
        "20250101",
        "20250407",
        "20250430",
        "20250501",
        "20250502",
        "20250901",
        "20250902",
        "20260101",
    )
]


def agency(code: str, old: str, unit_type: str, valid_from: str = "", valid_to: str = "") -> dict:
    return {
        "MaDinhDanh": code,
        "MaDinhDanhCu": old,
        "TenDonVi": code,
        "LoaiDonVi": unit_type,
        "MaDonViCha": "H35",
        "NgayHieuLuc": valid_from,
        "NgayHetHieuLuc": valid_to,
        "NgayCapNhat": "20241201000000",
    }


AGENCIES = [
    agency("H35", "000.00.00.H35", "ubnd-tinh"),  # not assessed
    agency("H35.01", "000.00.01.H35", "so-ban-nganh"),
    agency("H35.01.10", "000.10.01.H35", "don-vi-truc-thuoc"),  # not assessed
    agency("H35.02", "000.00.02.H35", "so-ban-nganh"),  # assessed, no DVC data at all
    agency("H35.30", "000.00.30.H35", "quan-huyen", valid_to="20250630235959"),  # active in 2025
    agency("H35.31", "000.00.31.H35", "quan-huyen", valid_to="20241231235959"),  # gone before 2025
    agency("H35.50", "000.00.50.H35", "xa-phuong"),  # only a 2024 PAKN: data, but nothing in P
    agency("H35.88", "000.00.88.H35", "xa-phuong", valid_from="20260101000000"),  # not yet in 2025
]


def dossier(
    code: str,
    status: int,
    received: str = "",
    due: str = "",
    ended: str = "",
    returned: str = "",
    *,
    agency_code: str = "H35.01",
    channel: str = "1",
    fee: str = "0",
    paid: str = "0",
    digitised: str = "0",
    supplements: int = 0,
    results: tuple[str, ...] = (),
    version: str = "20251231000000",
) -> dict:
    """A `ho-so` record in wire format; `results` lists each result document's link ("" = paper only)."""
    return {
        "MaHoSo": code,
        "MaTTHC": "1.001193.000.00.00.H35",
        "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "LV-017",
        "KenhThucHien": channel,
        "MucDo": "4",
        "LoaiDoiTuong": "1",
        "TrichYeuHoSo": "",
        "NgayNopHoSo": received,
        "NgayTiepNhan": received,
        "NgayHenTra": due,
        "NgayKetThucXuLy": ended,
        "NgayTra": returned,
        "NgayTuChoi": "20250310090000" if status == 3 else "",
        "TrangThaiHoSo": str(status),
        "MaDonViXuLy": agency_code,
        "HoSoCoThanhPhanSoHoa": digitised,
        "DuocThanhToanTrucTuyen": paid,
        "CoPhiLePhi": fee,
        "TaiKhoanDuocXacThucVoiVNeID": "0",
        "TaiLieuNop": [],
        "DanhSachHoSoBoSung": [{"HoSoBoSungId": f"{code}-bs{i}"} for i in range(supplements)],
        "DanhSachGiayToKetQua": [
            {"GiayToId": f"{code}-kq{i}", "TenGiayTo": "Kết quả", "DuongDanTepTinKetQua": link}
            for i, link in enumerate(results)
        ],
        "NgayCapNhat": version,
    }


LINK = "https://dvc.example/kq.pdf"

DOSSIERS = [
    # D1: processed on time, online, fee paid online, digitised, e-result.
    dossier("D1", 10, "20250303090000", "20250310090000", "20250307150000", "20250310080000",
            channel="2", fee="1", paid="1", digitised="1", results=(LINK,)),
    # D2: processed after its due time: late; fee not paid online ("3"); paper result only.
    dossier("D2", 9, "20250401080000", "20250408080000", "20250410100000", fee="1", paid="3", results=("",)),
    # D3: ended before due but with two supplement requests: late (S > 1).
    dossier("D3", 10, "20250505080000", "20250512080000", "20250509100000", "20250512070000",
            channel="2", digitised="1", supplements=2, results=(LINK,)),
    # D4: still processing at the end of P, due 15/12: open and overdue, late. Paid via the platform ("2").
    dossier("D4", 4, "20251201080000", "20251215080000", channel="2", fee="1", paid="2", digitised="1"),
    # D5: overdue but waiting for the applicant's supplement (status 5): outside T(P).
    dossier("D5", 5, "20251110080000", "20251120080000", supplements=1),
    # D6: received in P, due only in 2026: outside T(P). Postal channel (3).
    dossier("D6", 2, "20251229080000", "20260105080000", channel="3", fee="1", digitised="1"),
    # D7: submitted online, never accepted (status 1); D8: refused at intake (status 3). Neither is received.
    dossier("D7", 1, channel="2"),
    dossier("D8", 3),
    # D9: withdrawn by the applicant (7): received, but outside T(P) and the no-due-date count.
    dossier("D9", 7, "20250601080000", "20250610080000", "20250605080000"),
    # D10: processing stopped (8) after its due time: late, with E its stop time.
    dossier("D10", 8, "20250701080000", "20250708080000", "20250709080000", channel="2", digitised="1"),
    # D11: received in 2024, closed late in January 2025: in T(P) through (a), not in R(P).
    dossier("D11", 10, "20241220080000", "20241227080000", "20250106080000", "20250107080000",
            results=(LINK,)),
    # D12: received in 2024, due in 2024, still open: in T(P) through (b), late.
    dossier("D12", 4, "20241210080000", "20241220080000"),
    # D13: no fixed deadline, processed in P: the no-due-date count; paid online; no result document.
    dossier("D13", 10, "20250801080000", "", "20250805080000", "20250806080000", fee="1", paid="1"),
    # D14: ended exactly at its due time with one supplement request: on time. Served in two versions.
    dossier("D14", 2, "20250901080000", "20250910080000", channel="2", version="20250902000000"),
    dossier("D14", 9, "20250901080000", "20250910080000", "20250910080000",
            channel="2", digitised="1", supplements=1, results=(LINK,), version="20250910080000"),
    # D15: would count everywhere, but it is quarantined (excluded).
    dossier("D15", 10, "20250315080000", "20250322080000", "20250320080000", "20250321080000", channel="2"),
    # D16: no NgayKetThucXuLy, so E = NgayTra (7/10), before due: on time; empty link = paper only.
    dossier("D16", 10, "20251001080000", "20251008080000", "", "20251007080000", results=("",)),
    # D20: the district's only dossier, on time.
    dossier("D20", 10, "20250303080000", "20250310080000", "20250305080000", "20250306080000",
            agency_code="H35.30", results=("",)),
]  # fmt: skip


def apology(slip_id: str, dossier_code: str, status: str, signed: str) -> dict:
    return {
        "Id": slip_id,
        "MaHoSo": dossier_code,
        "Loai": "Xin lỗi",
        "CreatedOn": "20250101000000",
        "NgayKy": signed,
        "NgayHenTraMoi": "20251231000000",
        "TrangThai": status,
        "NgayCapNhat": "20251231000000",
    }


APOLOGIES = [
    apology("A1", "D2", "Đã xử lý", "20250407160000"),  # signed before D2's due 8/4 08:00: counts
    apology("A2", "D3", "Chờ ký duyệt", ""),  # never signed: does not count
    apology("A3", "D4", "Đã xử lý", "20251216090000"),  # signed after D4's due 15/12: does not count
    apology("A5", "D10", "Đã xử lý", "20250707100000"),  # signed before D10's due 8/7: counts
]


def rating(dossier_code: str, value: str, version: str) -> dict:
    return {
        "MaHoSo": dossier_code,
        "LoaiDanhGia": "CongDan",
        "DanhGia": value,
        "ThoiGianDanhGia": version,
        "NgayCapNhat": version,
    }


RATINGS = [
    rating("D1", "KHÔNG HÀI LÒNG", "20250311000000"),
    rating("D1", "HÀI LÒNG", "20250312000000"),  # D1's latest rating: satisfied
    rating("D2", "KHÔNG HÀI LÒNG", "20250411000000"),  # dissatisfied
    rating("D14", "RẤT HÀI LÒNG", "20250911000000"),
    rating("D11", "KHÔNG HÀI LÒNG", "20250108000000"),  # D11 is not in R(P): irrelevant
    rating("D15", "KHÔNG HÀI LÒNG", "20250322000000"),  # D15 is excluded: irrelevant
]


def feedback(
    key: str, agency_code: str, received: str, answered: str, status: str, dossier_code: str = ""
) -> dict:
    return {
        "id": key,
        "MaDonVi": agency_code,
        "PhanLoai": "Khác",
        "NgayTiepNhan": received,
        "NgayTraLoi": answered,
        "NgayCongKhai": "",
        "TrangThai": status,
        "CongKhai": "0",
        "MaHoSo": dossier_code,
        "NgayCapNhat": "20251231000000",
    }


PAKN = [
    # P1 (Tue 20/5): 21–23/5 (3), 26–30/5 (8), 2–6/6 (13), 9, 10/6 (15): answer due before 11/6 00:00.
    # Answered 30/5: on time. It names D3, so D3 counts as dissatisfied.
    feedback("P1", "H35.01", "20250520080000", "20250530080000", "Đã trả lời", "D3"),
    # P2: another agency's PAKN from 2024, unanswered, naming D10: D10 is dissatisfied all the same.
    feedback("P2", "H35.50", "20241201080000", "", "Chờ tiếp nhận", "D10"),
    # P3 (Fri 25/4): 28, 29/4 (2), 30/4–2/5 holidays, 5–9/5 (7), 12–16/5 (12), 19, 20, 21/5 (15): deadline
    # the end of 21/5. Answered 20/5 17:00: on time (without the holidays the deadline would be 16/5: late).
    feedback("P3", "H35.01", "20250425080000", "20250520170000", "Đã trả lời"),
    # P4 (Mon 25/8): 26–29/8 (4), 1–2/9 holidays, 3–5/9 (7), 8–12/9 (12), 15, 16, 17/9 (15): deadline before
    # 18/9 00:00. Answered at 18/9 00:00:00 exactly: late.
    feedback("P4", "H35.01", "20250825080000", "20250918000000", "Đã trả lời"),
    # P5: a refusal is an answer; next day: on time.
    feedback("P5", "H35.01", "20251103080000", "20251104080000", "Từ chối tiếp nhận"),
    # P6 (Mon 22/12): 23–26/12 (4), 29–31/12 (7), 1/1 holiday, 2/1 (8), 5–9/1 (13), 12, 13/1 (15): deadline
    # in 2026, after the end of P, and unanswered: left out of the denominator.
    feedback("P6", "H35.01", "20251222080000", "", "Đang xử lý"),
    # P7: unanswered, deadline long past by the end of P: in the denominator, not on time.
    feedback("P7", "H35.01", "20251103080000", "", "Đang xử lý"),
    # P8: received in 2024: not in P.
    feedback("P8", "H35.01", "20241215080000", "20241216080000", "Đã trả lời"),
]


def metrics(as_of: datetime = AFTER_YEAR, **changes) -> dict:
    inputs = {
        "year": YEAR,
        "as_of": as_of,
        "dossiers": DOSSIERS,
        "apologies": APOLOGIES,
        "ratings": RATINGS,
        "pakn": PAKN,
        "holidays": HOLIDAYS,
        "agencies": AGENCIES,
        "excluded_dossiers": {"D15"},
    } | changes
    return dvc_metrics(**inputs)


def d(text: str) -> Decimal:
    return Decimal(text)


def test_rows_for_every_assessed_agency_active_in_the_year():
    # H35 and H35.01.10 are not assessed types; H35.31 ended in 2024; H35.88 starts in 2026.
    assert sorted({agency_code for agency_code, _ in metrics()}) == ["H35.01", "H35.02", "H35.30", "H35.50"]
    assert len(metrics()) == 4 * len(DVC_METRICS)


def test_department_with_full_data():
    # R(P) = D1 D2 D3 D4 D5 D6 D9 D10 D13 D14 D16 (11): D7, D8 never received; D11, D12 received in 2024;
    # D15 excluded.
    # T(P) = D1 D2 D3 D10 D11 D14 D16 by (a), E in P; D4 D12 by (b), open and overdue at the end of P (9).
    #   Out: D5 (waiting, status 5), D6 (due 2026), D9 (status 7), D13 (no due date).
    # On time: D1, D14 (E = due, one supplement), D16 (E = NgayTra) = 3; late: D2 D3 D4 D10 D11 D12 = 6.
    expected = {
        "dvc.received": (11, 1, d("11.0000")),
        "dvc.on_time_rate": (3, 9, d("0.3333")),
        "dvc.no_due_date": (1, 1, d("1.0000")),  # D13
        # Late with a valid apology: D2 (A1), D10 (A5); not D3 (unsigned A2), D4 (A3 after due): 2/6.
        "dvc.apology_rate": (2, 6, d("0.3333")),
        # Online (channel 2) in R(P): D1 D3 D4 D10 D14 = 5/11 = 0.454545…
        "dvc.online_rate": (5, 11, d("0.4545")),
        # With a fee in R(P): D1 (paid 1) D2 (3) D4 (2) D6 (0) D13 (1): paid online D1 D4 D13 = 3/5.
        "dvc.online_payment_rate": (3, 5, d("0.6000")),
        # Digitised in R(P): D1 D3 D4 D6 D10 D14 = 6/11 = 0.545454…
        "dvc.digitised_rate": (6, 11, d("0.5455")),
        # E in P with status 9/10: D1 D2 D3 D11 D13 D14 D16 (7); with an electronic result D1 D3 D11 D14:
        # 4/7 = 0.571428…
        "dvc.e_result_rate": (4, 7, d("0.5714")),
        # Dissatisfied in R(P): D2 (rating), D3 (named by P1), D10 (named by P2): 11 − 3 = 8;
        # value = 8/11 − 6/9 = 2/33 = 0.060606…
        "dvc.satisfaction_rate": (8, 11, d("0.0606")),
        # Denominator P1 P3 P4 P5 P7 (P6 unanswered with a 2026 deadline, P8 in 2024); on time P1 P3 P5.
        "dvc.pakn_on_time_rate": (3, 5, d("0.6000")),
    }

    result = metrics()

    assert {code: result[("H35.01", code)] for code in DVC_METRICS} == expected


def test_district_until_mid_year():
    # D20 only: received, on time, in person, no fee, not digitised, paper result; no late dossier, no PAKN.
    expected = {
        "dvc.received": (1, 1, d("1.0000")),
        "dvc.on_time_rate": (1, 1, d("1.0000")),
        "dvc.no_due_date": (0, 1, d("0.0000")),
        "dvc.apology_rate": (0, 0, None),
        "dvc.online_rate": (0, 1, d("0.0000")),
        "dvc.online_payment_rate": (0, 0, None),
        "dvc.digitised_rate": (0, 1, d("0.0000")),
        "dvc.e_result_rate": (0, 1, d("0.0000")),
        "dvc.satisfaction_rate": (1, 1, d("1.0000")),  # 1/1 − 0/1
        "dvc.pakn_on_time_rate": (0, 0, None),
    }

    result = metrics()

    assert {code: result[("H35.30", code)] for code in DVC_METRICS} == expected


def test_agency_with_data_but_no_case_in_the_period_has_zero_denominators():
    # H35.50's only record is P2 (2024): it has DVC data, so counts are 0 and rates are empty, not undefined.
    result = metrics()

    assert result[("H35.50", "dvc.received")] == (0, 1, d("0.0000"))
    assert result[("H35.50", "dvc.no_due_date")] == (0, 1, d("0.0000"))
    rates = [code for code in DVC_METRICS if code not in ("dvc.received", "dvc.no_due_date")]
    assert {result[("H35.50", code)] for code in rates} == {(0, 0, None)}


def test_agency_without_any_dvc_data_is_undefined():
    result = metrics()

    assert {result[("H35.02", code)] for code in DVC_METRICS} == {(None, None, None)}


def test_excluded_dossier_enters_no_metric():
    # Without the exclusion D15 (received 15/3, online, on time, rated KHÔNG HÀI LÒNG) counts:
    # R = 12, online 6/12, T = 10 with 4 on time, satisfied 12 − 4 = 8, value 8/12 − 6/10 = 1/15.
    result = metrics(excluded_dossiers=set())

    assert result[("H35.01", "dvc.received")] == (12, 1, d("12.0000"))
    assert result[("H35.01", "dvc.online_rate")] == (6, 12, d("0.5000"))
    assert result[("H35.01", "dvc.on_time_rate")] == (4, 10, d("0.4000"))
    assert result[("H35.01", "dvc.satisfaction_rate")] == (8, 12, d("0.0667"))


def test_excluded_pakn_no_longer_makes_its_dossier_dissatisfied():
    # Without P1, D3 is satisfied (9 of 11) and the PAKN denominator loses P1: on time P3 P5 of P3 P4 P5 P7.
    result = metrics(excluded_pakn={"P1"})

    assert result[("H35.01", "dvc.satisfaction_rate")] == (9, 11, d("0.1515"))  # 9/11 − 2/3 = 5/33
    assert result[("H35.01", "dvc.pakn_on_time_rate")] == (2, 4, d("0.5000"))


def test_year_in_progress_cuts_at_as_of():
    # A run on 1/7/2025 00:00: the end of P is that instant.
    # R(P): D1 D2 D3 D9 (received before 1/7); D10 (received 1/7 08:00) and later ones are not.
    # T(P): D1 D2 D3 D11 by (a); D12 by (b) (open, due 2024). D10 was received after the cut. On time: D1.
    # H35.30 is still active (until 30/6); H35.88 is not.
    result = metrics(as_of=datetime(2025, 7, 1))

    assert result[("H35.01", "dvc.received")] == (4, 1, d("4.0000"))
    assert result[("H35.01", "dvc.on_time_rate")] == (1, 5, d("0.2000"))
    # Late: D2 (apologised) D3 D11 D12.
    assert result[("H35.01", "dvc.apology_rate")] == (1, 4, d("0.2500"))
    # PAKN received before the cut: P1 and P3, both answered on time.
    assert result[("H35.01", "dvc.pakn_on_time_rate")] == (2, 2, d("1.0000"))
    # Dissatisfied in R: D2, D3 → 2 of 4; value 2/4 − 4/5 < 0 → 0.
    assert result[("H35.01", "dvc.satisfaction_rate")] == (2, 4, d("0.0000"))
    assert ("H35.30", "dvc.received") in result
    assert ("H35.88", "dvc.received") not in result


def test_reporting_window_by_dates():
    # P = 15/12/2024 – 14/12/2025: R(P) gains D11 (20/12/2024) and loses D6 (29/12/2025) → still 11.
    # PAKN: P8 (15/12/2024, answered the next day, deadline 6/1/2025) joins the denominator, on time; P6
    # (22/12/2025) leaves P; P7 (3/11, deadline the end of 24/11, unanswered) stays: on time P1 P3 P5 P8 of
    # P1 P3 P4 P5 P7 P8.
    result = metrics(period_start=datetime(2024, 12, 15).date(), period_end=datetime(2025, 12, 14).date())

    assert result[("H35.01", "dvc.received")] == (11, 1, d("11.0000"))
    assert result[("H35.01", "dvc.pakn_on_time_rate")] == (4, 6, d("0.6667"))


def test_counting_into_a_year_without_holidays_fails_naming_it():
    # P6's deadline runs into 2026; without 2026 entries, that year is unknown.
    holidays_2025 = [h for h in HOLIDAYS if h["Nam"] == 2025]

    with pytest.raises(UnknownCalendarYear, match="2026"):
        metrics(holidays=holidays_2025)


def test_unknown_dossier_status_must_be_excluded_explicitly():
    broken = dossier("D99", 11, "20250303090000")

    with pytest.raises(ValueError, match="D99"):
        metrics(dossiers=[*DOSSIERS, broken])
    assert metrics(dossiers=[*DOSSIERS, broken], excluded_dossiers={"D15", "D99"}) == metrics()


def test_served_forms_are_read_like_the_contract_forms():
    # Old-format agency code (Q5), codes as numbers (Q8), absent values as None / .NET MinValue (Q1), NFD and
    # letter case in enumerations (Q2, Q4): the same metrics as the clean records.
    served = [dict(r) for r in DOSSIERS]
    served[0] |= {"MaDonViXuLy": "000.00.01.H35", "KenhThucHien": 2, "TrangThaiHoSo": 10, "NgayTuChoi": None}
    served[12] |= {"NgayHenTra": "00010101000000"}  # D13: no due date
    slips = [dict(s) for s in APOLOGIES]
    slips[0] |= {"TrangThai": "đã xử lý", "Loai": "Xin lo\u0302\u0303i"}  # NFD "Xin lỗi", lower case status
    result = metrics(dossiers=served, apologies=slips)

    assert result == metrics()


def test_from_truth_reads_each_resource():
    resources = {
        "ho-so": DOSSIERS,
        "phieu-xin-loi": APOLOGIES,
        "danh-gia": RATINGS,
        "pakn": PAKN,
        "ngay-nghi": HOLIDAYS,
        "don-vi": AGENCIES,
    }

    result = dvc_metrics_from_truth(
        resources.__getitem__, year=YEAR, as_of=AFTER_YEAR, excluded_dossiers={"D15"}
    )

    assert result == metrics()


def test_working_days_skip_weekends_and_holidays():
    calendar = WorkCalendar.from_records(HOLIDAYS)

    # Fri 25/4/2025 + 3: Mon 28, Tue 29, then 30/4–2/5 are holidays, Mon 5/5.
    assert calendar.add_working_days(datetime(2025, 4, 25).date(), 3) == datetime(2025, 5, 5).date()
    # Counting starts the day after: Mon 3/3 + 1 = Tue 4/3.
    assert calendar.add_working_days(datetime(2025, 3, 3).date(), 1) == datetime(2025, 3, 4).date()


def test_round_half_up_to_four_places():
    assert round4(Fraction(1, 20000)) == d("0.0001")  # exactly half: up, not to even
    assert round4(Fraction(3, 20000)) == d("0.0002")
    assert round4(Fraction(1, 3)) == d("0.3333")
    assert round4(Fraction(2, 3)) == d("0.6667")
    assert round4(Fraction(-1, 20000)) == d("-0.0001")
    assert str(round4(Fraction(1))) == "1.0000"


def test_reads_the_simulator_ground_truth():
    # sources.md §9 `small`, Y = 2025: the Office, 2 sở, 3 xã, and the district H35.30 until 30/6/2025.
    from simulators.simulation import Simulation

    sim = Simulation(scale="small", year=YEAR, seed=0, as_of=datetime(2026, 1, 2))

    result = dvc_metrics_from_truth(sim.truth, year=YEAR, as_of=AFTER_YEAR)

    agencies = {"H35.01", "H35.02", "H35.03", "H35.30", "H35.50", "H35.51", "H35.52"}
    assert set(result) == {(agency_code, code) for agency_code in agencies for code in DVC_METRICS}
    for (agency_code, code), (numerator, denominator, value) in result.items():
        assert numerator is not None and 0 <= numerator, (agency_code, code)
        if code in ("dvc.received", "dvc.no_due_date"):
            assert (denominator, value) == (1, round4(Fraction(numerator))), (agency_code, code)
        else:
            assert numerator <= denominator, (agency_code, code)
            assert (value is None) == (denominator == 0), (agency_code, code)
    assert result[("H35.01", "dvc.received")][0] > 0
