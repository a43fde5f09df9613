"""Independent oracle for the HR metrics of metrics.md §4, in plain Python over contract records.

Shares no code with `etl/` or `warehouse/` and uses only the standard library.

Input: the exports as dicts `{"MaDonVi", "Thang" ("YYYYMM"), "CanBo", "BienChe", "DaoTao", "KyLuat"}`, each
sheet a list of rows keyed by the contract's field names (sources.md §5.4–5.7), with cell values as written:
dates as `date`/`datetime` or text `d/M/yyyy`, integers possibly as floats, identifiers possibly as numbers,
enumerations in any case, NFD or with extra spaces. `MaDonVi` is mapped through `aliases` (old → new code).

Interpretations, where metrics.md leaves a choice:
- "The end of P" is 1 January of Y+1 at 00:00, or `as_of` when earlier. The snapshot of an agency for P is
  its export of the latest month whose first day is before the end of P. No snapshot: every metric undefined.
- A row that the contract would quarantine (a required cell empty, a date that is not a date, an unknown
  enumeration) enters no metric. The transfer rule (§5.9) removes, per month and person, every serving row
  but the one with the strictly latest `NgayVeDonVi`.
- DaoTao and KyLuat rows come from the agency's exports of months overlapping P, the latest month winning
  per key ((SoHieuCBCCVC, TenKhoa, TuNgay) and SoQuyetDinh); a date "in P" is in [1/1/Y, 31/12/Y] and before
  the end of P.
- hr.civil_servant_reduction needs the agency's December export of the baseline year (month before the end
  of P) and its snapshot: (baseline − current, baseline, value); undefined otherwise.

Output: `{(agency_code, metric_code): (numerator, denominator, value)}` for each agency of `agencies`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HR_METRICS = (
    "hr.civil_servants",
    "hr.within_quota",
    "hr.training_rate",
    "hr.discipline_cases",
    "hr.civil_servant_reduction",
)
SERVING = "đang làm việc"
CIVIL_SERVANT = "công chức"
COMPLETED = "hoàn thành"
STAFF_TYPES = {"cán bộ", "công chức", "viên chức", "hợp đồng lao động"}
STATUSES = {SERVING, "nghỉ hưu", "thôi việc", "chuyển công tác"}
RESULTS = {"đang học", COMPLETED, "không hoàn thành"}

Row = tuple[int | None, int | None, Decimal | None]

# Every enumeration of the sheets the metrics read (sources.md §5.4–5.7), case-folded; and their date columns.
ENUMERATIONS = {
    "GioiTinh": {"nam", "nữ"},
    "LoaiNhanSu": STAFF_TYPES,
    "TrangThai": STATUSES,
    "ChucVuLanhDao": {
        "chánh văn phòng",
        "giám đốc sở",
        "chủ tịch ubnd xã",
        "chủ tịch ubnd phường",
        "phó chánh văn phòng",
        "phó giám đốc sở",
        "phó chủ tịch ubnd xã",
        "phó chủ tịch ubnd phường",
        "trưởng phòng",
        "giám đốc trung tâm",
        "phó trưởng phòng",
        "phó giám đốc trung tâm",
    },
    "TrinhDoChuyenMon": {
        "tiến sĩ",
        "thạc sĩ",
        "đại học",
        "cao đẳng",
        "trung cấp",
        "sơ cấp",
        "chưa qua đào tạo",
    },
    "LyLuanChinhTri": {"cử nhân", "cao cấp", "trung cấp", "sơ cấp"},
    "QuanLyNhaNuoc": {"chuyên viên cao cấp", "chuyên viên chính", "chuyên viên"},
    "LoaiHinh": {"đào tạo", "bồi dưỡng"},
    "NoiDung": {
        "chuyên môn, nghiệp vụ",
        "lý luận chính trị",
        "quản lý nhà nước",
        "quốc phòng và an ninh",
        "ngoại ngữ",
        "tin học",
        "khác",
    },
    "KetQua": RESULTS,
    "TheoKeHoach": {"có", "không"},
}
SHEET_ENUMERATIONS = {
    "CanBo": (
        "GioiTinh",
        "LoaiNhanSu",
        "TrangThai",
        "ChucVuLanhDao",
        "TrinhDoChuyenMon",
        "LyLuanChinhTri",
        "QuanLyNhaNuoc",
    ),
    "DaoTao": ("LoaiHinh", "NoiDung", "KetQua", "TheoKeHoach"),
}
DISCIPLINE_FORMS = {
    "khiển trách",
    "cảnh cáo",
    "hạ bậc lương",
    "giáng chức",
    "cách chức",
    "buộc thôi việc",
    "bãi nhiệm",
}
TRAINING_MODES = {"tập trung", "không tập trung", "trực tuyến"}
SHEET_DATES = {
    "CanBo": ("NgaySinh", "NgayTuyenDung", "NgayVeDonVi", "NgayThayDoiTrangThai"),
    "DaoTao": ("TuNgay", "DenNgay"),
    "KyLuat": ("NgayQuyetDinh",),
}


def _valid(sheet: str, row: Mapping[str, Any]) -> bool:
    """No enumeration outside the contract and no date that is not a date (else the row is quarantined)."""
    for name in SHEET_ENUMERATIONS.get(sheet, ()):
        if not _blank(row.get(name)) and _code(row[name]) not in ENUMERATIONS[name]:
            return False
    if sheet == "DaoTao" and not _blank(row.get("HinhThuc")) and _code(row["HinhThuc"]) not in TRAINING_MODES:
        return False
    if (
        sheet == "KyLuat"
        and not _blank(row.get("HinhThuc"))
        and _code(row["HinhThuc"]) not in DISCIPLINE_FORMS
    ):
        return False
    if sheet == "KyLuat" and not _blank(row.get("ThoiHanThang")) and _int(row["ThoiHanThang"]) is None:
        return False
    return all(_blank(row.get(name)) or _date(row[name]) is not None for name in SHEET_DATES.get(sheet, ()))


def _code(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


def _id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "".join(unicodedata.normalize("NFC", str(value)).split())
    if isinstance(value, int) and len(text) == 11:
        text = "0" + text
    return text


def _text(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        parts = value.strip().split("/")
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            try:
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _value(numerator: int, denominator: int) -> Decimal | None:
    return None if denominator == 0 else Decimal(numerator) / Decimal(denominator)


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _staff(row: Mapping[str, Any]) -> dict | None:
    required = (
        "SoHieuCBCCVC",
        "SoDinhDanhCaNhan",
        "HoTen",
        "NgaySinh",
        "GioiTinh",
        "LoaiNhanSu",
        "NgayVeDonVi",
        "TrangThai",
    )
    if any(_blank(row.get(name)) for name in required) or not _valid("CanBo", row):
        return None
    joined, staff_type, status = _date(row["NgayVeDonVi"]), _code(row["LoaiNhanSu"]), _code(row["TrangThai"])
    if (
        joined is None
        or _date(row["NgaySinh"]) is None
        or staff_type not in STAFF_TYPES
        or status not in STATUSES
    ):
        return None
    return {
        "person": _id(row["SoDinhDanhCaNhan"]),
        "cbccvc": _id(row["SoHieuCBCCVC"]),
        "joined": joined,
        "civil_servant": staff_type == CIVIL_SERVANT,
        "serving": status == SERVING,
    }


def _training(row: Mapping[str, Any]) -> dict | None:
    if any(
        _blank(row.get(n)) for n in ("SoHieuCBCCVC", "TenKhoa", "LoaiHinh", "NoiDung", "TuNgay", "KetQua")
    ):
        return None
    start, result = _date(row["TuNgay"]), _code(row["KetQua"])
    end = None if _blank(row.get("DenNgay")) else _date(row["DenNgay"])
    if start is None or result not in RESULTS or (not _blank(row.get("DenNgay")) and end is None):
        return None
    return {
        "key": (_id(row["SoHieuCBCCVC"]), _text(row["TenKhoa"]), start),
        "cbccvc": _id(row["SoHieuCBCCVC"]),
        "end": end,
        "completed": result == COMPLETED,
    }


def _decision(row: Mapping[str, Any]) -> dict | None:
    required = ("SoHieuCBCCVC", "HinhThuc", "SoQuyetDinh", "NgayQuyetDinh")
    if any(_blank(row.get(n)) for n in required) or not _valid("KyLuat", row):
        return None
    day = _date(row["NgayQuyetDinh"])
    return None if day is None else {"number": _text(row["SoQuyetDinh"]), "date": day}


def _transfer_rule(staff: dict[tuple[str, tuple[int, int]], list[dict]]) -> None:
    """§5.9: per month and person, only the serving row with the strictly latest NgayVeDonVi keeps serving."""
    listings: dict[tuple, list[dict]] = {}
    for (_, month), rows in staff.items():
        for row in rows:
            if row["serving"]:
                listings.setdefault((month, row["person"]), []).append(row)
    for rows in listings.values():
        if len(rows) < 2:
            continue
        latest = max(row["joined"] for row in rows)
        at_latest = sum(row["joined"] == latest for row in rows)
        for row in rows:
            if row["joined"] < latest or at_latest > 1:
                row["serving"] = False


def _latest_per_key(exports: list[tuple[tuple[int, int], list[dict]]], key: str) -> list[dict]:
    chosen: dict[Any, tuple[tuple[int, int], dict]] = {}
    for month, rows in exports:
        for row in rows:
            if row[key] not in chosen or month >= chosen[row[key]][0]:
                chosen[row[key]] = (month, row)
    return [row for _, row in chosen.values()]


def hr_metrics_from_exports(
    exports: Iterable[Mapping[str, Any]],
    agencies: Iterable[str],
    year: int,
    as_of: datetime,
    baseline_year: int = 2025,
    aliases: Mapping[str, str] | None = None,
) -> dict[tuple[str, str], Row]:
    aliases = aliases or {}
    end = min(datetime(year + 1, 1, 1), as_of)
    start = date(year, 1, 1)
    by_agency: dict[str, dict[tuple[int, int], Mapping[str, Any]]] = {}
    for export in exports:
        code = aliases.get(export["MaDonVi"], export["MaDonVi"])
        by_agency.setdefault(code, {})[(int(export["Thang"][:4]), int(export["Thang"][4:]))] = export
    staff = {
        (code, month): [row for row in map(_staff, export.get("CanBo", [])) if row is not None]
        for code, months in by_agency.items()
        for month, export in months.items()
    }
    _transfer_rule(staff)

    def before_end(month: tuple[int, int]) -> bool:
        return datetime(month[0], month[1], 1) < end

    def in_p(day: date | None) -> bool:
        return (
            day is not None
            and start <= day <= date(year, 12, 31)
            and datetime.combine(day, datetime.min.time()) < end
        )

    def civil_servants(code: str, month: tuple[int, int]) -> int:
        return sum(row["serving"] and row["civil_servant"] for row in staff[(code, month)])

    result: dict[tuple[str, str], Row] = {}
    for code in agencies:
        months = sorted(m for m in by_agency.get(code, {}) if before_end(m))
        if not months:
            result.update({(code, metric): (None, None, None) for metric in HR_METRICS})
            continue
        snapshot = months[-1]
        export = by_agency[code][snapshot]
        serving = [row for row in staff[(code, snapshot)] if row["serving"]]
        count = civil_servants(code, snapshot)
        result[(code, "hr.civil_servants")] = (count, 1, _round(Decimal(count)))

        quotas = [
            _int(row.get("BienCheCongChucGiao"))
            for row in export.get("BienChe", [])
            if _int(row.get("Nam")) == year
        ]
        quotas = [q for q in quotas if q is not None]
        within = int(count <= quotas[0]) if quotas else 0
        result[(code, "hr.within_quota")] = (within, len(quotas[:1]), _round(_value(within, len(quotas[:1]))))

        overlapping = [m for m in months if m[0] == year]
        trainings = _latest_per_key(
            [
                (m, [r for r in map(_training, by_agency[code][m].get("DaoTao", [])) if r])
                for m in overlapping
            ],
            "key",
        )
        completed = {row["cbccvc"] for row in trainings if row["completed"] and in_p(row["end"])}
        trained = sum(row["cbccvc"] in completed for row in serving)
        result[(code, "hr.training_rate")] = (trained, len(serving), _round(_value(trained, len(serving))))

        decisions = _latest_per_key(
            [
                (m, [r for r in map(_decision, by_agency[code][m].get("KyLuat", [])) if r])
                for m in overlapping
            ],
            "number",
        )
        cases = sum(in_p(row["date"]) for row in decisions)
        result[(code, "hr.discipline_cases")] = (cases, 1, _round(Decimal(cases)))

        baseline = (baseline_year, 12)
        if baseline in by_agency[code] and before_end(baseline):
            base = civil_servants(code, baseline)
            result[(code, "hr.civil_servant_reduction")] = (
                base - count,
                base,
                _round(_value(base - count, base)),
            )
        else:
            result[(code, "hr.civil_servant_reduction")] = (None, None, None)
    return result
