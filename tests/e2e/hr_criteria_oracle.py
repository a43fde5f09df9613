"""Independent oracle for the HR criteria of metrics.md §8, in plain Python over the simulator's clean export
rows (`Simulation.hr_truth()`: what each workbook holds before its quirks, dates as `date`, MucXepLoai as its
code, Q15 rows as the truth). Shares no code with `etl/`, `warehouse/` or `scoring/`.

The formulas are re-implemented from the contract text:
- snapshot: the agency's export of the latest month whose first day is before the end of P; serving staff:
  `TrangThai` "Đang làm việc" (§4);
- §8.1: units are the agency and each distinct non-empty `DonViTrucThuoc` (cleaned, case-folded); levels by
  sources.md §5.4; limits from the parameters (by agency, then `agency_deputies`; the longest `fixed_limits`
  key the name starts with, else `division_bands` on the unit's serving công chức); `exempt_until` ≥ 31/12;
- §8.2: the rating population M (Cán bộ, Công chức, Viên chức; service start ≤ Y-07-01), the DanhGia rows of
  year Y of every export before the end of P, the latest export winning per SoHieuCBCCVC.

Output: `{(agency, metric): (numerator, denominator, value)}`, and `leader_units` the rows of §8.1's table.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HR_CRITERIA = (
    "hr.leaders_within_limit",
    "hr.job_position_rate",
    "hr.rating_on_time_rate",
    "hr.rating_good_rate",
    "hr.excellent_within_cap",
    "hr.public_employees",
    "hr.public_employee_reduction",
)
AGENCY_DEPUTY = {
    "phó chánh văn phòng",
    "phó giám đốc sở",
    "phó chủ tịch ubnd xã",
    "phó chủ tịch ubnd phường",
}
DIVISION_DEPUTY = {"phó trưởng phòng", "phó giám đốc trung tâm"}
RATED_TYPES = {"cán bộ", "công chức", "viên chức"}
DEFAULTS = {
    "agency_deputies": 3,
    "agency_deputies_by_agency": {},
    "exempt_until": {},
    "division_bands": [(15, 3), (10, 2), (0, 1)],
    "fixed_limits": {"trung tâm": 2, "chi cục": 2},
    "rating_deadline": (12, 14),
    "baseline_year": 2025,
}

Row = tuple[int | None, int | None, Decimal | None]


def clean(value: Any) -> str:
    """An enumeration's cleaning (sources.md §1.4) without the canonical lookup, case-folded."""
    return "" if value is None else " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


