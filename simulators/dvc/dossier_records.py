"""Dossier records as of a moment (sources.md §2.6), derived from their event times.

Rendering works on a batch of dossiers: the numpy columns are read once per batch, so the per-record work
is plain Python on ints and strings.
"""

from simulators.clock import NEVER, wire
from simulators.dvc.agencies import Agency
from simulators.dvc.dossiers import COLUMN, NATIONAL_STORE, REUSED, DossierTable
from simulators.dvc.procedures import Procedure
from simulators.hashing import guid, mix

FAMILY_NAMES = ("Nguyễn", "Lò", "Lường", "Tòng", "Vàng", "Giàng", "Sùng", "Trần", "Hoàng", "Phạm", "Đỗ", "Lý")
MIDDLE_NAMES = ("Văn", "Thị", "A", "Seo", "Thị Thu", "Minh", "Đức")
GIVEN_NAMES = ("An", "Bình", "Chiến", "Dung", "Hoa", "Hùng", "Lan", "Mai", "Páo", "Sính", "Thành", "Xuân")
VILLAGES = ("Bản Nà Khương", "Bản Hon", "Tổ dân phố 5", "Bản Thẳm", "Bản Lả Mường", "Tổ dân phố 12")
SUPPLEMENT_REQUEST = "Bổ sung bản sao giấy tờ tùy thân và giấy tờ chứng minh nơi cư trú"
ENDED, RETURNED = COLUMN["ended"], COLUMN["returned"]
PAYMENT_REQUESTED, PAYMENT_DONE = COLUMN["payment_requested"], COLUMN["payment_done"]


def dossier_records(
    table: DossierTable,
    indices: list[int],
    moment: int,
    versions: list[int],
    procedures: list[Procedure],
    agencies: list[Agency],
) -> list[dict]:
    columns = zip(
        indices,
        versions,
        table.events[indices].tolist(),
        table.due[indices].tolist(),
        table.refused[indices].tolist(),
        table.end_status[indices].tolist(),
        table.procedure[indices].tolist(),
        table.agency[indices].tolist(),
        table.channel[indices].tolist(),
        table.service_level[indices].tolist(),
        table.applicant_type[indices].tolist(),
        table.online_payment[indices].tolist(),
        table.has_fee[indices].tolist(),
        table.vneid[indices].tolist(),
        table.components[indices].tolist(),
        table.digitised_components[indices].tolist(),
        table.results[indices].tolist(),
        table.e_result[indices].tolist(),
        table.shared[indices].tolist(),
        strict=True,
    )
    records = []
    for (
        index,
        version,
        events,
        dues,
        refused_ever,
        end_status,
        procedure_index,
        agency_index,
        channel,
        service_level,
        applicant_type,
        online_payment,
        has_fee,
        vneid,
        components,
        digitised,
        results,
        e_result,
        shared,
    ) in columns:
        happened = [t if t <= moment else NEVER for t in events]
        intake = happened[COLUMN["intake"]]
        refused = refused_ever and intake < NEVER
        accepted = not refused_ever and intake < NEVER
        supplements, due = _supplements(index, happened, dues) if accepted else ([], NEVER)
        status = _status(happened, accepted, refused, end_status, supplements)
        procedure = procedures[procedure_index]
        agency = agencies[agency_index]
        person = mix(index)
        owner = _name(person)
        records.append(
            {
                "MaHoSo": table.keys[index],
                "MaTTHC": procedure.code,
                "TenTTHC": procedure.name,
                "MaLinhVuc": procedure.field_code,
                "KenhThucHien": str(channel),
                "MucDo": str(service_level),
                "LoaiDoiTuong": str(applicant_type),
                "ChuHoSo": owner,
                "SoGiayToChuHoSo": _identity_number(index, applicant_type),
                "SoDienThoai": f"09{(person >> 24) % 100_000_000:08d}",
                "Email": f"congdan{index}@gmail.com" if (person >> 56) % 4 == 0 else "",
                "DiaChiChuHoSo": f"{VILLAGES[(person >> 60) % len(VILLAGES)]}, {agency.name}",
                "TrichYeuHoSo": f"{procedure.name} cho {owner}",
                "NgayNopHoSo": wire(happened[COLUMN["submitted"]]),
                "NgayTiepNhan": wire(intake) if accepted else "",
                "NgayHenTra": wire(due),
                "NgayKetThucXuLy": wire(happened[ENDED]),
                "NgayTra": wire(happened[RETURNED]) if status == 10 else "",
                "NgayTuChoi": wire(intake) if refused else "",
                "TrangThaiHoSo": str(status),
                "MaDonViXuLy": agency.code,
                "HoSoCoThanhPhanSoHoa": "1" if digitised else "0",
                "DuocThanhToanTrucTuyen": str(online_payment),
                "CoPhiLePhi": "1" if has_fee else "0",
                "TaiKhoanDuocXacThucVoiVNeID": "1" if vneid else "0",
                "TaiLieuNop": [
                    _component(position, digitised, shared if position == 0 else 0, person >> (5 * position))
                    for position in range(components)
                ],
                "DanhSachHoSoBoSung": supplements,
                "DanhSachGiayToKetQua": [
                    _result(index, position, e_result, procedure)
                    for position in range(results if status in (9, 10) else 0)
                ],
                "NgayCapNhat": wire(version),
            }
        )
    return records


