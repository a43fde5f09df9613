"""The ranking of interface.md §3 (`xep_hang.csv` / `.xlsx`): per catalogue, agencies by index descending;
ties (equal index at 4 decimals) share a rank, the next rank skips (1, 1, 3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring import rules
from scoring.csv_export import write_csv
from scoring.scorecard import TOTAL_CODE
from scoring.xlsx import FONT_NAME, HEADER_FILL, print_a4_landscape, put, save_workbook

RANKING_COLUMNS = (
    "rank",
    "agency_code",
    "agency_name",
    "loai_don_vi",
    "catalogue_id",
    "score",
    "max_points",
    "index",
)


def _area_column(code: str) -> str:
    return f"area_{code}"


def _scored(status: str) -> bool:
    return status in (rules.COMPUTED, rules.MANUAL_STATUS)


def ranking_rows(
    scorecard_rows: Iterable[Mapping[str, Any]], unit_types: Mapping[str, str | None]
) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows): the fixed columns then one score column per area code met (`area_1` …).

    `unit_types` maps agency codes to their LoaiDonVi. An agency without data for a catalogue (no leaf
    computed or entered) or without an index (nothing applicable) is not ranked: it comes last in its
    catalogue with an empty rank, never as if it had scored zero (issue 13).
    """
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    areas: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    with_data: set[tuple[str, str]] = set()
    area_codes: list[str] = []
    for row in scorecard_rows:
        key = (row["catalogue_id"], row["agency_code"])
        if row["criterion_code"] == TOTAL_CODE:
            totals[key] = row
        elif row["level"] == "linh_vuc":
            areas[key][_area_column(row["criterion_code"])] = row["score"]
            if row["criterion_code"] not in area_codes:
                area_codes.append(row["criterion_code"])
        if row.get("rule") is not None and _scored(row["status"]):
            with_data.add(key)
    area_codes.sort(key=lambda code: [int(part) for part in code.split(".") if part.isdigit()] or [0])
    columns = [*RANKING_COLUMNS, *(_area_column(code) for code in area_codes)]

    by_catalogue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (catalogue_id, agency_code), total in totals.items():
        index = total["metric_value"]
        by_catalogue[catalogue_id].append(
            {
                "agency_code": agency_code,
                "agency_name": total["agency_name"],
                "loai_don_vi": unit_types.get(agency_code),
                "catalogue_id": catalogue_id,
                "score": total["score"],
                "max_points": total["max_points"],
                "index": None if index is None else Decimal(str(index)),
                "has_data": (catalogue_id, agency_code) in with_data,
                **areas[(catalogue_id, agency_code)],
            }
        )
    rows = []
    for catalogue_id in sorted(by_catalogue):
        entries = sorted(
            by_catalogue[catalogue_id],
            key=lambda r: (not is_ranked(r), -(r["index"] or 0), r["agency_code"]),
        )
        previous = None
        for position, entry in enumerate(entries, start=1):
            if not is_ranked(entry):
                entry["rank"] = None
            elif previous is not None and entry["index"] == previous["index"]:
                entry["rank"] = previous["rank"]
            else:
                entry["rank"] = position
            previous = entry
            rows.append(entry)
    return columns, rows


def is_ranked(entry: Mapping[str, Any]) -> bool:
    return entry["has_data"] and entry["index"] is not None


def area_names(scorecard_rows: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], str]:
    """(catalogue id, area code) → the area's Vietnamese name, for the ranking's headers."""
    return {
        (row["catalogue_id"], row["criterion_code"]): row["criterion_name"]
        for row in scorecard_rows
        if row["level"] == "linh_vuc"
    }


def _decimals(columns: Iterable[str]) -> dict[str, int]:
    return {
        c: (4 if c == "index" else 2)
        for c in columns
        if c in ("score", "max_points", "index") or c.startswith("area_")
    }


def write_ranking_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> int:
    return write_csv(path, columns, rows, decimals=_decimals(columns))


UNIT_TYPE_NAMES = {
    "so-ban-nganh": "Sở, ban, ngành",
    "xa-phuong": "Xã, phường",
    "quan-huyen": "Quận, huyện",
    "cnvpdk": "Chi nhánh Văn phòng đăng ký đất đai",
}
NO_DATA_TEXT = "Chưa có số liệu"
NO_DATA_HEADING = "Đơn vị chưa có số liệu (không xếp hạng)"
_FIXED_HEADERS = (
    ("Hạng", 6),
    ("Mã đơn vị", 11),
    ("Tên đơn vị", 30),
    ("Loại đơn vị", 13),
    ("Điểm tự đánh giá", 9),
    ("Điểm tối đa", 8),
    ("Chỉ số CCHC (%)", 9),
)
AREA_WIDTH = 10  # eight areas and the fixed columns print at 9.3 points or more on A4 landscape
TABLE_HEADER_ROW = 4
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LINE_HEIGHT = 14.5


