"""The evidence sheet prints at full size: a document requirement's items (16 columns, metrics.md §7.4) are
not shrunk to one page wide (they printed at about 4 points) but continue on the next pages; and the officer
reads their statuses in Vietnamese.

The widths are checked with the spreadsheet's own rule (ECMA-376 §18.3.1.13: a column w characters wide is
7w + 5 pixels of 0.75 points with Calibri's 7-pixel digit) against A4 landscape less the sheet's margins; the
printed size is read back from LibreOffice's PDF (word boxes of `pdftotext -bbox`) where it is installed."""

import re
import subprocess
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from scoring.evidence_sheet import SHEET_TITLE, FailingRecords, Section, write_evidence_sheet
from scoring.xlsx import save_workbook
from tests.scoring.render import convert, missing_texts, needs_renderer

A4_LANDSCAPE_WIDTH = 842  # points
# The columns of a document requirement's drill-down as the mart lists them (metrics.md §7.4), enrichment
# included.
ITEM_COLUMNS = (
    "requirement_id",
    "requirement_name",
    "item_order",
    "item_code",
    "item_name",
    "deadline_date",
    "status",
    "document_key",
    "code_number",
    "code_notation",
    "promulgation_date",
    "subject",
    "days_late",
    "coverage_start",
    "cutoff_date",
    "in_denominator",
)
ITEMS = FailingRecords(
    ITEM_COLUMNS,
    [
        ("cchc_reports", "Báo cáo CCHC định kỳ", 1, "q1", "Báo cáo quý I", date(2026, 3, 15), "late",
         "H35.01|di|000.00.01.H35,2026/03/20,31/BC-VPUBND", "31", "BC-VPUBND", date(2026, 3, 20),
         "Báo cáo công tác cải cách hành chính quý I năm 2026", 5, date(2025, 7, 1), date(2026, 12, 8), True),
        ("cchc_reports", "Báo cáo CCHC định kỳ", 2, "h1", "Báo cáo 6 tháng", date(2026, 6, 16), "missing",
         None, None, None, None, None, None, date(2025, 7, 1), date(2026, 12, 8), True),
    ],
    2,
)  # fmt: skip
DOSSIERS = FailingRecords(
    ("dossier_code", "received_at", "due_at", "end_at"),
    [("H35.01.10-260406-0002", date(2026, 4, 6), date(2026, 4, 7), date(2026, 4, 9))],
    1,
)
SECTIONS = [
    Section("template-so@2026.2", "1.3", "1.3", "Báo cáo CCHC định kỳ đúng thời hạn",
            "qlvb.cchc_reports_on_time", ITEMS),
    Section("template-so@2026.2", "3.3", "3.3", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "dvc.on_time_rate",
            DOSSIERS),
]  # fmt: skip


@pytest.fixture(scope="module")
def evidence_path(tmp_path_factory):
    workbook = Workbook()
    rows = write_evidence_sheet(workbook.active, SECTIONS, "PHỤ LỤC KIỂM CHỨNG")
    workbook.active.title = SHEET_TITLE
    return save_workbook(workbook, tmp_path_factory.mktemp("evidence") / "evidence.xlsx", rows=[rows])


def _points(sheet, column: int) -> float:
    return (7 * sheet.column_dimensions[get_column_letter(column)].width + 5) * 0.75


def test_every_page_holds_its_columns_at_full_size(evidence_path):
    sheet = load_workbook(evidence_path)[SHEET_TITLE]
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == 9
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage and setup.scale in (None, 100)
    assert setup.pageOrder == "overThenDown" and sheet.print_title_cols is None
    # 17 columns: A (STT) and B-G on the first page, H-M on the second, N-Q on the third.
    starts = [column_index_from_string("H"), column_index_from_string("N")]
    assert [brk.id + 1 for brk in sheet.col_breaks.brk] == starts
    assert sheet.max_column == 1 + len(ITEM_COLUMNS)
    printable = A4_LANDSCAPE_WIDTH - 72 * (sheet.page_margins.left + sheet.page_margins.right)
    bounds = [1, *starts, sheet.max_column + 1]
    for first, end in zip(bounds, bounds[1:], strict=False):
        page = sum(_points(sheet, column) for column in range(first, end))
        assert page <= printable, (get_column_letter(first), page, printable)


def test_a_sheet_of_narrow_views_stays_one_page_wide(tmp_path):
    workbook = Workbook()
    rows = write_evidence_sheet(workbook.active, SECTIONS[1:], "PHỤ LỤC KIỂM CHỨNG")
    sheet = load_workbook(save_workbook(workbook, tmp_path / "narrow.xlsx", rows=[rows])).active
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert not sheet.col_breaks.brk


def test_item_statuses_are_in_vietnamese(evidence_path):
    texts = [[c.value for c in row] for row in load_workbook(evidence_path)[SHEET_TITLE].iter_rows()]
    header = next(i for i, row in enumerate(texts) if row[1] == "Mã yêu cầu")
    status = texts[header].index("Tình trạng")
    assert [texts[header + 1][status], texts[header + 2][status]] == ["Trễ hạn", "Chưa ban hành"]


@needs_renderer
def test_the_items_print_at_a_readable_size(evidence_path, tmp_path):
    pdf = convert(evidence_path, "pdf", tmp_path / "pdf")
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True)
    assert missing_texts(evidence_path, text.stdout) == []
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True)
    heights = {
        word: float(y_max) - float(y_min)
        for y_min, y_max, word in re.findall(
            r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)<', boxes.stdout
        )
    }
    # The cells are 11-point Times New Roman: a word's box is about as tall as its size; shrunk to one page
    # wide, the items printed at about 4 points.
    for word in ("BC-VPUBND", "cchc_reports", "Chưa"):
        assert heights[word] >= 9, (word, heights[word])
