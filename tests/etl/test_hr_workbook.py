"""Reading HR workbooks (sources.md §5.1–5.3): names, header search, footers, rejections, cell coercions."""

import datetime as dt
import os

import pytest

from etl.convert import FieldError
from etl.hr import workbook
from etl.hr.entities import SENSITIVE, hr_date, rank_code
from etl.hr.layout import SHEETS, STAFF
from etl.hr.naming import is_lock_file, parse_export_name
from etl.hr.workbook import WorkbookLimits, WorkbookRejected, read_sheet, read_workbook
from tests import hostile_files
from tests.etl.hr_fixtures import STAFF_HEADERS, write_export


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nhansu_H35.01_202503.xlsx", ("H35.01", 2025, 3)),
        ("nhansu_000.00.01.H35_202512.XLSX", ("000.00.01.H35", 2025, 12)),  # extension in any case
        ("nhansu_H35.01_202503 (1).xlsx", None),  # a copy (Q18)
        ("nhansu_H35.01_202513.xlsx", None),  # month 13
        ("nhansu_H35.01_202503.xls", None),
        ("nhansu_H35.01_202503.xlsm", None),
        ("NHANSU_H35.01_202503.xlsx", None),  # only the extension is case-insensitive
    ],
)
def test_export_names(name, expected):
    parsed = parse_export_name(name)
    assert (tuple(parsed) if parsed else None) == expected


def test_lock_files_are_recognised():
    assert is_lock_file("~$nhansu_H35.01_202503.xlsx")
    assert not is_lock_file("nhansu_H35.01_202503.xlsx")


def test_header_found_below_title_rows_with_a_line_break_and_footer_counted():
    # Two title rows, the header on row 3 (one header with a line break), two data rows, an empty row,
    # then a two-line footer: data rows are sheet rows 4 and 5; the footer's 2 rows are counted, not read.
    values = [
        ("DANH SÁCH CÁN BỘ", None, None),
        ("Tháng 03 năm 2025", None, None),
        *[tuple(STAFF_HEADERS)],
        (1, "A", "CB1"),
        (2, "B", "CB2"),
        (None, None, None),
        ("Người lập biểu", None, None),
        (None, "THỦ TRƯỞNG ĐƠN VỊ", None),
    ]
    sheet = read_sheet(values, STAFF, SENSITIVE)
    assert [row for row, _ in sheet.rows] == [4, 5]
    assert sheet.rows[0][1]["SoHieuCBCCVC"] == "CB1"
    assert sheet.footer_rows == 2
    assert set(sheet.sensitive_present) == {"DanToc", "TonGiao", "NgayVaoDang"}
    assert not SENSITIVE & set(sheet.rows[0][1])  # sensitive cells are never read into a record


def test_unknown_columns_are_drift_and_kept():
    values = [tuple(STAFF_HEADERS) + ("Ghi  chú",), (1,) + (None,) * (len(STAFF_HEADERS) - 1) + ("x",)]
    sheet = read_sheet(values, STAFF, SENSITIVE)
    assert sheet.drift == ("Ghi chú",)
    assert sheet.rows[0][1]["Ghi chú"] == "x"


def test_a_renamed_required_header_rejects_the_file(tmp_path):
    headers = [h if h != "Trạng thái" else "Tình trạng" for h in STAFF_HEADERS]
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx", staff_headers=headers)
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(path, SHEETS, SENSITIVE)
    assert caught.value.reason == "missing_column"
    assert caught.value.field == "CanBo.Trạng thái"


def test_a_missing_sheet_rejects_the_file(tmp_path):
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx", skip_sheet="KyLuat")
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(path, SHEETS, SENSITIVE)
    assert (caught.value.reason, caught.value.field) == ("missing_sheet", "KyLuat")


def test_a_file_that_is_not_a_workbook_is_unreadable(tmp_path):
    path = tmp_path / "nhansu_H35.01_202503.xlsx"
    path.write_bytes(os.urandom(64))
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(path, SHEETS, SENSITIVE)
    assert caught.value.reason == "unreadable_file"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.datetime(1986, 3, 5), dt.date(1986, 3, 5)),  # an Excel date cell
        ("05/03/1986", dt.date(1986, 3, 5)),  # day first
        ("5/3/1986", dt.date(1986, 3, 5)),
    ],
)
def test_dates(value, expected):
    assert hr_date(value) == expected


@pytest.mark.parametrize("value", ["1986-03-05", "31/02/2025", "05/03/86", 31000, "không rõ"])
def test_bad_dates(value):
    with pytest.raises(FieldError) as caught:
        hr_date(value)
    assert caught.value.reason == "bad_format"


def test_numeric_rank_codes_are_written_back():
    # Q13: Excel turned 01.003 into the number 1.003.
    assert rank_code(1.003) == "01.003"
    assert rank_code(" 01.002 ") == "01.002"
    assert rank_code("CDNN-III") == "CDNN-III"


def test_calamine_and_openpyxl_read_the_same_rows(tmp_path):
    # The fixture has whole numbers, a float year (2025.0), an 11-digit number, a rank code typed as a
    # number, date cells, empty cells and a footer: both readers must give the same rows, row numbers,
    # drift, sensitive columns and footer counts, whichever `read_workbook` picks.
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    limits = WorkbookLimits()
    fast = workbook._read_with_calamine(path, SHEETS, SENSITIVE, limits)
    slow = workbook._read_with_openpyxl(path, SHEETS, SENSITIVE, limits)
    assert fast == slow
    assert fast[0].rows[0][1]["SoHieuCBCCVC"] == "CB001"


def test_the_used_range_is_measured_from_cell_references(tmp_path):
    # The fixture's CanBo sheet (sheet1) runs from A1 to P8: 8 rows of 16 columns. A cell moved to XFD9
    # makes it 9 × 16,384, beyond `range_cells`: such a file is streamed by openpyxl (and loads).
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    assert workbook.check_package(path, WorkbookLimits())["xl/worksheets/sheet1.xml"] == 8 * 16
    far = hostile_files.rezip(
        path.read_bytes(),
        tmp_path / "nhansu_H35.01_202504.xlsx",
        lambda name, data: (
            data.replace(b"</sheetData>", b'<row r="9"><c r="XFD9"><v>1</v></c></row></sheetData>')
            if name == hostile_files.STAFF_SHEET
            else data
        ),
    )
    assert workbook.check_package(far, WorkbookLimits())["xl/worksheets/sheet1.xml"] == 9 * 16_384
    assert len(read_workbook(far, SHEETS, SENSITIVE, WorkbookLimits(range_cells=1000))[0].rows) == 3
    # A cell without its reference: the range is unknown, and openpyxl reads the file.
    bare = hostile_files.rezip(
        path.read_bytes(),
        tmp_path / "nhansu_H35.01_202505.xlsx",
        lambda name, data: (
            data.replace(b"</row>", b"<c><v>1</v></c></row>", 1)
            if name == hostile_files.STAFF_SHEET
            else data
        ),
    )
    assert workbook.check_package(bare, WorkbookLimits())["xl/worksheets/sheet1.xml"] is None