def _lines(text: str, width: float) -> int:
    return max(1, -(-len(text) // max(1, int(width))))


def _ranking_sheet(
    sheet: Worksheet,
    catalogue_id: str,
    catalogue_name: str | None,
    entries: list[dict[str, Any]],
    areas: list[tuple[str, str]],
    year: int,
) -> None:
    headers = [*_FIXED_HEADERS, *((f"{code}. {name}", AREA_WIDTH) for code, name in areas)]
    last = sheet.cell(1, len(headers)).column_letter
    total_width = sum(width for _, width in headers)
    for row, text, font in (
        (
            1,
            f"KẾT QUẢ XẾP HẠNG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
            Font(name=FONT_NAME, bold=True, size=14),
        ),
        (
            2,
            f"Bộ chỉ số: {catalogue_name or catalogue_id} ({catalogue_id})",
            Font(name=FONT_NAME, italic=True, size=11),
        ),
    ):
        sheet.merge_cells(f"A{row}:{last}{row}")
        put(sheet, row, 1, text).font = font
        sheet.cell(row, 1).alignment = _CENTRE
        sheet.row_dimensions[row].height = LINE_HEIGHT * font.size / 11 * _lines(text, total_width * 0.8) + 4
    for column, (text, width) in enumerate(headers, start=1):
        cell = put(sheet, TABLE_HEADER_ROW, column, text)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = _CENTRE
        cell.border = _BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[TABLE_HEADER_ROW].height = (
        LINE_HEIGHT * max(_lines(text, width * 1.0) for text, width in headers) + 4
    )
    number = TABLE_HEADER_ROW
    heading_written = False
    for entry in entries:
        number += 1
        ranked = is_ranked(entry)
        if not ranked and not heading_written:
            sheet.merge_cells(f"A{number}:{last}{number}")
            put(sheet, number, 1, NO_DATA_HEADING).font = Font(name=FONT_NAME, bold=True, italic=True)
            heading_written = True
            number += 1
        points = [
            entry["score"],
            entry["max_points"],
            entry["index"],
            *(entry.get(f"area_{c}") for c, _ in areas),
        ]
        values = [
            entry["rank"],
            entry["agency_code"],
            entry["agency_name"] or entry["agency_code"],
            UNIT_TYPE_NAMES.get(entry["loai_don_vi"], entry["loai_don_vi"]),
            *((float(p) if p is not None else None) for p in points),
        ]
        if not ranked:
            values[4:] = [NO_DATA_TEXT] + [None] * (len(values) - 5)
        for column, value in enumerate(values, start=1):
            cell = put(sheet, number, column, value)
            cell.font = Font(name=FONT_NAME)
            cell.border = _BORDER
            cell.alignment = _WRAP if column in (3, 4) else Alignment(horizontal="center", vertical="top")
            if column > 4 and isinstance(value, float):
                cell.number_format = "0.00%" if column == 7 else "0.00"
        if not ranked:
            sheet.merge_cells(f"E{number}:{last}{number}")
        sheet.row_dimensions[number].height = (
            LINE_HEIGHT
            * max(
                _lines(str(values[2]), headers[2][1] * 1.2), _lines(str(values[3] or ""), headers[3][1] * 1.2)
            )
            + 4
        )
    sheet.freeze_panes = f"C{TABLE_HEADER_ROW + 1}"
    print_a4_landscape(sheet, f"{TABLE_HEADER_ROW}:{TABLE_HEADER_ROW}")


def write_ranking_xlsx(
    path: Path,
    rows: list[dict[str, Any]],
    year: int,
    names: Mapping[tuple[str, str], str],
    catalogue_names: Mapping[str, str] | None = None,
) -> None:
    """One sheet per catalogue, in Vietnamese: the ranked agencies, then those without data, unranked.

    `names` maps (catalogue id, area code) to the area's name (`area_names`); the sheets follow the order of
    `catalogue_names` (id → name), then the rows'."""
    catalogue_names = catalogue_names or {}
    workbook = Workbook()
    workbook.remove(workbook.active)
    by_catalogue: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_catalogue[row["catalogue_id"]].append(row)
    listed = list(catalogue_names)
    for catalogue_id in sorted(
        by_catalogue, key=lambda c: (c not in listed, listed.index(c) if c in listed else 0)
    ):
        entries = by_catalogue[catalogue_id]
        areas = sorted(
            ((code, name) for (cid, code), name in names.items() if cid == catalogue_id),
            key=lambda item: [int(part) for part in item[0].split(".") if part.isdigit()] or [0],
        )
        title = "".join("_" if ch in "\\/?*[]:" else ch for ch in catalogue_id)[:31]
        _ranking_sheet(
            workbook.create_sheet(title),
            catalogue_id,
            catalogue_names.get(catalogue_id),
            entries,
            areas,
            year,
        )
    if not by_catalogue:
        workbook.create_sheet(f"Xếp hạng {year}")
    save_workbook(workbook, path)
