"""Records of the catalogue resources: `thu-tuc`, `don-vi`, `ngay-nghi` (sources.md §2.4, §2.5, §2.10)."""

from simulators.clock import wire
from simulators.dvc.agencies import Agency
from simulators.dvc.procedures import Procedure, receiving_agencies
from simulators.workdays import Holiday


def procedure_record(procedure: Procedure, moment: int, version: int, agencies: list[Agency]) -> dict:
    record = {
        "MaTTHC": procedure.code,
        "MaTTHCNgan": procedure.short_code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field_code,
        "TenLinhVuc": procedure.field_name,
        "MucDo": str(procedure.service_level_at(moment)),
        "CoPhiLePhi": "1" if procedure.has_fee else "0",
        "KetQuaGiay": "1" if procedure.paper_result else "0",
        "MaCoQuanThucHien": receiving_agencies(procedure, agencies),
        "CapThucHien": list(procedure.levels),
        "TrangThai": "Đang áp dụng" if procedure.active else "Ngừng áp dụng",
        "ThoiGianGiaiQuyet": "",
        "LoaiThoiGian": "",
        "NgayCapNhat": wire(version),
    }
    if procedure.legal_days is not None:
        # A whole number of days is sent as an integer, as the vendor's JSON does.
        days = procedure.legal_days
        record["ThoiGianGiaiQuyet"] = int(days) if days.is_integer() else days
        record["LoaiThoiGian"] = procedure.day_kind
    return record


def agency_record(agency: Agency, moment: int, version: int, ended_at: int) -> dict:
    return {
        "MaDinhDanh": agency.code,
        "MaDinhDanhCu": agency.old_code,
        "TenDonVi": agency.name,
        "LoaiDonVi": agency.unit_type,
        "MaDonViCha": agency.parent or "",
        "NgayHieuLuc": "",
        "NgayHetHieuLuc": wire(ended_at) if ended_at <= moment else "",
        "NgayCapNhat": wire(version),
    }


def holiday_record(holiday: Holiday) -> dict:
    return {
        "Ngay": holiday.day.strftime("%Y%m%d"),
        "Nam": holiday.day.year,
        "TenNgayNghi": holiday.name,
        "LoaiNgay": holiday.kind,
    }
