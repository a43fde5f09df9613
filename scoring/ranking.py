"""The ranking of interface.md §3 (`xep_hang.csv` / `.xlsx`): per catalogue, agencies by index descending;
ties (equal index at 4 decimals) share a rank, the next rank skips (1, 1, 3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from scoring.csv_export import write_csv
from scoring.scorecard import TOTAL_CODE
from scoring.xlsx import FONT_NAME, HEADER_FILL, save_workbook

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


def ranking_rows(
    scorecard_rows: Iterable[Mapping[str, Any]], unit_types: Mapping[str, str | None]
) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows): the fixed columns then one score column per area code met (`area_1` …).

    `unit_types` maps agency codes to their LoaiDonVi. Agencies without an index (nothing applicable) come
    last in their catalogue, unranked.
    """
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    areas: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    area_codes: list[str] = []
    for row in scorecard_rows:
        key = (row["catalogue_id"], row["agency_code"])
        if row["criterion_code"] == TOTAL_CODE:
            totals[key] = row
        elif row["level"] == "linh_vuc":
            areas[key][_area_column(row["criterion_code"])] = row["score"]
            if row["criterion_code"] not in area_codes:
                area_codes.append(row["criterion_code"])
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
                **areas[(catalogue_id, agency_code)],
            }
        )
    rows = []
    for catalogue_id in sorted(by_catalogue):
        entries = sorted(
            by_catalogue[catalogue_id],
            key=lambda r: (r["index"] is None, -(r["index"] or 0), r["agency_code"]),
        )
        previous = None
        for position, entry in enumerate(entries, start=1):
            if entry["index"] is None:
                entry["rank"] = None
            elif previous is not None and entry["index"] == previous["index"]:
                entry["rank"] = previous["rank"]
            else:
                entry["rank"] = position
            previous = entry
            rows.append(entry)
    return columns, rows


def _decimals(columns: Iterable[str]) -> dict[str, int]:
    return {
        c: (4 if c == "index" else 2)
        for c in columns
        if c in ("score", "max_points", "index") or c.startswith("area_")
    }


def write_ranking_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> int:
    return write_csv(path, columns, rows, decimals=_decimals(columns))


def write_ranking_xlsx(path: Path, columns: list[str], rows: list[dict[str, Any]], year: int) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Xếp hạng {year}"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    formats = {c: ("0.0000" if c == "index" else "0.00") for c in _decimals(columns)}
    for row in rows:
        sheet.append([float(row[c]) if isinstance(row.get(c), Decimal) else row.get(c) for c in columns])
        for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
            cell.font = Font(name=FONT_NAME)
            if column in formats:
                cell.number_format = formats[column]
    widths = {"rank": 7, "agency_code": 14, "agency_name": 45, "loai_don_vi": 16, "catalogue_id": 22}
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = widths.get(column, 11)
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    save_workbook(workbook, path)
