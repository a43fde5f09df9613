"""The self-assessment workbook `Y/AGENCY_CODE/tu_danh_gia_Y.xlsx` in the official layout, in Vietnamese
(domain/par_index.md §6, issue 13): the heading of an official document, one sheet per catalogue that scores
the agency with subtotals, TỔNG and CHỈ SỐ as formulas over the score cells, the appraisal columns left empty,
signature blocks, and the evidence sheet listing the records that cost points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring import rules
from scoring.catalogue import Catalogue
from scoring.evidence_sheet import (
    SHEET_TITLE,
    FailingKey,
    FailingRecords,
    section_label,
    sections_for,
    source_label,
    write_evidence_sheet,
)
from scoring.metrics import drilldown_view
from scoring.scorecard import EVIDENCE_SEPARATOR, TOTAL_CODE, year_period
from scoring.xlsx import (
    BORDER,
    FONT_NAME,
    HEADER_FILL,
    CellStyle,
    print_a4_landscape,
    put,
    put_formula,
    save_workbook,
    style,
)

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
# Column widths in character units; their sum fits A4 landscape at about 96 %, so 11-point text prints at
# 10.5 points, above the 9-point floor of issue 13: long texts wrap instead of shrinking the page.
WIDTHS = (6, 34, 7, 8, 28, 38, 8, 12, 8)
LAST_COLUMN = "I"
MAX_COLUMN, SCORE_COLUMN = 3, 4
HEADER_ROW = 10
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
NOT_APPLICABLE_TEXT = "Không áp dụng"
TOTAL_LABEL = "TỔNG ĐIỂM"
INDEX_LABEL = "CHỈ SỐ CCHC (%) = Tổng điểm tự đánh giá ÷ Tổng điểm tối đa áp dụng × 100%"
EXTERNAL_HEADING = "PHẦN DO CƠ QUAN CÓ THẨM QUYỀN ĐIỀU TRA, ĐÁNH GIÁ (không tự chấm điểm)"
EXTERNAL = "external"  # metrics.md §9.5
PROVISIONAL_NOTE = "Tạm tính: còn tiêu chí chưa có điểm."
POINTS_FORMAT = "0.00"
LINE_HEIGHT = 14.5  # points per line of 11-point Times New Roman
# Characters of 11-point Times New Roman per character unit of column width, kept low so that an estimated
# row height is never too small (a cut line is worse than a spare one); bold capitals run wider.
CHARS_PER_UNIT = 1.25
BOLD_CHARS_PER_UNIT = 0.9

_AREA_FILL = PatternFill("solid", fgColor="F2F2F2")
_MISSING_FILL = PatternFill("solid", fgColor="FFF2CC")
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_CENTRE_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
_CENTRED_COLUMNS = (1, 3, 4, 7, 9)
_POINTS_COLUMNS = (3, 4, 7, 9)


class Letterhead(NamedTuple):
    """Who issues the table and where (Nghị định 30/2020, Phụ lục I): from the agency configuration."""

    superior_name: str  # the agency above the assessed one, e.g. "Ủy ban nhân dân tỉnh Lai Châu"
    place_name: str  # the place of the date line, e.g. "Lai Châu"


def workbook_path(export_dir: Path, year: int, agency_code: str) -> Path:
    return export_dir / str(year) / agency_code / f"tu_danh_gia_{year}.xlsx"


def _font(bold: bool = False, italic: bool = False, size: int = 11) -> Font:
    return Font(name=FONT_NAME, bold=bold, italic=italic, size=size)


def _number(value: Any) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def _lines(text: Any, width: float) -> int:
    """Lines a wrapped cell needs: neither Excel nor LibreOffice fits row heights of a generated file."""
    if text is None:
        return 1
    per_line = max(1, int(width))
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def _span_width(first: int, last: int) -> int:
    return sum(WIDTHS[first - 1 : last])


def _merged(
    sheet: Worksheet, row: int, columns: tuple[int, int], text: str, font: Font, per_unit: float
) -> int:
    """A merged line of the heading; returns the lines its text needs."""
    first, last = columns
    start, end = sheet.cell(row, first).coordinate, sheet.cell(row, last).coordinate
    sheet.merge_cells(f"{start}:{end}")
    cell = put(sheet, row, first, text)
    cell.font = font
    cell.alignment = _CENTRE
    return _lines(text, _span_width(first, last) * per_unit * 11 / font.size)


def _set_height(sheet: Worksheet, row: int, lines: int, size: int = 11) -> None:
    sheet.row_dimensions[row].height = LINE_HEIGHT * size / 11 * lines + 3


def _letterhead(sheet: Worksheet, agency_name: str, letterhead: Letterhead) -> None:
    left, right = (1, 4), (5, 9)
    lines = max(
        _merged(sheet, 1, left, letterhead.superior_name.upper(), _font(size=12), BOLD_CHARS_PER_UNIT),
        _merged(sheet, 1, right, NATIONAL_NAME, _font(True, size=12), BOLD_CHARS_PER_UNIT),
    )
    _set_height(sheet, 1, lines, 12)
    lines = max(
        _merged(sheet, 2, left, agency_name.upper(), _font(True, size=12), BOLD_CHARS_PER_UNIT),
        _merged(sheet, 2, right, NATIONAL_MOTTO, _font(True, size=12), CHARS_PER_UNIT),
    )
    _set_height(sheet, 2, lines, 12)
    # The date of signing is the officer's to write.
    place = f"{letterhead.place_name}, ngày ..... tháng ..... năm ........"
    _set_height(sheet, 3, _merged(sheet, 3, right, place, _font(italic=True, size=12), CHARS_PER_UNIT), 12)


def _title(
    sheet: Worksheet,
    row: Mapping[str, Any],
    catalogue: Catalogue | None,
    year: int,
    as_of: datetime | None,
    exported_on: date,
) -> None:
    whole = (1, len(HEADERS))
    title = f"BẢNG TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}"
    _set_height(sheet, 5, _merged(sheet, 5, whole, title, _font(True, size=14), BOLD_CHARS_PER_UNIT), 14)
    agency = f"Đơn vị: {row['agency_name'] or row['agency_code']} (mã định danh {row['agency_code']})"
    _set_height(sheet, 6, _merged(sheet, 6, whole, agency, _font(True, size=12), CHARS_PER_UNIT), 12)
    basis = f"Bộ chỉ số: {catalogue.name if catalogue else row['catalogue_id']} ({row['catalogue_id']})"
    if catalogue and catalogue.legal_basis:
        basis += f". Căn cứ: {catalogue.legal_basis}"
    _set_height(sheet, 7, _merged(sheet, 7, whole, basis + ".", _font(italic=True), CHARS_PER_UNIT))
    snapshot = f"Số liệu tính đến {as_of:%H:%M} ngày {as_of:%d/%m/%Y}" if as_of else "Số liệu của kỳ đánh giá"
    exported = f"{snapshot}; xuất ngày {exported_on:%d/%m/%Y}."
    if catalogue and catalogue.is_template:
        exported += " Bộ chỉ số mẫu: điểm tối đa là tạm tính, sẽ thay bằng phụ lục chính thức."
    _set_height(sheet, 8, _merged(sheet, 8, whole, exported, _font(italic=True), CHARS_PER_UNIT))
    for column, text in enumerate(HEADERS, start=1):
        cell = put(sheet, HEADER_ROW, column, text)
        cell.font = _font(True)
        cell.alignment = _CENTRE
        cell.fill = HEADER_FILL
        cell.border = BORDER
        number = put(sheet, HEADER_ROW + 1, column, f"({column})")
        number.font = _font(italic=True, size=10)
        number.alignment = _CENTRE
        number.border = BORDER
    lines = max(
        _lines(text, width * BOLD_CHARS_PER_UNIT) for text, width in zip(HEADERS, WIDTHS, strict=True)
    )
    _set_height(sheet, HEADER_ROW, lines)


def _name(row: Mapping[str, Any]) -> str:
    if row["level"] == "linh_vuc":
        return f"LĨNH VỰC {row['criterion_code']}. {row['criterion_name'].upper()}"
    return row["criterion_name"]


class _Context(NamedTuple):
    """What a leaf's evidence text refers to beyond its own row."""

    with_records: set[tuple[str, str]]  # (catalogue id, code) of the leaves in the evidence sheet
    several_catalogues: bool


