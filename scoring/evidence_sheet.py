"""The evidence sheet ("Phụ lục kiểm chứng") of the self-assessment workbook (issue 13): for every computed
leaf below its maximum, the records that cost it points, as the drill-down views list them.

scoring/ never opens the warehouse: `assets/exports.py` reads the records (`warehouse.criterion_scores.
failing_records`) and passes them in as `FailingRecords`. The views hold pseudonymised keys, codes, dates and
flags only (sources.md §1.9), so nothing personal reaches the sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from parindex_facts.metrics import drilldown_view
from scoring import rules
from scoring.metrics import SOURCES, source_of
from scoring.xlsx import BORDER, FONT_NAME, HEADER_FILL, CellStyle, SheetRows, print_a4_landscape

SHEET_TITLE = "Phụ lục kiểm chứng"
# Records listed per leaf. The heading of the leaf's section states the whole count and names the drill-down
# view that lists them all: at 500, a province's appendix printed to hundreds of pages and its rows were
# half of the export's time.
MAX_RECORDS = 100
# Leaves whose records cannot show what cost points: a reduction compares two head counts.
NOT_RECORD_LEVEL = frozenset({"hr.civil_servant_reduction"})
# At full size on A4 landscape, the STT column and RECORD_COLUMNS record columns fill one page's width (column
# widths count Calibri's digits, as Excel does).
RECORD_WIDTH = 22
NUMBER_WIDTH = 6
RECORD_COLUMNS = 6  # the widest drill-down view, its enrichment included, fits in these

# Vietnamese headings of the drill-down columns an officer sees; other columns keep their names.
COLUMN_LABELS = {
    "dossier_code": "Mã hồ sơ",
    "received_at": "Ngày tiếp nhận",
    "due_at": "Hạn trả kết quả",
    "end_at": "Ngày kết thúc xử lý",
    "document_key": "Khóa văn bản",
    "direction": "Văn bản đi/đến",
    "code_number": "Số",
    "code_notation": "Ký hiệu",
    "promulgation_date": "Ngày ban hành",
    "meeting_code": "Mã cuộc họp",
    "poll_code": "Mã phiếu xin ý kiến",
    "task_code": "Mã nhiệm vụ",
    "feedback_id": "Mã phản ánh, kiến nghị",
    "export_month": "Tháng dữ liệu",
    "person_id_hash": "Mã nhân sự (bí danh)",
    "cbccvc_hash": "Mã CBCCVC (bí danh)",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "quota_year": "Năm giao biên chế",
    "civil_servant_quota": "Biên chế được giao",
    "civil_servants": "Số công chức",
    "procedure_code": "Mã thủ tục",
    # the items of a document requirement (metrics.md §7.4)
    "requirement_id": "Mã yêu cầu",
    "requirement_name": "Yêu cầu",
    "item_order": "Thứ tự",
    "item_code": "Mã văn bản phải ban hành",
    "item_name": "Văn bản phải ban hành",
    "deadline_date": "Hạn ban hành",
    "status": "Tình trạng",
    "subject": "Trích yếu",
    "days_late": "Số ngày trễ",
    "coverage_start": "Dữ liệu QLVB từ ngày",
    "cutoff_date": "Số liệu tính đến ngày",
    "in_denominator": "Tính vào mẫu số",
    "candidate_rank": "Thứ tự văn bản",
}
# The officer reads the item statuses of a document requirement (metrics.md §7.3) in Vietnamese, in the
# words of the leaf's explanation (§10).
ITEM_STATUS_LABELS = {
    rules.ON_TIME: "Đúng hạn",
    rules.LATE: "Trễ hạn",
    rules.PENDING: "Chưa đến hạn",
    rules.UNVERIFIABLE: "Không kiểm chứng được",
    rules.MISSING: "Chưa ban hành",
}
VALUE_LABELS = {"status": ITEM_STATUS_LABELS}

_WRAP = Alignment(vertical="top", wrap_text=True)
_TITLE = CellStyle(font=Font(name=FONT_NAME, bold=True, size=13), alignment=_WRAP)
_HEADING = CellStyle(font=Font(name=FONT_NAME, bold=True), alignment=_WRAP)
_COUNT = CellStyle(font=Font(name=FONT_NAME, italic=True), alignment=_WRAP)
_COLUMN_HEADER = CellStyle(font=_HEADING.font, fill=HEADER_FILL, border=BORDER, alignment=_WRAP)
_RECORD = CellStyle(font=Font(name=FONT_NAME), border=BORDER, alignment=_WRAP)
_RECORD_NUMBER = CellStyle(
    font=_RECORD.font,
    border=BORDER,
    alignment=Alignment(horizontal="center", vertical="top", wrap_text=True),
)
LINE_HEIGHT = 14.5


class FailingRecords(NamedTuple):
    """The records of one agency, metric and period that cost points: at most `MAX_RECORDS` of `total`."""

    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]
    total: int


FailingKey = tuple[str, str, date, date]  # (agency_code, metric_code, period_start, period_end)


def costs_points_in_numerator(rule_name: str | None, zero_is_pass: bool) -> bool:
    """For a count that must stay zero (discipline decisions) the counted records cost points; for rates
    the records outside the numerator do."""
    return rule_name == rules.BINARY and zero_is_pass


def source_label(metric_code: str) -> str:
    """`DVC` of `DVC (hệ thống …)`."""
    return SOURCES[source_of(metric_code)].split(" (")[0]


def section_label(code: str, catalogue_id: str, several_catalogues: bool) -> str:
    return f"{code} ({catalogue_id})" if several_catalogues else code


def _text(value: Any, column: str) -> Any:
    if value is None:
        return None
    if column in VALUE_LABELS:
        value = VALUE_LABELS[column].get(value, value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return value if isinstance(value, int | float) else str(value)


class Section(NamedTuple):
    catalogue_id: str
    code: str
    label: str  # the leaf's code, with its catalogue when the workbook has several
    criterion_name: str
    metric_code: str
    records: FailingRecords


def _merged_line(rows: SheetRows, row: int, text: str, look: CellStyle, lines: int = 1) -> None:
    rows.sheet.merge_cells(f"A{row}:{get_column_letter(RECORD_COLUMNS + 1)}{row}")
    rows.add(row, [(text, look)], LINE_HEIGHT * lines + 3)


def _lines(text: str, width: float) -> int:
    return max(1, -(-len(text) // max(1, int(width))))


def write_evidence_sheet(sheet: Worksheet, sections: Sequence[Section], title: str) -> SheetRows:
    """One section per leaf: its heading, the count, then a table of the records. The rows are returned for
    `save_workbook`."""
    rows = SheetRows(sheet)
    sheet.column_dimensions["A"].width = NUMBER_WIDTH
    # Every record column gets the same width, so that long keys wrap instead of being cut in print; a view
    # wider than RECORD_COLUMNS (the items of a document requirement) continues on the next page.
    widest = max((len(section.records.columns) for section in sections), default=0)
    for column in range(2, max(RECORD_COLUMNS, widest) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = RECORD_WIDTH
    line_width = NUMBER_WIDTH + RECORD_WIDTH * RECORD_COLUMNS
    _merged_line(rows, 1, title, _TITLE, 2)
    row = 3
    for section in sections:
        heading = f"Mục {section.label}. {section.criterion_name}"
        _merged_line(rows, row, heading, _HEADING, _lines(heading, line_width * 0.8))
        shown, total = len(section.records.rows), section.records.total
        count = f"Nguồn {source_label(section.metric_code)}: {total} bản ghi làm giảm điểm" + (
            f"; liệt kê {shown} bản ghi đầu tiên (đủ {total} bản ghi trong bảng "
            f"{drilldown_view(section.metric_code)} của kho dữ liệu)."
            if shown < total
            else "."
        )
        _merged_line(rows, row + 1, count, _COUNT)
        row += 2
        headers = ("STT", *(COLUMN_LABELS.get(c, c) for c in section.records.columns))
        height = LINE_HEIGHT * max(_lines(h, RECORD_WIDTH) for h in headers) + 3
        rows.add(row, [(text, _COLUMN_HEADER) for text in headers], height)
        for number, record in enumerate(section.records.rows, start=1):
            row += 1
            values = [_text(v, column) for v, column in zip(record, section.records.columns, strict=True)]
            longest = max(_lines(str(v), RECORD_WIDTH) for v in (number, *values) if v is not None)
            cells = [(number, _RECORD_NUMBER), *((value, _RECORD) for value in values)]
            rows.add(row, cells, LINE_HEIGHT * longest + 3)
        row += 2
    _print(sheet, widest)
    return rows


def _print(sheet: Worksheet, widest: int) -> None:
    """One page wide, shrunk to fit, when every view fits in RECORD_COLUMNS. Shrunk so, the items of a
    document requirement (16 columns) printed at a third of their size: a sheet with a wider view prints at
    full size, STT and RECORD_COLUMNS record columns a page, the wider view's further columns on the next
    pages (across, then down). Column A is not repeated there: it holds the start of the merged headings."""
    if widest <= RECORD_COLUMNS:
        print_a4_landscape(sheet)
        return
    print_a4_landscape(sheet, one_page_wide=False)
    sheet.page_setup.pageOrder = "overThenDown"
    # a break's id is the zero-based index of the column that starts a page: H, N, T…
    for first_column in range(RECORD_COLUMNS + 1, widest + 1, RECORD_COLUMNS):
        sheet.col_breaks.append(Break(id=first_column))


def sections_for(
    rows: Sequence[Mapping[str, Any]],
    periods: Mapping[tuple[str, str], tuple[date, date]],
    failing: Mapping[FailingKey, FailingRecords],
    several_catalogues: bool,
) -> list[Section]:
    """The sections of one agency's computed leaves below their maximum that have records to show.

    `periods` maps (catalogue id, criterion code) to the leaf's period."""
    sections = []
    for row in rows:
        metric = row.get("metric_code")
        if row["status"] != rules.COMPUTED or not metric or metric in NOT_RECORD_LEVEL:
            continue
        if row["score"] is None or row["score"] >= row["max_points"]:
            continue
        start, end = periods[(row["catalogue_id"], row["criterion_code"])]
        records = failing.get((row["agency_code"], metric, start, end))
        if records and records.total:
            label = section_label(row["criterion_code"], row["catalogue_id"], several_catalogues)
            sections.append(
                Section(
                    row["catalogue_id"], row["criterion_code"], label, row["criterion_name"], metric, records
                )
            )
    return sections
