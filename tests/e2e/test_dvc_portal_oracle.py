"""The Decision 766 oracle (metrics.md §11.1) on a hand-built fixture; every expected number is worked out
in the comments. Assessment year 2025, run the morning after: the end of P is 1/1/2026 00:00. Holidays and
agencies are those of tests/e2e/test_dvc_oracle.py (2025: 1/1, 7/4, 30/4, 1/5, 2/5, 1/9, 2/9; 2026: 1/1)."""

from __future__ import annotations

from decimal import Decimal

from tests.e2e.dvc_portal_oracle import PORTAL_METRICS, dvc_portal_metrics
from tests.e2e.test_dvc_oracle import AFTER_YEAR, AGENCIES, HOLIDAYS, YEAR, dossier


def procedure(code: str, level: str, fee: str, paper: str, agencies: list[str], status: str = "Đang áp dụng"):
    return {
        "MaTTHC": code,
        "MaTTHCNgan": code[:8],
        "TenTTHC": code,
        "MaLinhVuc": "LV-001",
        "TenLinhVuc": "Hộ tịch",
        "MucDo": level,
        "CoPhiLePhi": fee,
        "KetQuaGiay": paper,
        "MaCoQuanThucHien": agencies,
        "CapThucHien": ["Cấp tỉnh"],
        "TrangThai": status,
        "NgayCapNhat": "20241201000000",
    }


P1, P2, P3 = "1.000001.000.00.00.H35", "1.000002.H35", "1.000003.H35"
PROCEDURES = [
    procedure(P1, "4", "1", "1", ["000.00.01.H35"]),  # H35.01 in the old format (Q5)
    procedure(P2, "3", "0", "0", ["H35.01"]),
    procedure(P3, "2", "1", "0", ["H35.01", "H35.02"]),
    procedure("1.000004.H35", "4", "1", "1", ["H35.01"], status="Ngừng áp dụng"),  # not in Proc(A)
]
# Proc(H35.01) = P1, P2, P3. Online (MucDo 3, 4): P1, P2 → 2/3. With a fee: P1, P3; online of those: P1 → 1/2.


def with_fields(record: dict, procedure_code: str, **fields) -> dict:
    return {**record, "MaTTHC": procedure_code, **fields}


def component(reused: str, national: str) -> dict:
    return {"MaThanhPhanHoSo": "TP", "DuocSoHoa": "1", "DuocTaiSuDung": reused, "DuocLayTuKhoDMQG": national}


DOSSIERS = [
    # A: P1 named by its short code (Q9); completed on time with one supplement request (S = 1), which held
    # it from 4/3 09:00 to 5/3 09:00. Minutes: 3/3 09:00 → 7/3 15:00 is 6,120, less 1,440 = 4,680. Online,
    # level 4, a citizen verified with VNeID, paid online, digitised with an e-result; re-used and
    # national-store data.
    with_fields(
        dossier(
            "A",
            10,
            "20250303090000",
            "20250310090000",
            "20250307150000",
            "20250310080000",
            channel="2",
            fee="1",
            paid="1",
            digitised="1",
            results=("https://kq",),
        ),
        "1.000001",
        MucDo="4",
        TaiKhoanDuocXacThucVoiVNeID="1",
        TaiLieuNop=[component("2", "1")],
        DanhSachHoSoBoSung=[
            {
                "HoSoBoSungId": "a1",
                "NgayYeuCauBoSung": "20250304090000",
                "NgayTiepNhanBoSung": "20250305090000",
            }
        ],
    ),
    # B: P2, completed late (due 8/4 08:00, ended 10/4 10:00): 13,080 minutes. In person, a business, nothing
    # digitised, no result document.
    with_fields(
        dossier("B", 9, "20250401080000", "20250408080000", "20250410100000"),
        P2,
        MucDo="3",
        LoaiDoiTuong="2",
        TaiLieuNop=[component("0", "0")],
    ),
    # C: P1, waiting for the applicant (5) and due in 2026: W(P) (§13.9 keeps status 5), S = 1 → progressing.
    # In person at level 4; a citizen without VNeID; fee not paid online; re-used data.
    with_fields(
        dossier("C", 5, "20251220080000", "20260105080000", fee="1", paid="3", supplements=1),
        P1,
        MucDo="4",
        TaiLieuNop=[component("1", "0")],
    ),
    # D: P3, open and due in 2026 but with two supplement requests: W(P), not progressing. Postal, level 2, a
    # citizen verified with VNeID; fee requested, not paid online.
    with_fields(
        dossier("D", 4, "20251229080000", "20260106080000", channel="3", fee="1", paid="3", supplements=2),
        P3,
        MucDo="2",
        TaiKhoanDuocXacThucVoiVNeID="1",
    ),
    # E: P2, open and overdue at the end of P: T(P), late. A citizen without VNeID; national-store data only.
    with_fields(
        dossier("E", 4, "20251103080000", "20251110080000"), P2, MucDo="3", TaiLieuNop=[component("0", "1")]
    ),
    # F: submitted online, never accepted (1): in no population.
    with_fields(dossier("F", 1, channel="2"), P2),
]