def _evidence(row: Mapping[str, Any], context: _Context) -> str | None:
    evidence = row["evidence"] or ""
    metric = row.get("metric_code")
    if metric and evidence.startswith(drilldown_view(metric)):
        # A rate's evidence is its records, not a view name an officer cannot open.
        text = f"Số liệu {source_label(metric)}: {row['numerator']}/{row['denominator']}."
        if (row["catalogue_id"], row["criterion_code"]) in context.with_records:
            label = section_label(row["criterion_code"], row["catalogue_id"], context.several_catalogues)
            text += f" Danh sách trường hợp làm giảm điểm: {SHEET_TITLE}, mục {label}."
        return text
    return evidence.replace(EVIDENCE_SEPARATOR, "\n") or None


def _explanation(row: Mapping[str, Any]) -> str | None:
    """metrics.md §10: a computed leaf's explanation; other rows keep their note."""
    if row["status"] == rules.COMPUTED and row["rule"] is not None and row.get("explanation"):
        return row["explanation"]
    if row["status"] == rules.MISSING and row["rule"] is None:
        return row["note"] or PROVISIONAL_NOTE
    return row["note"]


def _fit_height(sheet: Worksheet, number: int, cells: Sequence[Any], bold: bool) -> None:
    per_unit = BOLD_CHARS_PER_UNIT if bold else CHARS_PER_UNIT
    lines = max(_lines(value, width * per_unit) for value, width in zip(cells, WIDTHS, strict=True))
    _set_height(sheet, number, lines)