def _rate(k: int, n: int) -> Row:
    value = None if n == 0 else (Decimal(k) / Decimal(n)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return k, n, value


def _serving(export: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [row for row in export["CanBo"] if clean(row["TrangThai"]) == "đang làm việc"]


def _public_employees(export: Mapping[str, Any]) -> int:
    return sum(clean(r["LoaiNhanSu"]) == "viên chức" for r in _serving(export))


def _limit(name: str, civil_servants: int, parameters: Mapping[str, Any]) -> int:
    keys = [key for key in parameters["fixed_limits"] if name.startswith(clean(key))]
    if keys:
        return parameters["fixed_limits"][max(keys, key=len)]
    return next(limit for threshold, limit in parameters["division_bands"] if civil_servants >= threshold)


def leader_units(
    serving: list[Mapping[str, Any]], agency: str, year: int, parameters: Mapping[str, Any]
) -> list[dict]:
    """One dict per unit checked: kind, label (None for the agency), civil servants, deputies, limit and
    within."""
    exempt = parameters["exempt_until"].get(agency)
    is_exempt = exempt is not None and exempt >= date(year, 12, 31)
    agency_limit = parameters["agency_deputies_by_agency"].get(agency, parameters["agency_deputies"])
    units = [
        {
            "kind": "agency",
            "label": None,
            "civil_servants": sum(clean(r["LoaiNhanSu"]) == "công chức" for r in serving),
            "deputies": sum(clean(r.get("ChucVuLanhDao")) in AGENCY_DEPUTY for r in serving),
            "limit": agency_limit,
        }
    ]
    divisions: dict[str, list[Mapping[str, Any]]] = {}
    for row in serving:
        if clean(row.get("DonViTrucThuoc")):
            divisions.setdefault(clean(row["DonViTrucThuoc"]), []).append(row)
    for key, rows in sorted(divisions.items()):
        civil_servants = sum(clean(r["LoaiNhanSu"]) == "công chức" for r in rows)
        units.append(
            {
                "kind": "division",
                "label": min(
                    " ".join(unicodedata.normalize("NFC", r["DonViTrucThuoc"]).split()) for r in rows
                ),
                "civil_servants": civil_servants,
                "deputies": sum(clean(r.get("ChucVuLanhDao")) in DIVISION_DEPUTY for r in rows),
                "limit": _limit(key, civil_servants, parameters),
            }
        )
    for unit in units:
        unit["exempt"] = is_exempt
        unit["within"] = is_exempt or unit["deputies"] <= unit["limit"]
    return units


def hr_criteria_from_truth(
    truth: Iterable[Mapping[str, Any]], year: int, parameters: Mapping[str, Any] | None = None
) -> tuple[dict[tuple[str, str], Row], dict[str, list[dict]]]:
    """The §8 metrics of every agency of `truth` for the whole past year Y (the end of P is 1/1/Y+1), and
    the §8.1 units of each agency."""
    parameters = {**DEFAULTS, **(parameters or {})}
    by_agency: dict[str, dict[str, Mapping[str, Any]]] = {}
    for export in truth:
        by_agency.setdefault(export["agency"], {})[export["month"]] = export
    end = datetime(year + 1, 1, 1)
    deadline = date(year, *parameters["rating_deadline"])
    result: dict[tuple[str, str], Row] = {}
    units: dict[str, list[dict]] = {}
    for agency, exports in sorted(by_agency.items()):
        months = sorted(m for m in exports if datetime(int(m[:4]), int(m[4:]), 1) < end)
        if not months:
            result.update({(agency, code): (None, None, None) for code in HR_CRITERIA})
            continue
        serving = _serving(exports[months[-1]])
        units[agency] = leader_units(serving, agency, year, parameters)
        result[(agency, "hr.leaders_within_limit")] = _rate(
            sum(u["within"] for u in units[agency]), len(units[agency])
        )

        staffed = [r for r in serving if clean(r["LoaiNhanSu"]) in {"công chức", "viên chức"}]
        with_position = sum(bool(clean(r.get("ViTriViecLam"))) for r in staffed)
        result[(agency, "hr.job_position_rate")] = _rate(with_position, len(staffed))

        ratings: dict[str, Mapping[str, Any]] = {}
        for month in months:  # ascending: a later export's row wins
            for row in exports[month].get("DanhGia", []):
                if int(row["Nam"]) == year:
                    ratings[clean(row["SoHieuCBCCVC"])] = row
        members = [
            r
            for r in serving
            if clean(r["LoaiNhanSu"]) in RATED_TYPES
            and (r.get("NgayTuyenDung") or r["NgayVeDonVi"]) <= date(year, 7, 1)
        ]
        rows = [(m, ratings.get(clean(m["SoHieuCBCCVC"]))) for m in members]
        on_time = sum(
            rating is not None
            and rating.get("NgayQuyetDinh") is not None
            and rating["NgayQuyetDinh"] <= deadline
            for _, rating in rows
        )
        # A past year: the end of P is after D + 1 day, so nobody is pending.
        result[(agency, "hr.rating_on_time_rate")] = _rate(on_time, len(members))
        rated = [(m, rating) for m, rating in rows if rating is not None]
        good = sum(clean(rating["MucXepLoai"]) in {"htxsnv", "httnv"} for _, rating in rated)
        result[(agency, "hr.rating_good_rate")] = _rate(good, len(rated))
        civil = [clean(rating["MucXepLoai"]) for m, rating in rated if clean(m["LoaiNhanSu"]) == "công chức"]
        within_cap = int(5 * civil.count("htxsnv") <= civil.count("httnv"))
        result[(agency, "hr.excellent_within_cap")] = _rate(within_cap, 1) if civil else _rate(0, 0)

        current = _public_employees(exports[months[-1]])
        result[(agency, "hr.public_employees")] = (current, 1, Decimal(current).quantize(Decimal("0.0001")))
        baseline_month = f"{parameters['baseline_year']}12"
        if baseline_month in months:
            base = _public_employees(exports[baseline_month])
            result[(agency, "hr.public_employee_reduction")] = _rate(base - current, base)
        else:
            result[(agency, "hr.public_employee_reduction")] = (None, None, None)
    return result, units
