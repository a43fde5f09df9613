"""Data quirks of the DVC system (sources.md §7): planned per record at generation, applied when served.

A plan entry names a quirk and a salt; the salt picks the field or variant, so the same record gets the
same defect every time it is served. Each quirk returns the fields it really altered, which become the
manifest entries (sources.md §1.11).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from simulators.clock import parse_wire, wire
from simulators.hashing import mix
from simulators.textquirks import QuirkPlan, case_variant, decompose, padded

DEFAULT_RATES = {
    "Q1": 0.01,  # null for "" in 1 % of records; a MinValue date and a missing optional key at half that
    "Q2": 0.02,
    "Q3": 0.02,
    "Q4": 0.01,
    "Q5": 0.15,
    "Q6": 0.001,
    "Q7": 0.001,
    "Q8": 0.01,
    "Q9": 0.01,
    "Q12": 0.002,
}
# Applied in this order: value changes first, then the spelling of the values, then their JSON type.
ORDER = ("Q9", "Q5", "Q7", "Q6", "Q3", "Q4", "Q2", "Q1", "Q1-date", "Q1-missing", "Q8")
MIN_VALUE_DATE = "00010101000000"
UNKNOWN_STATUSES = ("0", "11", "interoperating")


@dataclass(frozen=True)
class FieldSpec:
    identifiers: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    enums: tuple[str, ...] = ()  # Q4: values with letters whose case can vary
    numeric: tuple[str, ...] = ()  # Q8: string codes and flags that can arrive as JSON numbers
    textual_numbers: tuple[str, ...] = ()  # Q8 reversed: numbers that can arrive as strings
    dates: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    agency_lists: tuple[str, ...] = ()


DOSSIER_FLAGS = (
    "HoSoCoThanhPhanSoHoa",
    "DuocThanhToanTrucTuyen",
    "CoPhiLePhi",
    "TaiKhoanDuocXacThucVoiVNeID",
)
SPECS = {
    "ho-so": FieldSpec(
        identifiers=("MaHoSo", "MaTTHC"),
        codes=("MaLinhVuc", "KenhThucHien", "MucDo", "LoaiDoiTuong", "TrangThaiHoSo", "MaDonViXuLy")
        + DOSSIER_FLAGS,
        numeric=("KenhThucHien", "MucDo", "LoaiDoiTuong", "TrangThaiHoSo") + DOSSIER_FLAGS,
        dates=("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi"),
        optional=("SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChiChuHoSo", "NgayTiepNhan", "NgayHenTra")
        + ("NgayKetThucXuLy", "NgayTra", "NgayTuChoi"),
        agencies=("MaDonViXuLy",),
    ),
    "phieu-xin-loi": FieldSpec(
        identifiers=("Id", "MaHoSo"),
        codes=("Loai", "TrangThai"),
        enums=("TrangThai",),
        dates=("CreatedOn", "NgayKy", "NgayHenTraMoi"),
        optional=("TrichYeu", "TenLanhDaoKy", "NgayKy"),
    ),
    "danh-gia": FieldSpec(
        identifiers=("MaHoSo",),
        codes=("LoaiDanhGia", "DanhGia"),
        enums=("DanhGia",),
        dates=("ThoiGianDanhGia",),
        optional=("NoiDungDanhGia", "NguoiDanhGia"),
    ),
    "pakn": FieldSpec(
        identifiers=("id", "MaHoSo"),
        codes=("MaDonVi", "PhanLoai", "TrangThai", "CongKhai", "DanhGiaTraLoi"),
        enums=("PhanLoai", "TrangThai", "DanhGiaTraLoi"),
        numeric=("CongKhai",),
        dates=("NgayTraLoi", "NgayCongKhai"),
        optional=("TieuDe", "NguoiGui", "NgayTraLoi", "NgayCongKhai", "MaHoSo", "DanhGiaTraLoi"),
        agencies=("MaDonVi",),
    ),
    "thu-tuc": FieldSpec(
        identifiers=("MaTTHC", "MaTTHCNgan"),
        codes=("MaLinhVuc", "MucDo", "LoaiThoiGian", "CoPhiLePhi", "KetQuaGiay", "TrangThai"),
        enums=("LoaiThoiGian", "TrangThai"),
        numeric=("MucDo", "CoPhiLePhi", "KetQuaGiay"),
        textual_numbers=("ThoiGianGiaiQuyet",),
        optional=("ThoiGianGiaiQuyet", "LoaiThoiGian"),
        agency_lists=("MaCoQuanThucHien",),
    ),
    "don-vi": FieldSpec(
        identifiers=("MaDinhDanh", "MaDinhDanhCu"),
        codes=("LoaiDonVi", "MaDonViCha"),
        enums=("LoaiDonVi",),
        dates=("NgayHieuLuc", "NgayHetHieuLuc"),
        optional=("MaDinhDanhCu", "MaDonViCha", "NgayHieuLuc", "NgayHetHieuLuc"),
    ),
    "ngay-nghi": FieldSpec(codes=("LoaiNgay",), enums=("LoaiNgay",), textual_numbers=("Nam",)),
}


@dataclass(frozen=True)
class QuirkContext:
    old_agency_code: dict[str, str]  # MaDinhDanh -> MaDinhDanhCu
    short_procedure_code: dict[str, str]  # MaTTHC -> MaTTHCNgan
    rates: dict[str, float]


def plan_quirks(
    sizes: dict[str, int], eligible: dict[str, dict[str, np.ndarray]], rates: dict[str, float], rng
) -> QuirkPlan:
    """Chooses the altered records; `eligible` narrows a quirk to some records (Q6: closed dossiers)."""
    plan = QuirkPlan(ORDER)
    for entity, size in sizes.items():
        spec = SPECS[entity]
        population = np.arange(size)
        wanted = {
            "Q1": rates["Q1"],
            "Q1-date": rates["Q1"] / 2 if spec.dates else 0,
            "Q1-missing": rates["Q1"] / 2 if spec.optional else 0,
            "Q2": rates["Q2"],
            "Q3": min(1.0, rates["Q3"] * len(spec.identifiers + spec.codes)),
            "Q4": rates["Q4"] if spec.enums else 0,
            "Q5": rates["Q5"] if spec.agencies else (1.0 if spec.agency_lists and rates["Q5"] > 0 else 0),
            "Q8": rates["Q8"] if spec.numeric or spec.textual_numbers else 0,
        }
        if entity == "ho-so":
            wanted.update({"Q6": rates["Q6"], "Q7": rates["Q7"], "Q9": rates["Q9"]})
        for quirk, rate in wanted.items():
            pool = eligible.get(entity, {}).get(quirk, population)
            if rate <= 0 or len(pool) == 0:
                continue
            count = min(len(pool), math.ceil(rate * len(pool)))
            chosen = np.sort(rng.choice(pool, size=count, replace=False))
            plan.add(entity, chosen, quirk, rng.integers(0, 2**31, count))
    return plan.freeze()


def apply_quirks(
    entity: str, record: dict, plan: list[tuple[str, int]], context: QuirkContext
) -> list[tuple[str, str]]:
    """Alters the record in place; returns (field, quirk) for every field really altered."""
    spec = SPECS[entity]
    altered = []
    for quirk, salt in plan:
        fields = QUIRKS[quirk](record, spec, salt, context)
        altered.extend((name, quirk.split("-")[0]) for name in fields)
    return altered


def _short_procedure(record, spec, salt, context) -> list[str]:
    short = context.short_procedure_code.get(record.get("MaTTHC"))
    if short is None:
        return []
    record["MaTTHC"] = short
    return ["MaTTHC"]


def _old_agency(record, spec, salt, context) -> list[str]:
    altered = []
    for name in spec.agencies:
        old = context.old_agency_code.get(record.get(name))
        if old is not None:
            record[name] = old
            altered.append(name)
    for name in spec.agency_lists:
        codes = record[name]
        for position, code in enumerate(codes):
            if (
                mix(salt, position) % 10_000 < context.rates["Q5"] * 10_000
                and code in context.old_agency_code
            ):
                codes[position] = context.old_agency_code[code]
                altered.append(f"{name}[{position}]")
    return altered


def _unknown_status(record, spec, salt, context) -> list[str]:
    record["TrangThaiHoSo"] = UNKNOWN_STATUSES[salt % len(UNKNOWN_STATUSES)]
    return ["TrangThaiHoSo"]


def _end_before_intake(record, spec, salt, context) -> list[str]:
    if not record.get("NgayKetThucXuLy") or not record.get("NgayTiepNhan"):
        return []
    record["NgayKetThucXuLy"] = wire(parse_wire(record["NgayTiepNhan"]) - 3_600 - salt % 172_800)
    return ["NgayKetThucXuLy"]


def _whitespace(record, spec, salt, context) -> list[str]:
    candidates = [
        name for name in spec.identifiers + spec.codes if isinstance(record.get(name), str) and record[name]
    ]
    if not candidates:
        return []
    name = candidates[salt % len(candidates)]
    value = record[name]
    if name in spec.codes and " " in value and salt % 3 == 0:
        # Codes are compared after collapsing whitespace, so inner runs are fair game; identifiers keep
        # their inner spaces (sources.md §1.4), so they only get outer ones.
        record[name] = value.replace(" ", ("  ", "\u00a0", "\n")[salt // 3 % 3], 1)
    else:
        record[name] = padded(value, salt)
    return [name]


def _letter_case(record, spec, salt, context) -> list[str]:
    candidates = [name for name in spec.enums if isinstance(record.get(name), str) and record[name]]
    if not candidates:
        return []
    name = candidates[salt % len(candidates)]
    variant = case_variant(record[name])
    if variant is None:
        return []
    record[name] = variant
    return [name]


def _decomposed(record, spec, salt, context) -> list[str]:
    return decompose(record)


def _null_for_empty(record, spec, salt, context) -> list[str]:
    altered = [name for name, value in record.items() if value == ""]
    for name in altered:
        record[name] = None
    return altered


def _min_value_date(record, spec, salt, context) -> list[str]:
    empty = [name for name in spec.dates if record.get(name) == ""]
    if not empty:
        return []
    name = empty[salt % len(empty)]
    record[name] = MIN_VALUE_DATE
    return [name]


def _missing_key(record, spec, salt, context) -> list[str]:
    empty = [name for name in spec.optional if name in record and record[name] in ("", None)]
    if not empty:
        return []
    name = empty[salt % len(empty)]
    del record[name]
    return [name]


def _json_type(record, spec, salt, context) -> list[str]:
    numbers = [name for name in spec.numeric if isinstance(record.get(name), str) and record[name].isdigit()]
    texts = [name for name in spec.textual_numbers if isinstance(record.get(name), int | float)]
    candidates = numbers + texts
    if not candidates:
        return []
    name = candidates[salt % len(candidates)]
    record[name] = int(record[name]) if name in numbers else str(record[name])
    return [name]


QUIRKS: dict[str, Callable[[dict, FieldSpec, int, QuirkContext], list[str]]] = {
    "Q1": _null_for_empty,
    "Q1-date": _min_value_date,
    "Q1-missing": _missing_key,
    "Q2": _decomposed,
    "Q3": _whitespace,
    "Q4": _letter_case,
    "Q5": _old_agency,
    "Q6": _end_before_intake,
    "Q7": _unknown_status,
    "Q8": _json_type,
    "Q9": _short_procedure,
}
