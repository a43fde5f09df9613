"""Rows written as sheet XML (`SheetRows`) read back as the same cells openpyxl writes for `put` and `style`:
values, types, looks, heights, merges and the sheet's dimension."""

import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils.exceptions import IllegalCharacterError

from scoring.xlsx import BORDER, FONT_NAME, HEADER_FILL, CellStyle, SheetRows, put, save_workbook, style

TITLE = CellStyle(font=Font(name=FONT_NAME, bold=True, size=13), alignment=Alignment(wrap_text=True))
HEADER = CellStyle(font=Font(name=FONT_NAME, bold=True), fill=HEADER_FILL, border=BORDER)
RECORD = CellStyle(font=Font(name=FONT_NAME), border=BORDER, alignment=Alignment(vertical="top"))
NUMBER = CellStyle(font=Font(name=FONT_NAME), border=BORDER, number_format="0.00")
# A title row, a gap, a header, then records with every kind of value a record cell holds.
ROWS = [
    (1, [("Phụ lục & <kiểm chứng>", TITLE)], 32.0),
    (3, [("STT", HEADER), ("Mã hồ sơ", HEADER), ("Trích yếu", HEADER), ("Số", HEADER)], 17.5),
    (4, [(1, NUMBER), ("H35.01-240101-0001", RECORD), ('=HYPERLINK("x")', RECORD), (2.5, NUMBER)], 46.5),
    (5, [(2, NUMBER), ("  lề trái", RECORD), ("dòng 1\ndòng 2 ", RECORD), (None, RECORD)], 17.5),
    (6, [(3, NUMBER), ("", RECORD), ("   ", RECORD), (-7, NUMBER), (10**12, NUMBER)], 17.5),
]


def _write(path, as_xml_rows: bool):
    workbook = Workbook()
    sheet = workbook.active
    put(sheet, 1, 9, "an earlier sheet's own cell").font = Font(bold=True)  # style ids already taken
    records = workbook.create_sheet("records")
    records.merge_cells("A1:F1")
    rows = SheetRows(records)
    for number, cells, height in ROWS:
        if as_xml_rows:
            rows.add(number, cells, height)
            continue
        for column, (value, look) in enumerate(cells, start=1):
            style(put(records, number, column, value), look)
        records.row_dimensions[number].height = height
    return save_workbook(workbook, path, rows=[rows] if as_xml_rows else [])


def _cells(path):
    sheet = load_workbook(path)["records"]
    looks = [
        (c.coordinate, c.value, c.data_type, repr(c.font), repr(c.fill), repr(c.border), repr(c.alignment))
        + (c.number_format,)
        for row in sheet.iter_rows()
        for c in row
    ]
    heights = {n: d.height for n, d in sheet.row_dimensions.items() if d.height is not None}
    return looks, heights, sorted(map(str, sheet.merged_cells.ranges)), sheet.dimensions


def _sheet_data(path):
    """The records sheet's data as written, but for the style indices (numbered in another order)."""
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet2.xml").decode()
    return re.sub(r' s="[0-9]+"', "", re.search("<sheetData>.*</sheetData>", xml, re.DOTALL).group(0))


def test_sheet_rows_read_back_as_openpyxl_cells(tmp_path):
    cells = _write(tmp_path / "cells.xlsx", as_xml_rows=False)
    rows = _write(tmp_path / "rows.xlsx", as_xml_rows=True)
    assert _sheet_data(rows) == _sheet_data(cells)
    expected = _cells(cells)
    assert _cells(rows) == expected
    by_cell = {look[0]: look for look in expected[0]}
    assert by_cell["C4"][1:3] == ('=HYPERLINK("x")', "s")  # text, never a formula
    assert by_cell["B5"][1] == "  lề trái" and by_cell["D4"][1] == 2.5 and by_cell["E6"][1] == 10**12
    assert expected[1][4] == 46.5 and expected[3] == "A1:F6"


def test_sheet_rows_refuse_what_openpyxl_refuses(tmp_path):
    rows = SheetRows(Workbook().active)
    with pytest.raises(IllegalCharacterError):
        rows.add(1, [("a\x01b", RECORD)], 15.0)
    with pytest.raises(TypeError):
        rows.add(2, [(object(), RECORD)], 15.0)
    rows.add(3, [("x", RECORD)], 15.0)
    with pytest.raises(ValueError):
        rows.add(3, [("y", RECORD)], 15.0)