@cache
def _node_look(column: int, level: str, bold: bool, missing: bool) -> CellStyle:
    """The look of a node row's cell; `missing`: a leaf without a score (its score cell stands out)."""
    if column == 2:
        indent = {"linh_vuc": 0, "tieu_chi": 1, "tieu_chi_thanh_phan": 2}[level]
        alignment = Alignment(vertical="top", wrap_text=True, indent=indent)
    else:
        alignment = _CENTRE_TOP if column in _CENTRED_COLUMNS else _TOP_WRAP
    if missing and column == SCORE_COLUMN:
        fill = _MISSING_FILL
    else:
        fill = _AREA_FILL if level == "linh_vuc" else None
    return CellStyle(
        font=_font(bold=bold),
        fill=fill,
        border=BORDER,
        alignment=alignment,
        number_format=POINTS_FORMAT if column in _POINTS_COLUMNS else None,
    )


def _style_row(sheet: Worksheet, number: int, row: Mapping[str, Any]) -> None:
    is_leaf = row["rule"] is not None
    level = row["level"]
    bold = not is_leaf or level == "linh_vuc"
    missing = row["status"] == rules.MISSING and is_leaf
    for column in range(1, len(HEADERS) + 1):
        style(sheet.cell(number, column), _node_look(column, level, bold, missing))


@cache
def _total_look(column: int, number_format: str | None) -> CellStyle:
    return CellStyle(
        font=_font(True),
        fill=HEADER_FILL,
        border=BORDER,
        alignment=_CENTRE if column != 6 else _TOP_WRAP,
        number_format=number_format,
    )


def _counts(row: Mapping[str, Any]) -> bool:
    """Whether a node's maximum counts in its parent's (metrics.md §5, §9.5)."""
    return row["status"] not in (rules.NOT_APPLICABLE, EXTERNAL)


def _sum_formula(column: str, rows: Sequence[int]) -> str:
    return "=SUM(" + ",".join(f"{column}{r}" for r in rows) + ")"