def pakn(key: str, received: str, status: str, answered: str = "", published: str = "", rating: str = ""):
    return {
        "id": key,
        "MaDonVi": "H35.01",
        "PhanLoai": "Khác",
        "NgayTiepNhan": received,
        "NgayTraLoi": answered,
        "NgayCongKhai": published,
        "TrangThai": status,
        "CongKhai": "1" if published else "0",
        "MaHoSo": "",
        "DanhGiaTraLoi": rating,
        "NgayCapNhat": "20251231000000",
    }


REFUSED, ANSWERED, OPEN = "Từ chối tiếp nhận", "Đã trả lời", "Đang xử lý"
PAKN = [
    # K1: refused within 2 working days of Mon 3/3 (4/3, 5/3: before 6/3 00:00): within.
    pakn("k1", "20250303090000", REFUSED, "20250305160000"),
    # K2: refused on 6/3 08:00: too late.
    pakn("k2", "20250303090000", REFUSED, "20250306080000"),
    # K3: received Mon 28/4; 15 working days skip 30/4–2/5: 29/4, then 5/5 … 22/5. Answered 22/5 17:00,
    # published Mon 26/5 (2 working days after Thu 22/5: 23/5, 26/5): within, but rated KHÔNG HÀI LÒNG.
    pakn("k3", "20250428090000", ANSWERED, "20250522170000", "20250526100000", "KHÔNG HÀI LÒNG"),
    # K4: answered Tue 3/6, published Fri 6/6, after the end of Thu 5/6: not within.
    pakn("k4", "20250602090000", ANSWERED, "20250603100000", "20250606090000", "HÀI LÒNG"),
    # K5: answered 2/7, never published, its publication limit long past: counted, not within.
    pakn("k5", "20250701090000", ANSWERED, "20250702090000"),
    # K6: answered Wed 31/12, not published; limit 2 working days after (1/1/2026 a holiday): 2/1, 5/1/2026,
    # after the end of P: pending (§13.9), in neither count.
    pakn("k6", "20251229090000", ANSWERED, "20251231100000"),
    # K7: unanswered, its 15-day limit in January 2026: pending.
    pakn("k7", "20251222090000", OPEN),
    # K8: unanswered, its limit in October: counted, not within.
    pakn("k8", "20251001090000", OPEN),
]


def test_every_metric_of_the_fixture():
    results = dvc_portal_metrics(
        year=YEAR,
        as_of=AFTER_YEAR,
        dossiers=DOSSIERS,
        pakn=PAKN,
        procedures=PROCEDURES,
        holidays=HOLIDAYS,
        agencies=AGENCIES,
    )
    expected = {
        # T(P) = A (on time), B, E (late); W(P) = C (S = 1), D (S = 2): (1 + 1) / (3 + 2).
        "dvc.progress_rate": (2, 5, Decimal("0.4000")),
        # Completed: A and B; (4,680 + 13,080) minutes ÷ 2 ÷ 1,440 = 6.16666… days.
        "dvc.avg_processing_days": (17760, 2, Decimal("6.1667")),
        "dvc.online_procedure_rate": (2, 3, Decimal("0.6667")),
        # Online procedures P1 (A received online) and P2 (B, E in person).
        "dvc.online_service_use_rate": (1, 2, Decimal("0.5000")),
        # R(P) = A, B, C, D, E; at level 4: A (online) and C (in person).
        "dvc.full_online_share": (1, 2, Decimal("0.5000")),
        # Completed on a paper-result procedure: A, with an e-result.
        "dvc.e_result_paper_rate": (1, 1, Decimal("1.0000")),
        # A digitised with its e-result; B not digitised.
        "dvc.digitised_complete_rate": (1, 2, Decimal("0.5000")),
        "dvc.reuse_rate": (2, 5, Decimal("0.4000")),  # A ("2"), C ("1")
        "dvc.national_store_rate": (2, 5, Decimal("0.4000")),  # A, E
        # Citizens of R(P): A, C, D, E; verified: A, D.
        "dvc.vneid_rate": (2, 4, Decimal("0.5000")),
        # Counted: K1, K2, K3, K4, K5, K8; within every limit: K1, K3.
        "dvc.pakn_deadlines_rate": (2, 6, Decimal("0.3333")),
        "dvc.pakn_satisfaction_rate": (1, 6, Decimal("0.1667")),  # K3 rated KHÔNG HÀI LÒNG
        # Fee procedures P1 (A paid online) and P3 (D not).
        "dvc.fee_procedure_paid_online_rate": (1, 2, Decimal("0.5000")),
        "dvc.fee_procedure_online_rate": (1, 2, Decimal("0.5000")),
    }
    assert {code: results[("H35.01", code)] for code in PORTAL_METRICS} == expected
    # H35.02 is assessed and named by P3, but has no dossier and no PAKN: undefined, not zero (§0).
    assert {results[("H35.02", code)] for code in PORTAL_METRICS} == {(None, None, None)}
