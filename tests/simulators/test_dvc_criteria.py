"""DVC data of metrics.md §12 for the Decision 766 metrics (§11.1), on the clean truth of the `small` run.

Shares are the contract's defaults; bounds are wide where `small` has few records (60 PAKN, 150 procedures).
"""

from collections import Counter

import pytest

from simulators import Simulation


@pytest.fixture(scope="module")
def simulation():
    return Simulation(scale="small", year=2025, seed=0)


@pytest.fixture(scope="module")
def dossiers(simulation):
    return simulation.truth("ho-so")


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def test_procedure_catalogue_shares(simulation):
    procedures = simulation.truth("thu-tuc")
    levels = Counter(p["MucDo"] for p in procedures)
    assert abs(share(levels["4"], len(procedures)) - 0.45) < 0.12
    assert abs(share(levels["2"], len(procedures)) - 0.25) < 0.12
    assert abs(share(sum(p["KetQuaGiay"] == "1" for p in procedures), len(procedures)) - 0.60) < 0.12
    assert abs(share(sum(p["CoPhiLePhi"] == "1" for p in procedures), len(procedures)) - 0.35) < 0.12


def test_e_results_reuse_national_store_and_vneid(simulation, dossiers):
    paper = {p["MaTTHC"] for p in simulation.truth("thu-tuc") if p["KetQuaGiay"] == "1"}
    completed = [d for d in dossiers if d["TrangThaiHoSo"] in ("9", "10")]

    def linked(d: dict) -> bool:
        return any(r["DuongDanTepTinKetQua"] for r in d["DanhSachGiayToKetQua"])

    with_paper = [d for d in completed if d["MaTTHC"] in paper]
    others = [d for d in completed if d["MaTTHC"] not in paper]
    assert 0.5 <= share(sum(map(linked, with_paper)), len(with_paper)) < 0.95
    assert share(sum(map(linked, others)), len(others)) >= 0.88
    reused = share(
        sum(any(t["DuocTaiSuDung"] in ("1", "2") for t in d["TaiLieuNop"]) for d in dossiers), len(dossiers)
    )
    national = share(
        sum(any(t["DuocLayTuKhoDMQG"] == "1" for t in d["TaiLieuNop"]) for d in dossiers), len(dossiers)
    )
    citizens = [d for d in dossiers if d["LoaiDoiTuong"] == "1"]
    vneid = share(sum(d["TaiKhoanDuocXacThucVoiVNeID"] == "1" for d in citizens), len(citizens))
    assert 0.2 <= reused <= 0.7 and 0.05 <= national <= 0.3 and 0.4 <= vneid <= 0.9


def test_online_capable_procedures_without_online_dossiers(simulation, dossiers):
    online = {(d["MaDonViXuLy"], d["MaTTHC"]) for d in dossiers if d["KenhThucHien"] == "2"}
    capable = [
        p
        for p in simulation.truth("thu-tuc")
        if p["MucDo"] in ("3", "4") and p["TrangThai"] == "Đang áp dụng"
    ]
    for agency in {d["MaDonViXuLy"] for d in dossiers}:
        own = [p["MaTTHC"] for p in capable if agency in p["MaCoQuanThucHien"]]
        if own:
            assert 0 < sum((agency, code) not in online for code in own) < len(own) or len(own) < 5


def test_pakn_refusals_publications_and_ratings(simulation):
    feedback = simulation.truth("pakn")
    answered = [f for f in feedback if f["TrangThai"] == "Đã trả lời"]
    refused = [f for f in feedback if f["TrangThai"] == "Từ chối tiếp nhận"]
    assert refused and share(len(refused), len(feedback)) < 0.15
    assert 0.7 <= share(sum(bool(f["NgayCongKhai"]) for f in answered), len(answered)) <= 0.97
    rated = [f for f in answered if f["DanhGiaTraLoi"]]
    assert 0.3 <= share(len(rated), len(answered)) <= 0.7
    assert share(sum(f["DanhGiaTraLoi"] == "KHÔNG HÀI LÒNG" for f in rated), len(rated)) <= 0.3
