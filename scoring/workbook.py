"""The self-assessment workbook `Y/AGENCY_CODE/tu_danh_gia_Y.xlsx` in the official layout, in Vietnamese
(domain/par_index.md §6): one sheet per catalogue that scores the agency, the appraisal columns left empty."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from scoring import rules
from scoring.catalogue import Catalogue
from scoring.scorecard import EVIDENCE_SEPARATOR, TOTAL_CODE
from scoring.xlsx import FONT_NAME, HEADER_FILL, save_workbook

HEADERS = (
    "STT",
    "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Tài liệu kiểm chứng",
    "Giải trình",
    "Điểm thẩm định (lần 1)",
    "Ý kiến thẩm định",
    "Điểm sau giải trình (lần 2)",
)
WIDTHS = (7, 50, 9, 10, 42, 40, 11, 20, 12)
LAST_COLUMN = "I"
HEADER_ROW = 6
NOT_APPLICABLE_TEXT = "Không áp dụng"
TOTAL_LABEL = "TỔNG ĐIỂM"
INDEX_LABEL = "CHỈ SỐ CCHC (%) = Tổng điểm tự đánh giá ÷ Tổng điểm tối đa áp dụng × 100%"
POINTS_FORMAT = "0.00"
LINE_HEIGHT = 14.5  # points per line of 11-point Times New Roman

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_AREA_FILL = PatternFill("solid", fgColor="F2F2F2")
_MISSING_FILL = PatternFill("solid", fgColor="FFF2CC")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def workbook_path(export_dir: Path, year: int, agency_code: str) -> Path:
    return export_dir / str(year) / agency_code / f"tu_danh_gia_{year}.xlsx"


def _font(bold: bool = False, italic: bool = False, size: int = 11) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


def _number(value: Any) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def _title_line(sheet: Worksheet, row: int, text: str, font: Font, height: float | None = None) -> None:
    sheet.merge_cells(f"A{row}:{LAST_COLUMN}{row}")
    cell = sheet.cell(row, 1, text)
    cell.font = font
    cell.alignment = _CENTRE
    if height:
        sheet.row_dimensions[row].height = height


def _header(
    sheet: Worksheet, row: Mapping[str, Any], catalogue: Catalogue | None, year: int, as_of: datetime | None
):
    _title_line(
        sheet,
        1,
        f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}",
        _font(True, size=14),
        22,
    )
    _title_line(
        sheet,
        2,
        f"Đơn vị: {row['agency_name'] or row['agency_code']} (mã định danh {row['agency_code']})",
        _font(True, size=12),
        18,
    )
    basis = f"Bộ chỉ số: {catalogue.name if catalogue else row['catalogue_id']} ({row['catalogue_id']})"
    if catalogue and catalogue.legal_basis:
        basis += f". Căn cứ: {catalogue.legal_basis}"
    _title_line(sheet, 3, basis + ".", _font(italic=True), 30)
    snapshot = f"Số liệu tính đến {as_of:%H:%M} ngày {as_of:%d/%m/%Y}" if as_of else "Số liệu của kỳ đánh giá"
    exported = f"{snapshot}; xuất ngày {date.today():%d/%m/%Y}."
    if catalogue and catalogue.is_template:
        exported += " Bộ chỉ số mẫu: điểm tối đa là tạm tính, sẽ thay bằng phụ lục chính thức."
    _title_line(sheet, 4, exported, _font(italic=True), 30)
    for column, text in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font = _font(True)
        cell.alignment = _CENTRE
        cell.fill = HEADER_FILL
        cell.border = _BORDER
        number = sheet.cell(HEADER_ROW + 1, column, f"({column})")
        number.font = _font(italic=True, size=10)
        number.alignment = _CENTRE
        number.border = _BORDER
    sheet.row_dimensions[HEADER_ROW].height = 45


def _name(row: Mapping[str, Any]) -> str:
    if row["level"] == "linh_vuc":
        return f"LĨNH VỰC {row['criterion_code']}. {row['criterion_name'].upper()}"
    return row["criterion_name"]


def _node_cells(row: Mapping[str, Any]) -> list[Any]:
    status = row["status"]
    score: Any = _number(row["score"])
    note = row["note"]
    if status == rules.NOT_APPLICABLE:
        score = NOT_APPLICABLE_TEXT
    elif status == rules.MISSING and row["rule"] is None:
        note = note or "Tạm tính: còn tiêu chí chưa có điểm."
    evidence = (row["evidence"] or "").replace(EVIDENCE_SEPARATOR, "\n") or None
    return [
        row["criterion_code"],
        _name(row),
        _number(row["max_points"]),
        score,
        evidence,
        note,
        None,
        None,
        None,
    ]


def _lines(text: Any, width: float) -> int:
    """Lines a wrapped cell needs: neither Excel nor LibreOffice fits row heights of a generated file."""
    if text is None:
        return 1
    per_line = max(1, int(width))
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def _fit_height(sheet: Worksheet, number: int, cells: Sequence[Any], bold: bool) -> None:
    # Bold capitals run wider than the column width's nominal characters.
    factor = 1.0 if bold else 1.45
    lines = max(_lines(value, width * factor) for value, width in zip(cells, WIDTHS, strict=True))
    sheet.row_dimensions[number].height = LINE_HEIGHT * lines + 3


def _style_row(sheet: Worksheet, number: int, row: Mapping[str, Any]) -> None:
    is_leaf = row["rule"] is not None
    level = row["level"]
    for column in range(1, len(HEADERS) + 1):
        cell = sheet.cell(number, column)
        cell.border = _BORDER
        cell.font = _font(bold=not is_leaf or level == "linh_vuc")
        cell.alignment = _TOP_WRAP
        if column in (1, 3, 4, 7, 9):
            cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
        if column in (3, 4, 7, 9):
            cell.number_format = POINTS_FORMAT
        if level == "linh_vuc":
            cell.fill = _AREA_FILL
    indent = {"linh_vuc": 0, "tieu_chi": 1, "tieu_chi_thanh_phan": 2}[level]
    sheet.cell(number, 2).alignment = Alignment(vertical="top", wrap_text=True, indent=indent)
    if row["status"] == rules.MISSING and is_leaf:
        sheet.cell(number, 4).fill = _MISSING_FILL


def _totals(sheet: Worksheet, number: int, total: Mapping[str, Any]) -> int:
    for label, value, number_format in (
        (TOTAL_LABEL, _number(total["score"]), POINTS_FORMAT),
        (INDEX_LABEL, _number(total["metric_value"]), "0.00%"),
    ):
        sheet.merge_cells(f"A{number}:B{number}")
        sheet.cell(number, 1, label)
        if label == TOTAL_LABEL:
            sheet.cell(number, 3, _number(total["max_points"])).number_format = POINTS_FORMAT
        cell = sheet.cell(number, 4, value)
        cell.number_format = number_format
        if total["status"] == rules.MISSING and label == TOTAL_LABEL:
            sheet.cell(number, 6, "Tạm tính: còn tiêu chí chưa có điểm (ô tô màu vàng).")
        for column in range(1, len(HEADERS) + 1):
            target = sheet.cell(number, column)
            target.border = _BORDER
            target.font = _font(True)
            target.fill = HEADER_FILL
            target.alignment = _CENTRE if column != 6 else _TOP_WRAP
        number += 1
    return number


def _signature(sheet: Worksheet, number: int) -> None:
    number += 1
    for offset, (text, font) in enumerate(
        (
            (".........., ngày ..... tháng ..... năm ..........", _font(italic=True)),
            ("THỦ TRƯỞNG ĐƠN VỊ", _font(True)),
            ("(Ký, ghi rõ họ tên và đóng dấu)", _font(italic=True)),
        )
    ):
        sheet.merge_cells(f"E{number + offset}:{LAST_COLUMN}{number + offset}")
        cell = sheet.cell(number + offset, 5, text)
        cell.font = font
        cell.alignment = _CENTRE


def _print_setup(sheet: Worksheet) -> None:
    sheet.freeze_panes = f"C{HEADER_ROW + 2}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Trang &P/&N"


def _sheet_title(catalogue_id: str, used: set[str]) -> str:
    title = "".join("_" if ch in "\\/?*[]:" else ch for ch in catalogue_id)[:31]
    while title in used:
        title = title[:29] + f"_{len(used)}"
    used.add(title)
    return title


def write_self_assessment(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    year: int,
    catalogues: Mapping[str, Catalogue] | None = None,
    as_of: datetime | None = None,
) -> Path:
    """Writes one agency's scorecard rows (in catalogue order, each catalogue's total last) to `path`."""
    catalogues = catalogues or {}
    by_catalogue: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_catalogue.setdefault(row["catalogue_id"], []).append(row)
    if not by_catalogue:
        raise ValueError(f"{path}: no scorecard rows to write")
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for catalogue_id, catalogue_rows in by_catalogue.items():
        sheet = workbook.create_sheet(_sheet_title(catalogue_id, used))
        for column, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
        _header(sheet, catalogue_rows[0], catalogues.get(catalogue_id), year, as_of)
        number = HEADER_ROW + 2
        total = None
        for row in catalogue_rows:
            if row["criterion_code"] == TOTAL_CODE:
                total = row
                continue
            cells = _node_cells(row)
            for column, value in enumerate(cells, start=1):
                sheet.cell(number, column, value)
            _style_row(sheet, number, row)
            _fit_height(sheet, number, cells, bold=row["level"] == "linh_vuc")
            number += 1
        if total is not None:
            number = _totals(sheet, number, total)
        _signature(sheet, number)
        _print_setup(sheet)
    return save_workbook(workbook, path)
