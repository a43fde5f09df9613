"""The clean rows of each sheet of an agency's export for a month (sources.md §5.4–5.8), as field dicts."""

from datetime import date

from simulators.configuration import load
from simulators.hr.staff import SERVING, TRANSFERRED, Staff, month_end

SHEETS = ("CanBo", "BienChe", "DaoTao", "KyLuat", "DanhGia")


def export_rows(staff: Staff, agency: int, month: int) -> dict[str, list[dict]]:
    """{sheet: [row, ...]} for the export of `agency` at the end of month index `month`."""
    config = load("hr")
    first = staff.months[month]
    last = month_end(first)
    postings = staff.listed(agency, month)
    listed = {p.person for p in postings}
    people = staff.people
    can_bo = []
    for posting in postings:
        person = people[posting.person]
        leaving = posting.last_month == month and posting.leaving is not None
        can_bo.append(
            {
                "SoHieuCBCCVC": person.staff_code,
                "SoDinhDanhCaNhan": person.id_number,
                "HoTen": person.name,
                "NgaySinh": person.born,
                "GioiTinh": "Nữ" if person.female else "Nam",
                "DanToc": person.ethnicity,
                "TonGiao": person.religion,
                "NgayVaoDang": person.party_joined,
                "QueQuan": person.home_town,
                "SoDienThoai": person.phone,
                "LoaiNhanSu": person.kind,
                "MaNgach": person.rank[0] if person.rank else None,
                "TenNgach": person.rank[1] if person.rank else None,
                "ChucVuLanhDao": posting.post,
                "DonViTrucThuoc": posting.division,
                "ViTriViecLam": posting.position,
                "NgayTuyenDung": person.recruited,
                "NgayVeDonVi": posting.joined,
                "TrinhDoChuyenMon": person.education,
                "LyLuanChinhTri": person.political,
                "QuanLyNhaNuoc": person.management,
                "TrangThai": posting.leaving if leaving else SERVING,
                "NgayThayDoiTrangThai": posting.left if leaving else None,
            }
        )
    year = first.year
    quotas = [staff.quotas[(agency, y)] for y in sorted({year - 1, year}) if (agency, y) in staff.quotas]
    training = []
    for course in staff.courses:
        if course.person not in listed or course.start > last:
            continue
        if year not in (course.start.year, course.end.year):
            continue
        finished = course.end <= last
        training.append(
            {
                "SoHieuCBCCVC": people[course.person].staff_code,
                "HoTen": people[course.person].name,
                "TenKhoa": course.name,
                "LoaiHinh": course.kind,
                "NoiDung": course.content,
                "HinhThuc": course.form,
                "CoSoDaoTao": course.school,
                "TuNgay": course.start,
                "DenNgay": course.end if finished or course.end_known else None,
                "VanBang": "Chứng chỉ" if finished and course.passed else None,
                "KetQua": ("Hoàn thành" if course.passed else "Không hoàn thành") if finished else "Đang học",
                "TheoKeHoach": "Có" if course.planned else "Không",
            }
        )
    discipline = []
    for sanction in staff.sanctions:
        if sanction.agency != agency or sanction.decided > last:
            continue
        in_force = sanction.months is not None and _add_months(sanction.decided, sanction.months) > last
        if sanction.decided.year != year and not in_force:
            continue
        discipline.append(
            {
                "SoHieuCBCCVC": people[sanction.person].staff_code,
                "HoTen": people[sanction.person].name,
                "HinhThuc": sanction.kind,
                "SoQuyetDinh": sanction.number,
                "NgayQuyetDinh": sanction.decided,
                "CoQuanQuyetDinh": "Thủ trưởng cơ quan",
                "ThoiHanThang": sanction.months,
                "HanhViViPham": sanction.offence,
            }
        )
    ratings = []
    for posting in postings:
        for rated_year in (year - 1, year):
            if (rated_year, 12) > (year, first.month) or (posting.person, rated_year) not in staff.ratings:
                continue
            rating, decision, decided = staff.ratings[(posting.person, rated_year)]
            ratings.append(
                {
                    "SoHieuCBCCVC": people[posting.person].staff_code,
                    "HoTen": people[posting.person].name,
                    "Nam": rated_year,
                    "MucXepLoai": config["ratings"][rating][0],
                    "SoQuyetDinh": decision,
                    "NgayQuyetDinh": decided,
                }
            )
    return {"CanBo": can_bo, "BienChe": quotas, "DaoTao": training, "KyLuat": discipline, "DanhGia": ratings}


def duplicate_rows(staff: Staff, agency: int, month: int) -> set[int]:
    """Positions of the CanBo rows that Q15 serves as still serving (the truth says TRANSFERRED)."""
    return {
        position
        for position, posting in enumerate(staff.listed(agency, month))
        if posting.duplicate and posting.last_month == month and posting.leaving == TRANSFERRED
    }


def _add_months(day: date, months: int) -> date:
    total = day.month - 1 + months
    return date(day.year + total // 12, total % 12 + 1, min(day.day, 28))