class _Sheet:
    """One catalogue's table: node rows, formulas and the cached values of those formulas."""

    def __init__(self, sheet: Worksheet, context: _Context):
        self.sheet, self.context = sheet, context
        self.cached: dict[str, float | str] = {}

    def formula(self, row: int, column: int, formula: str, cached: float | str) -> None:
        cell = put_formula(self.sheet, row, column, formula)
        self.cached[cell.coordinate] = cached

    def nodes(self, rows: Sequence[Mapping[str, Any]], first: int) -> int:
        """Writes `rows` (catalogue order) from row `first`; parents sum their children by formula."""
        numbers = {row["criterion_code"]: first + offset for offset, row in enumerate(rows)}
        children: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            if row["parent_code"] in numbers:
                children.setdefault(row["parent_code"], []).append(row)
        for row in rows:
            number = numbers[row["criterion_code"]]
            self.node(
                number,
                row,
                [(numbers[c["criterion_code"]], c) for c in children.get(row["criterion_code"], [])],
            )
        return first + len(rows)

    def node(
        self, number: int, row: Mapping[str, Any], children: list[tuple[int, Mapping[str, Any]]]
    ) -> None:
        sheet = self.sheet
        cells = [
            row["criterion_code"],
            _name(row),
            _number(row["max_points"]),
            None,
            _evidence(row, self.context),
            _explanation(row),
            None,
            None,
            None,
        ]
        for column, value in enumerate(cells, start=1):
            put(sheet, number, column, value)
        if row["status"] in (rules.NOT_APPLICABLE, EXTERNAL):
            put(
                sheet,
                number,
                SCORE_COLUMN,
                NOT_APPLICABLE_TEXT if row["status"] == rules.NOT_APPLICABLE else None,
            )
        elif children:
            counted = [n for n, child in children if _counts(child)]
            if counted:
                self.formula(number, MAX_COLUMN, _sum_formula("C", counted), _number(row["max_points"]))
            self.formula(
                number,
                SCORE_COLUMN,
                _sum_formula("D", [n for n, _ in children]),
                _number(row["score"]) or 0.0,
            )
        else:
            put(sheet, number, SCORE_COLUMN, _number(row["score"]))
        _style_row(sheet, number, row)
        _fit_height(sheet, number, cells, bold=row["level"] == "linh_vuc")

    def totals(
        self, number: int, total: Mapping[str, Any], areas: Sequence[tuple[int, Mapping[str, Any]]]
    ) -> int:
        sheet = self.sheet
        counted = [n for n, area in areas if _counts(area)]
        scored = [n for n, area in areas if area["status"] != EXTERNAL]
        total_row, index_row = number, number + 1
        for row, label in ((total_row, TOTAL_LABEL), (index_row, INDEX_LABEL)):
            sheet.merge_cells(f"A{row}:B{row}")
            put(sheet, row, 1, label)
        self.formula(
            total_row,
            MAX_COLUMN,
            _sum_formula("C", counted) if counted else "=0",
            _number(total["max_points"]),
        )
        self.formula(
            total_row,
            SCORE_COLUMN,
            _sum_formula("D", scored) if scored else "=0",
            _number(total["score"]) or 0.0,
        )
        index = _number(total["metric_value"])
        self.formula(
            index_row,
            SCORE_COLUMN,
            f'=IF(C{total_row}=0,"",ROUND(D{total_row}/C{total_row},4))',
            "" if index is None else index,
        )
        if total["status"] == rules.MISSING:
            put(sheet, total_row, 6, "Tạm tính: còn tiêu chí chưa có điểm (ô tô màu vàng).")
        formats = {(total_row, MAX_COLUMN): POINTS_FORMAT, (total_row, SCORE_COLUMN): POINTS_FORMAT}
        formats[(index_row, SCORE_COLUMN)] = "0.00%"
        for row in (total_row, index_row):
            for column in range(1, len(HEADERS) + 1):
                style(sheet.cell(row, column), _total_look(column, formats.get((row, column))))
        _set_height(sheet, total_row, 2)
        _set_height(sheet, index_row, _lines(INDEX_LABEL, _span_width(1, 2) * BOLD_CHARS_PER_UNIT))
        return index_row + 1


def _signatures(sheet: Worksheet, number: int) -> None:
    number += 1
    for columns, lines in (
        ((1, 4), (("NGƯỜI LẬP BIỂU", _font(True)), ("(Ký, ghi rõ họ tên)", _font(italic=True)))),
        (
            (5, 9),
            (("THỦ TRƯỞNG ĐƠN VỊ", _font(True)), ("(Ký, ghi rõ họ tên và đóng dấu)", _font(italic=True))),
        ),
    ):
        for offset, (text, font) in enumerate(lines):
            _merged(sheet, number + offset, columns, text, font, CHARS_PER_UNIT)
    # Room for the signatures and the seal.
    for offset in range(2, 6):
        sheet.row_dimensions[number + offset].height = LINE_HEIGHT


def _sheet_title(catalogue_id: str, used: set[str]) -> str:
    title = "".join("_" if ch in "\\/?*[]:" else ch for ch in catalogue_id)[:31]
    while title in used:
        title = title[:29] + f"_{len(used)}"
    used.add(title)
    return title