def _status(
    happened: list[int], accepted: bool, refused: bool, end_status: int, supplements: list[dict]
) -> int:
    if refused:
        return 3
    if not accepted:
        return 1
    if happened[ENDED] < NEVER:
        return 10 if end_status == 9 and happened[RETURNED] < NEVER else end_status
    if supplements and not supplements[-1]["NgayTiepNhanBoSung"]:
        return 5
    if happened[PAYMENT_REQUESTED] < NEVER and happened[PAYMENT_DONE] == NEVER:
        return 6
    return 4 if happened[COLUMN["processing"]] < NEVER else 2


def _supplements(index: int, happened: list[int], dues: list[int]) -> tuple[list[dict], int]:
    """DanhSachHoSoBoSung as of the moment, and the NgayHenTra in effect."""
    due = dues[0]
    entries = []
    for round_ in range(2):
        requested = happened[COLUMN[f"supplement_requested_{round_}"]]
        if requested == NEVER:
            break
        received = happened[COLUMN[f"supplement_received_{round_}"]]
        new_due = dues[round_ + 1] if received < NEVER else NEVER
        entries.append(
            {
                "HoSoBoSungId": guid(index, 13, round_),
                "NoiDungBoSung": SUPPLEMENT_REQUEST,
                "NgayYeuCauBoSung": wire(requested),
                "NgayTiepNhanBoSung": wire(received),
                "NgayHenTraTruoc": wire(due),
                "NgayHenTraMoi": wire(new_due),
            }
        )
        if received < NEVER:
            due = new_due
    return entries, due


def _name(person: int) -> str:
    family = FAMILY_NAMES[person % len(FAMILY_NAMES)]
    middle = MIDDLE_NAMES[(person >> 8) % len(MIDDLE_NAMES)]
    return f"{family} {middle} {GIVEN_NAMES[(person >> 16) % len(GIVEN_NAMES)]}"


def _identity_number(index: int, applicant_type: int) -> str:
    number = mix(index, 4)
    if applicant_type != 1:
        return f"{6_200_000_000 + number % 99_999_999:010d}"
    if (number >> 50) % 10 == 0:
        return f"{number % 1_000_000_000:09d}"
    return f"0{number % 100_000_000_000:011d}"


def _component(position: int, digitised_count: int, shared: int, draw: int) -> dict:
    """A submitted document; only the first one is reused or taken from the national store (`shared`)."""
    return {
        "MaThanhPhanHoSo": f"TP-{position + 1:02d}",
        "TenTepDinhKem": f"thanh_phan_{position + 1:02d}.pdf",
        "DuocSoHoa": "1" if position < digitised_count else "0",
        "DuocTaiSuDung": str(1 + draw % 2) if shared & REUSED else "0",
        "DuocLayTuKhoDMQG": "1" if shared & NATIONAL_STORE else "0",
    }


def _result(index: int, position: int, electronic: bool, procedure: Procedure) -> dict:
    document = guid(index, 12, position)
    return {
        "GiayToId": document,
        "TenGiayTo": f"Kết quả giải quyết thủ tục {procedure.name}",
        "MaGiayToKetQua": f"KQ-{position + 1:02d}",
        "DuongDanTepTinKetQua": (
            f"https://dichvucong.laichau.gov.vn/kq/{document}.pdf" if electronic and position == 0 else ""
        ),
    }
