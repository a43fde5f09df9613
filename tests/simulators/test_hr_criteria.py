"""HR data of metrics.md §12 for the §8 criteria, checked on the clean exports (`Simulation.hr_truth`).

Limits are re-implemented from §8.1's defaults (agency 3; `Trung tâm`/`Chi cục` 2; divisions 1 below 10
công chức, 2 up to 14, 3 from 15); M is §8.2's rating population (serving Cán bộ, Công chức, Viên chức whose
service started by 1 July of Y).
"""

from collections import Counter
from datetime import date

import pytest

from simulators import Simulation

YEAR = 2025
SERVING = "Đang làm việc"
AGENCY_DEPUTIES = {
    "Phó Chánh Văn phòng",
    "Phó Giám đốc Sở",
    "Phó Chủ tịch UBND xã",
    "Phó Chủ tịch UBND phường",
}
DIVISION_DEPUTIES = {"Phó Trưởng phòng", "Phó Giám đốc Trung tâm"}


def limit_of(name: str, civil: int) -> int:
    if name.casefold().startswith(("trung tâm", "chi cục")):
        return 2
    return 1 if civil < 10 else 2 if civil <= 14 else 3


@pytest.fixture(scope="module")
def simulation():
    return Simulation(scale="small", year=YEAR, seed=0)


@pytest.fixture(scope="module")
def exports(simulation):
    """{month: {agency: export}} of the clean HR files."""
    out: dict[str, dict[str, dict]] = {}
    for export in simulation.hr_truth():
        out.setdefault(export["month"], {})[export["agency"]] = export
    return out


@pytest.fixture(scope="module")
def departments(simulation):
    units = simulation.truth("don-vi")
    codes = [u["MaDinhDanh"] for u in units if u["LoaiDonVi"] == "so-ban-nganh"]
    return {
        code: {
            u["TenDonVi"]
            for u in units
            if u["MaDonViCha"] == code and u["LoaiDonVi"] in ("phong-ban", "don-vi-truc-thuoc")
        }
        for code in codes
    }


def serving(export: dict) -> list[dict]:
    return [r for r in export["CanBo"] if r["TrangThai"] == SERVING]


def test_divisions_of_the_exports_are_the_agency_tables(exports, departments):
    for month, by_agency in exports.items():
        for code, names in departments.items():
            used = {r["DonViTrucThuoc"] for r in by_agency[code]["CanBo"]} - {None}
            assert used <= names, (month, code)
    first = min(exports)
    for code, names in departments.items():
        assert {r["DonViTrucThuoc"] for r in exports[first][code]["CanBo"]} - {None} == names


def test_civil_servants_per_division_cover_the_three_bands(exports, departments):
    first = exports[min(exports)]
    sizes = [
        sum(r["LoaiNhanSu"] == "Công chức" and r["DonViTrucThuoc"] == name for r in serving(first[code]))
        for code, names in departments.items()
        for name in names
    ]
    assert all(5 <= n <= 18 for n in sizes)
    assert {1 if n < 10 else 2 if n <= 14 else 3 for n in sizes} == {1, 2, 3}


def test_the_hr_manifest_lists_exactly_the_units_over_the_limit(simulation, exports, departments):
    december = exports[max(exports)]
    expected, relative = [], Counter()
    for code, export in sorted(december.items()):
        rows = serving(export)
        deputies = sum(r["ChucVuLanhDao"] in AGENCY_DEPUTIES for r in rows)
        if deputies > 3:
            expected.append({"agency": code, "unit": code, "deputies": deputies, "limit": 3})
        for name in sorted({r["DonViTrucThuoc"] for r in rows} - {None}):
            members = [r for r in rows if r["DonViTrucThuoc"] == name]
            civil = sum(r["LoaiNhanSu"] == "Công chức" for r in members)
            deputies = sum(r["ChucVuLanhDao"] in DIVISION_DEPUTIES for r in members)
            limit = limit_of(name, civil)
            if code in departments:
                relative[(deputies > limit) - (deputies < limit)] += 1
            if deputies > limit:
                expected.append({"agency": code, "unit": name, "deputies": deputies, "limit": limit})
    assert simulation.hr_manifest() == expected
    # §12: at the limit mostly, some one below, some one above; a department with 4 deputies.
    assert relative[0] > relative[1] >= 1 and relative[-1] >= 1
    assert any(row["unit"] == row["agency"] and row["deputies"] == 4 for row in expected)


def test_job_positions_are_empty_in_some_agencies_only(exports):
    shares = []
    for export in exports[max(exports)].values():
        staff = [r for r in serving(export) if r["LoaiNhanSu"] in ("Công chức", "Viên chức")]
        shares.append(sum(r["ViTriViecLam"] is None for r in staff) / len(staff))
    assert 0 in shares and any(0 < share <= 0.1 for share in shares)


def test_ratings_of_the_year(exports):
    december = exports[max(exports)]
    modes, undated, over_cap, late_starters = set(), 0, 0, 0
    for export in december.values():
        rows = {r["SoHieuCBCCVC"]: r for r in export["DanhGia"] if r["Nam"] == YEAR}
        staff = serving(export)
        start = {r["SoHieuCBCCVC"]: r["NgayTuyenDung"] or r["NgayVeDonVi"] for r in staff}
        members = [
            r
            for r in staff
            if r["LoaiNhanSu"] in ("Cán bộ", "Công chức", "Viên chức")
            and start[r["SoHieuCBCCVC"]] <= date(YEAR, 7, 1)
        ]
        late_starters += sum(day > date(YEAR, 7, 1) for day in start.values())
        assert not any(start[code] > date(YEAR, 7, 1) for code in rows if code in start)
        unrated = sum(r["SoHieuCBCCVC"] not in rows for r in members)
        assert unrated <= 3
        days = {rows[r["SoHieuCBCCVC"]]["NgayQuyetDinh"] for r in members if r["SoHieuCBCCVC"] in rows} - {
            None
        }
        modes.add("unrated" if unrated else "late" if min(days).day >= 15 else "on_time")
        undated += sum(row["NgayQuyetDinh"] is None for row in rows.values())
        civil = Counter(
            rows[r["SoHieuCBCCVC"]]["MucXepLoai"]
            for r in members
            if r["LoaiNhanSu"] == "Công chức" and r["SoHieuCBCCVC"] in rows
        )
        over_cap += 5 * civil["HTXSNV"] > civil["HTTNV"]
    assert modes == {"on_time", "late", "unrated"}
    assert undated >= 1 and over_cap == 1 and late_starters >= len(december)


def test_yearly_changes_of_civil_servants_and_public_employees(exports):
    """§12: per agency −2 % to +1 % công chức and −4 % to +1 % viên chức from December Y−1 to December Y,
    one agency growing; transfers between agencies (§5.9) add a person or two either way."""
    before, after = exports[min(exports)], exports[max(exports)]

    def count(export: dict, kind: str) -> int:
        return sum(r["LoaiNhanSu"] == kind for r in serving(export))

    growing = 0
    for code in before:
        for kind, (low, high) in {"Công chức": (-0.02, 0.01), "Viên chức": (-0.04, 0.01)}.items():
            start, end = count(before[code], kind), count(after[code], kind)
            assert round(low * start) - 3 <= end - start <= round(high * start) + 3, (code, kind)
        growing += count(after[code], "Viên chức") > count(before[code], "Viên chức")
    assert growing >= 1
