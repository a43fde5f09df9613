"""What every workbook parindex writes shares: a font with Vietnamese glyphs, the header fill and the thin
border, cell looks resolved once per workbook, text cells that never become formulas, A4 landscape printing,
and an atomic save (a reader never opens half a file) that can store the cached values of the formulas
parindex writes itself."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.worksheet import Worksheet

from parindex_facts.files import temporary_beside
from scoring.exported_file import move_into_place

# Times New Roman is the font of Vietnamese administrative documents (Nghị định 30/2020); LibreOffice
# substitutes the metric-compatible Liberation Serif, which has the Vietnamese glyphs too.
FONT_NAME = "Times New Roman"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="000000")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

CachedValues = Mapping[str, Mapping[str, float | str]]  # sheet title → cell coordinate → value


@dataclass(frozen=True, eq=False)
class CellStyle:
    """A cell's whole look. Compared by identity: make each look once (a constant or a cached function)."""

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None


# openpyxl hashes and compares a font, fill, border or alignment each time one is assigned to a cell, to find
# its index in the workbook: most of the time of writing a workbook of many records (issue 15). A look is
# resolved to those indices (openpyxl's StyleArray) at its first cell in a workbook and copied to the others.
_RESOLVED: WeakKeyDictionary[Workbook, dict[CellStyle, StyleArray]] = WeakKeyDictionary()


def style(cell: Cell, look: CellStyle) -> Cell:
    """Gives `cell` the look, replacing any style it had."""
    resolved = _RESOLVED.setdefault(cell.parent.parent, {})
    indices = resolved.get(look)
    if indices is None:
        cell._style = StyleArray()
        if look.font is not None:
            cell.font = look.font
        if look.fill is not None:
            cell.fill = look.fill
        if look.border is not None:
            cell.border = look.border
        if look.alignment is not None:
            cell.alignment = look.alignment
        if look.number_format is not None:
            cell.number_format = look.number_format
        indices = resolved[look] = copy(cell._style)
    else:
        cell._style = copy(indices)
    return cell


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Writes a value; text is always a string cell, so that a source text starting with `=` (a document's
    `=HYPERLINK(…)` subject) is shown as typed and never runs as a formula (issue 10)."""
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def put_formula(sheet: Worksheet, row: int, column: int, formula: str) -> Cell:
    """The one way a formula gets into a workbook: the totals parindex computes itself."""
    cell = sheet.cell(row, column)
    cell.value = formula
    cell.data_type = "f"
    return cell


def print_a4_landscape(sheet: Worksheet, title_rows: str | None = None) -> None:
    """A4 landscape, one page wide, as many pages down as needed, page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Trang &P/&N"
    if title_rows:
        sheet.print_title_rows = title_rows


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>([^<]*)</f>(?:<v\s*/>|<v></v>)?</c>')


def _with_cached_values(xml: str, values: Mapping[str, float | str]) -> str:
    """openpyxl writes formulas without a value; a viewer that does not recalculate would show them empty."""

    def fill(match: re.Match) -> str:
        coordinate, attributes, formula = match.groups()
        if coordinate not in values:
            return match.group(0)
        value = values[coordinate]
        if isinstance(value, str):
            escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return f'<c r="{coordinate}"{attributes} t="str"><f>{formula}</f><v>{escaped}</v></c>'
        return f'<c r="{coordinate}"{attributes}><f>{formula}</f><v>{value!r}</v></c>'

    return _FORMULA_CELL.sub(fill, xml)


def _copy_with_cached_values(source: Path, target: Path, workbook: Workbook, cached: CachedValues) -> None:
    parts = {
        f"xl/worksheets/sheet{index}.xml": cached[sheet.title]
        for index, sheet in enumerate(workbook.worksheets, start=1)
        if sheet.title in cached
    }
    with zipfile.ZipFile(source) as reader, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as writer:
        for item in reader.infolist():
            data = reader.read(item.filename)
            if item.filename in parts:
                data = _with_cached_values(data.decode("utf-8"), parts[item.filename]).encode("utf-8")
            writer.writestr(item, data)


def save_workbook(workbook: Workbook, path: Path, cached: CachedValues | None = None) -> Path:
    """Saves atomically. With `cached`, the formulas' values are stored too, and the file asks to be
    recalculated when opened, so that an officer's correction of a score updates the totals."""
    if cached:
        workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    tmp_name = temporary_beside(path, suffix=".xlsx")
    saved = temporary_beside(path, suffix=".xlsx") if cached else tmp_name
    try:
        workbook.save(saved)
        if cached:
            _copy_with_cached_values(Path(saved), Path(tmp_name), workbook, cached)
            Path(saved).unlink()
        move_into_place(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        Path(saved).unlink(missing_ok=True)
        raise
    return path
