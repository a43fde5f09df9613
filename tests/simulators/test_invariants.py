"""Invariants of the served truth (sources.md §2.6–2.9), checked against independent little functions."""

import math
from datetime import date, datetime, timedelta

import numpy as np
import pytest

from simulators import Simulation
from simulators.clock import to_seconds, wire
from simulators.dvc.dossiers import WORKING_DAYS, add_due
from simulators.workdays import HolidayCalendar

EVENT_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
# Which date fields each status sets (Y), leaves empty (N) or may set (?): the table of §2.6.
STATUS_TABLE = {
    "1": "NNNNN",
    "2": "Y?NNN",
    "4": "Y?NNN",
    "5": "Y?NNN",
    "6": "Y?NNN",
    "3": "NNNNY",
    "7": "Y?YNN",
    "8": "Y?YNN",
    "9": "Y?YNN",
    "10": "Y?YYN",
}
STATUS_FIELDS = ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")


def parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S")


def working_days_after(start: date, count: int, holidays: set[date]) -> date:
    """Counts `count` working days from the day after `start` (metrics.md §0), one day at a time."""
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            counted += 1
    return day


def expected_due(start: str, procedure: dict, holidays: set[date]) -> str:
    if procedure["ThoiGianGiaiQuyet"] == "":
        return ""
    moment = parse(start)
    count = math.ceil(float(procedure["ThoiGianGiaiQuyet"]))
    if procedure["LoaiThoiGian"] == "Ngày":
        return (moment + timedelta(days=count)).strftime("%Y%m%d%H%M%S")
    due_day = working_days_after(moment.date(), count, holidays)
    return datetime.combine(due_day, moment.time()).strftime("%Y%m%d%H%M%S")


@pytest.fixture(scope="module")
def holidays(simulation) -> set[date]:
    return {datetime.strptime(h["Ngay"], "%Y%m%d").date() for h in simulation.truth("ngay-nghi")}


@pytest.fixture(scope="module")
def dossiers(simulation) -> list[dict]:
    return simulation.truth("ho-so")


@pytest.mark.parametrize(
    ("accepted", "days", "due"),
    [
        # Friday 25/4/2025, 5 working days: Mon 28 and Tue 29 count, 30/4, 1/5 and 2/5 (nghỉ bù) do not,
        # then Mon 5, Tue 6 and Wed 7 May.
        (datetime(2025, 4, 25, 10, 0), 5, datetime(2025, 5, 7, 10, 0)),
        # Friday 29/8/2025, half a day rounds up to one: 1/9 and 2/9 are Quốc khánh, so Wed 3/9.
        (datetime(2025, 8, 29, 15, 30), 0.5, datetime(2025, 9, 3, 15, 30)),
        # Saturday 6/12/2025, 1 working day: the next working day is Monday 8/12.
        (datetime(2025, 12, 6, 9, 0), 1, datetime(2025, 12, 8, 9, 0)),
    ],
)
def test_working_day_due_dates_worked_by_hand(accepted, days, due):
    calendar = HolidayCalendar(range(2024, 2027))
    result = add_due(np.array([to_seconds(accepted)]), np.array([days]), np.array([WORKING_DAYS]), calendar)
    assert wire(int(result[0])) == due.strftime("%Y%m%d%H%M%S")


def test_status_and_date_table(dossiers):
    for dossier in dossiers:
        pattern = STATUS_TABLE[dossier["TrangThaiHoSo"]]
        for flag, field in zip(pattern, STATUS_FIELDS, strict=True):
            if flag == "Y":
                assert dossier[field], (dossier["MaHoSo"], field)
            elif flag == "N":
                assert dossier[field] == "", (dossier["MaHoSo"], field)


def test_every_status_occurs(dossiers):
    assert {d["TrangThaiHoSo"] for d in dossiers} >= {"2", "3", "4", "5", "7", "8", "9", "10"}


def test_dates_in_order_and_counter_walk_ins(dossiers):
    for dossier in dossiers:
        times = [
            dossier[f] for f in ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra") if dossier[f]
        ]
        assert times == sorted(times), dossier["MaHoSo"]
        if dossier["KenhThucHien"] == "1" and dossier["NgayTiepNhan"]:
            assert dossier["NgayNopHoSo"] == dossier["NgayTiepNhan"]


def test_status_5_means_the_last_supplement_is_open(dossiers):
    for dossier in dossiers:
        if dossier["TrangThaiHoSo"] in ("2", "4", "5", "6"):
            supplements = dossier["DanhSachHoSoBoSung"]
            is_open = bool(supplements) and supplements[-1]["NgayTiepNhanBoSung"] == ""
            assert is_open == (dossier["TrangThaiHoSo"] == "5"), dossier["MaHoSo"]


def test_due_dates_recomputed_independently(simulation, dossiers, holidays):
    procedures = {p["MaTTHC"]: p for p in simulation.truth("thu-tuc")}
    checked = 0
    for dossier in dossiers:
        if not dossier["NgayTiepNhan"]:
            assert dossier["NgayHenTra"] == ""
            continue
        procedure = procedures[dossier["MaTTHC"]]
        due = expected_due(dossier["NgayTiepNhan"], procedure, holidays)
        for supplement in dossier["DanhSachHoSoBoSung"]:
            assert supplement["NgayHenTraTruoc"] == due
            if supplement["NgayTiepNhanBoSung"]:
                # An accepted supplement restarts the full processing time from its receipt.
                due = expected_due(supplement["NgayTiepNhanBoSung"], procedure, holidays)
                assert supplement["NgayHenTraMoi"] == due
            else:
                assert supplement["NgayHenTraMoi"] == ""
        assert dossier["NgayHenTra"] == due, dossier["MaHoSo"]
        checked += bool(due)
    assert checked > 2500