def _periods(
    rows: Sequence[Mapping[str, Any]], catalogues: Mapping[str, Catalogue], year: int
) -> dict[tuple[str, str], tuple[date, date]]:
    """(catalogue id, code) → the leaf's period, as the scorecard computed it (the year by default)."""
    periods = {}
    for row in rows:
        catalogue = catalogues.get(row["catalogue_id"])
        node = catalogue.node(row["criterion_code"]) if catalogue else None
        periods[(row["catalogue_id"], row["criterion_code"])] = (
            node.period.dates(year) if node is not None and node.period else year_period(year)
        )
    return periods


def _external_area_codes(rows: Sequence[Mapping[str, Any]]) -> set[str]:
    return {r["criterion_code"] for r in rows if r["level"] == "linh_vuc" and r["status"] == EXTERNAL}


def _in_areas(code: str, areas: set[str]) -> bool:
    return code.split(".")[0] in areas


def write_self_assessment(
    path: Path,
    rows: Sequence[Mapping[str, Any]],
    year: int,
    catalogues: Mapping[str, Catalogue] | None = None,
    as_of: datetime | None = None,
    *,
    exported_on: date,
    letterhead: Letterhead,
    failing: Mapping[FailingKey, FailingRecords] | None = None,
) -> Path:
    """Writes one agency's scorecard rows (in catalogue order, each catalogue's total last) to `path`.

    `as_of` and `exported_on` are local times (`PARINDEX_TIMEZONE`); `failing` holds the records that cost
    points, by agency, metric and period (see `scoring.evidence_sheet`)."""
    catalogues = catalogues or {}
    by_catalogue: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_catalogue.setdefault(row["catalogue_id"], []).append(row)
    if not by_catalogue:
        raise ValueError(f"{path}: no scorecard rows to write")
    several = len(by_catalogue) > 1
    sections = sections_for(rows, _periods(rows, catalogues, year), failing or {}, several)
    context = _Context({(s.catalogue_id, s.code) for s in sections}, several)
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = {SHEET_TITLE}
    cached: dict[str, dict[str, float | str]] = {}
    for catalogue_id, catalogue_rows in by_catalogue.items():
        sheet = workbook.create_sheet(_sheet_title(catalogue_id, used))
        for column, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        first = catalogue_rows[0]
        _letterhead(sheet, first["agency_name"] or first["agency_code"], letterhead)
        _title(sheet, first, catalogues.get(catalogue_id), year, as_of, exported_on)
        table = _Sheet(sheet, context)
        nodes = [r for r in catalogue_rows if r["criterion_code"] != TOTAL_CODE]
        external = _external_area_codes(nodes)
        assessed = [r for r in nodes if not _in_areas(r["criterion_code"], external)]
        number = table.nodes(assessed, HEADER_ROW + 2)
        total = next((r for r in catalogue_rows if r["criterion_code"] == TOTAL_CODE), None)
        if total is not None:
            areas = [(HEADER_ROW + 2 + i, r) for i, r in enumerate(assessed) if r["level"] == "linh_vuc"]
            number = table.totals(number, total, areas)
        if external:
            _merged(sheet, number, (1, len(HEADERS)), EXTERNAL_HEADING, _font(True), BOLD_CHARS_PER_UNIT)
            _set_height(sheet, number, 2)
            number = table.nodes([r for r in nodes if _in_areas(r["criterion_code"], external)], number + 1)
        _signatures(sheet, number)
        sheet.freeze_panes = f"C{HEADER_ROW + 2}"
        print_a4_landscape(sheet, f"{HEADER_ROW}:{HEADER_ROW + 1}")
        cached[sheet.title] = table.cached
    if sections:
        agency = rows[0]["agency_name"] or rows[0]["agency_code"]
        title = f"PHỤ LỤC KIỂM CHỨNG: CÁC TRƯỜNG HỢP LÀM GIẢM ĐIỂM NĂM {year} ({agency})"
        evidence = write_evidence_sheet(workbook.create_sheet(SHEET_TITLE), sections, title)
        return save_workbook(workbook, path, cached, [evidence])
    return save_workbook(workbook, path, cached)
