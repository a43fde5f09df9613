"""Determinism, the agency table and volumes of the `small` preset (sources.md §1.11, §8, §9)."""

from collections import Counter
from datetime import datetime

import orjson
import pytest

from simulators import Simulation
from simulators.simulation import ENTITIES


def fingerprint(simulation: Simulation) -> bytes:
    served = []
    for entity in ENTITIES:
        order, versions = simulation.view(entity)
        served.append(simulation.render(entity, order.tolist(), versions.tolist()))
    return orjson.dumps([served, simulation.manifest()])


def test_same_seed_same_bytes_and_another_seed_other_data(simulation):
    again = Simulation(scale="small", year=2025, seed=0)
    assert fingerprint(again) == fingerprint(simulation)
    other = Simulation(scale="small", year=2025, seed=1)
    assert other.truth("ho-so")[:50] != simulation.truth("ho-so")[:50]


def test_period_and_as_of_capped_at_the_end_of_the_period(simulation):
    assert simulation.period_start == datetime(2024, 12, 1)
    assert simulation.period_end == datetime(2025, 12, 31, 23, 59, 59)
    # The machine's clock is past 2025, so "now" is capped at the end of the period.
    assert simulation.as_of == simulation.period_end


def test_agency_table_of_small(simulation):
    agencies = {a["MaDinhDanh"]: a for a in simulation.truth("don-vi")}
    divisions = {code for code, a in agencies.items() if a["LoaiDonVi"] in ("phong-ban", "don-vi-truc-thuoc")}
    assert set(agencies) - divisions == {
        "H35",
        "H35.01",
        "H35.02",
        "H35.03",
        "H35.50",
        "H35.51",
        "H35.52",
        "H35.30",
    }
    assert {"H35.01.01", "H35.01.10"} <= divisions
    # metrics.md §12: per department 3–7 phong-ban (H35.NN.01 …) and 0–2 "Trung tâm …" units.
    for department in ("H35.01", "H35.02", "H35.03"):
        own = [agencies[code] for code in divisions if agencies[code]["MaDonViCha"] == department]
        offices = [a for a in own if a["LoaiDonVi"] == "phong-ban"]
        centres = [a for a in own if a["LoaiDonVi"] == "don-vi-truc-thuoc"]
        assert 3 <= len(offices) <= 7 and len(centres) <= 2
        assert all(a["TenDonVi"].startswith("Trung tâm ") for a in centres)
        assert all(a["MaDinhDanh"].startswith(department + ".") for a in own)
        number = department.split(".")[1]
        assert all(a["MaDinhDanhCu"] == f"000.{a['MaDinhDanh'][-2:]}.{number}.H35" for a in own)
    assert agencies["H35.01"]["MaDinhDanhCu"] == "000.00.01.H35"
    assert agencies["H35.01.10"]["MaDinhDanhCu"] == "000.10.01.H35"
    assert agencies["H35.01.10"]["LoaiDonVi"] == "don-vi-truc-thuoc"
    assert agencies["H35.01.10"]["MaDonViCha"] == "H35.01"
    assert agencies["H35"]["MaDonViCha"] == ""
    # The district ends with the two-tier reform, and that end is its latest change.
    assert agencies["H35.30"]["NgayHetHieuLuc"] == "20250630235959"
    assert agencies["H35.30"]["NgayCapNhat"] == "20250630235959"
    assert all(a["NgayHetHieuLuc"] == "" for code, a in agencies.items() if code != "H35.30")


def test_no_district_after_the_reform():
    codes = {a["MaDinhDanh"] for a in Simulation(scale="small", year=2026, seed=0).truth("don-vi")}
    assert "H35.30" not in codes and "H35.50" in codes


def test_district_receives_dossiers_only_before_the_reform(simulation):
    district = [d for d in simulation.truth("ho-so") if d["MaDonViXuLy"] == "H35.30"]
    assert district
    assert max(d["NgayNopHoSo"] for d in district) <= "20250630235959"


@pytest.mark.parametrize(
    ("entity", "low", "high"),
    [
        # §9 gives yearly volumes; the period is 13 months, so about 13/12 of them.
        ("ho-so", 3250, 3250),
        ("thu-tuc", 150, 150),
        ("danh-gia", 1000, 1500),
        ("phieu-xin-loi", 40, 160),
        ("pakn", 65, 65),
    ],
)
def test_volumes_of_small(simulation, entity, low, high):
    assert low <= len(simulation.truth(entity)) <= high


def test_distributions_follow_section_9(simulation):
    dossiers = simulation.truth("ho-so")
    channels = Counter(d["KenhThucHien"] for d in dossiers)
    assert 0.2 <= channels["2"] / len(dossiers) <= 0.7
    assert 0.005 <= channels["3"] / len(dossiers) <= 0.04
    with_supplement = sum(1 for d in dossiers if d["DanhSachHoSoBoSung"]) / len(dossiers)
    assert 0.05 <= with_supplement <= 0.11
    closed = [d for d in dossiers if d["TrangThaiHoSo"] in ("9", "10") and d["NgayHenTra"]]
    on_time = sum(1 for d in closed if d["NgayKetThucXuLy"] <= d["NgayHenTra"]) / len(closed)
    assert 0.93 <= on_time <= 0.995
    ratings = Counter(r["DanhGia"] for r in simulation.truth("danh-gia"))
    total = sum(ratings.values())
    assert 0.5 <= ratings["RẤT HÀI LÒNG"] / total <= 0.7
    assert ratings["KHÔNG HÀI LÒNG"] / total <= 0.08


def test_holidays_cover_three_years_with_tet_and_national_day(simulation):
    holidays = simulation.truth("ngay-nghi")
    assert {h["Nam"] for h in holidays} == {2024, 2025, 2026}
    days = {h["Ngay"]: h for h in holidays}
    assert days["20250129"]["TenNgayNghi"] == "Tết Nguyên đán"
    assert days["20250902"]["TenNgayNghi"] == "Quốc khánh"
    assert days["20250502"]["LoaiNgay"] == "Nghỉ bù"
    assert [h["Ngay"] for h in holidays] == sorted(days)