def test_nothing_later_than_as_of_and_versions_are_the_latest_event(simulation, dossiers):
    as_of = simulation.as_of.strftime("%Y%m%d%H%M%S")
    for dossier in dossiers:
        events = [dossier[f] for f in EVENT_FIELDS if dossier[f]]
        for supplement in dossier["DanhSachHoSoBoSung"]:
            events += [t for t in (supplement["NgayYeuCauBoSung"], supplement["NgayTiepNhanBoSung"]) if t]
        assert max(events) <= dossier["NgayCapNhat"] <= as_of
    for entity in ("phieu-xin-loi", "danh-gia", "pakn", "thu-tuc", "don-vi"):
        assert all(record["NgayCapNhat"] <= as_of for record in simulation.truth(entity))


def test_earlier_as_of_serves_earlier_states_of_the_same_dossiers(dossiers):
    earlier = Simulation(scale="small", year=2025, seed=0, as_of=datetime(2025, 6, 30, 12, 0))
    later = {d["MaHoSo"]: d for d in dossiers}
    served = earlier.truth("ho-so")
    assert 0 < len(served) < len(dossiers)
    for dossier in served:
        assert dossier["NgayCapNhat"] <= "20250630120000"
        assert dossier["NgayNopHoSo"] == later[dossier["MaHoSo"]]["NgayNopHoSo"]
        assert dossier["NgayCapNhat"] <= later[dossier["MaHoSo"]]["NgayCapNhat"]


def test_ratings_only_for_processed_dossiers(simulation, dossiers):
    by_code = {d["MaHoSo"]: d for d in dossiers}
    ratings = simulation.truth("danh-gia")
    for rating in ratings:
        dossier = by_code[rating["MaHoSo"]]
        assert dossier["TrangThaiHoSo"] in ("9", "10")
        assert rating["ThoiGianDanhGia"] >= dossier["NgayKetThucXuLy"]
        assert rating["LoaiDanhGia"] == "CongDan"
        assert rating["DanhGia"] in ("RẤT HÀI LÒNG", "HÀI LÒNG", "KHÔNG HÀI LÒNG")


def test_apologies_signed_iff_processed_and_mostly_before_the_due(simulation, dossiers):
    by_code = {d["MaHoSo"]: d for d in dossiers}
    apologies = simulation.truth("phieu-xin-loi")
    in_time = 0
    for apology in apologies:
        assert apology["Loai"] == "Xin lỗi"
        assert (apology["NgayKy"] != "") == (apology["TrangThai"] == "Đã xử lý")
        dossier = by_code[apology["MaHoSo"]]
        assert apology["CreatedOn"] >= dossier["NgayTiepNhan"]
        in_time += bool(apology["NgayKy"]) and apology["NgayKy"] <= dossier["NgayHenTra"]
    late = {
        d["MaHoSo"]
        for d in dossiers
        if d["TrangThaiHoSo"] in ("9", "10") and d["NgayHenTra"] and d["NgayKetThucXuLy"] > d["NgayHenTra"]
    }
    # 60–100 % of the late dossiers get a slip signed in time (§9).
    apologised = {
        a["MaHoSo"] for a in apologies if a["NgayKy"] and a["NgayKy"] <= by_code[a["MaHoSo"]]["NgayHenTra"]
    }
    assert 0.5 <= len(apologised & late) / len(late) <= 1.0
    assert in_time > 0


def test_feedback_invariants_and_answer_times(simulation, holidays):
    agencies = {a["MaDinhDanh"] for a in simulation.truth("don-vi")}
    dossier_codes = {d["MaHoSo"] for d in simulation.truth("ho-so")}
    feedback = simulation.truth("pakn")
    on_time = 0
    for item in feedback:
        assert (item["NgayTraLoi"] != "") == (item["TrangThai"] in ("Đã trả lời", "Từ chối tiếp nhận"))
        assert (item["NgayCongKhai"] != "") == (item["CongKhai"] == "1")
        assert item["MaDonVi"] in agencies
        assert item["MaHoSo"] == "" or item["MaHoSo"] in dossier_codes
        deadline = working_days_after(parse(item["NgayTiepNhan"]).date(), 15, holidays) + timedelta(days=1)
        on_time += bool(item["NgayTraLoi"]) and parse(item["NgayTraLoi"]) < datetime.combine(
            deadline, datetime.min.time()
        )
    assert on_time / len(feedback) >= 0.75


def test_dossier_codes_follow_the_circular_01_shape(simulation, dossiers):
    agencies = simulation.truth("don-vi")
    units = {a["MaDinhDanh"] for a in agencies} | {a["MaDinhDanhCu"] for a in agencies}
    counters: dict[tuple[str, str], list[int]] = {}
    for dossier in dossiers:
        unit, stamp, number = dossier["MaHoSo"].rsplit("-", 2)
        assert unit in units and len(number) == 4
        # The date is the submission date; the counter runs per receiving unit and day.
        assert stamp == dossier["NgayNopHoSo"][2:8]
        counters.setdefault((unit, stamp), []).append(int(number))
    canonical = {a["MaDinhDanhCu"]: a["MaDinhDanh"] for a in agencies}
    merged: dict[tuple[str, str], list[int]] = {}
    for (unit, stamp), numbers in counters.items():
        merged.setdefault((canonical.get(unit, unit), stamp), []).extend(numbers)
    assert all(sorted(numbers) == list(range(1, len(numbers) + 1)) for numbers in merged.values())
    # Provincial dossiers received at the service centre carry its code, the department handles them.
    centre = [d for d in dossiers if d["MaHoSo"].startswith(("H35.01.10-", "000.10.01.H35-"))]
    assert centre and {d["MaDonViXuLy"] for d in centre} <= {"H35.01", "H35.02", "H35.03"}
