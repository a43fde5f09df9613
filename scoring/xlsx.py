"""What every workbook parindex writes shares: a font with Vietnamese glyphs, the header fill and the thin
border, cell looks resolved once per workbook, text cells that never become formulas, A4 landscape printing,
and an atomic save (a reader never opens half a file) that can store the cached values of the formulas
parindex writes itself."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
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


class SheetRows:
    """Rows of plain records (text and numbers, a look per cell, a height per row) written as the sheet's XML
    rather than as openpyxl cells: building and serialising a cell in openpyxl costs about 20 µs, and the
    evidence sheets of a province hold millions (issue 15). The cells are written as openpyxl writes them
    (inline strings, `t="n"` numbers); merges, widths and print setup stay on the sheet, which holds no cell
    of its own. `save_workbook` puts the rows in."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self._xml: list[str] = []
        self._ids: dict[CellStyle, str] = {}
        self._letters: list[str] = [""]
        self.first_row = self.last_row = self.last_column = 0

    def _style_id(self, look: CellStyle) -> str:
        style_id = self._ids.get(look)
        if style_id is None:
            # a cell outside the sheet: it only resolves the look to the workbook's style index
            style_id = self._ids[look] = str(style(Cell(self.sheet), look).style_id)
        return style_id

    def add(self, number: int, cells: Sequence[tuple[Any, CellStyle]], height: float) -> None:
        """Row `number` (after the rows added before), its cells from column A."""
        if number <= self.last_row:
            raise ValueError(f"{self.sheet.title}: row {number} after row {self.last_row}")
        while len(self._letters) <= len(cells):
            self._letters.append(get_column_letter(len(self._letters)))
        xml = [f'<row r="{number}" ht="{safe_string(height)}" customHeight="1">']
        for column, (value, look) in enumerate(cells, start=1):
            xml.append(_cell_xml(f"{self._letters[column]}{number}", value, self._style_id(look)))
        xml.append("</row>")
        self._xml.append("".join(xml))
        self.first_row = self.first_row or number
        self.last_row, self.last_column = number, max(self.last_column, len(cells))

    def dimension(self) -> str:
        """The range openpyxl would state: that of the cells and the merged ranges."""
        boxes = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in self.sheet.merged_cells.ranges]
        if self._xml:
            boxes.append((self.first_row, 1, self.last_row, self.last_column))
        if not boxes:
            return "A1:A1"
        first_row, first_column = min(b[0] for b in boxes), min(b[1] for b in boxes)
        last_row, last_column = max(b[2] for b in boxes), max(b[3] for b in boxes)
        first, last = get_column_letter(first_column), get_column_letter(last_column)
        return f"{first}{first_row}:{last}{last_row}"

    def into(self, xml: str) -> str:
        """The sheet's XML as openpyxl wrote it, with these rows as its data."""
        xml = _DIMENSION.sub(f'<dimension ref="{self.dimension()}" />', xml, count=1)
        return _SHEET_DATA.sub(lambda _: f"<sheetData>{''.join(self._xml)}</sheetData>", xml, count=1)


_DIMENSION = re.compile(r'<dimension ref="[^"]*" />')
_SHEET_DATA = re.compile(r"<sheetData>.*?</sheetData>|<sheetData />", re.DOTALL)


def _cell_xml(reference: str, value: Any, style_id: str) -> str:
    """A cell as openpyxl writes what `put` stores."""
    if value is None:
        return f'<c r="{reference}" s="{style_id}" t="n" />'
    if isinstance(value, str):
        # what openpyxl does to a text it stores
        text = value[:32767]
        if ILLEGAL_CHARACTERS_RE.search(text):
            raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
        if not text:
            return f'<c r="{reference}" s="{style_id}" t="inlineStr" />'
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f'<c r="{reference}" s="{style_id}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{reference}" s="{style_id}" t="n"><v>{safe_string(value)}</v></c>'
    raise TypeError(f"{reference}: {type(value).__name__} is neither text nor a number")


def print_a4_landscape(
    sheet: Worksheet, title_rows: str | None = None, *, one_page_wide: bool = True
) -> None:
    """A4 landscape, as many pages down as needed, page numbers in the footer; one page wide (shrunk to fit),
    unless the caller lays out its own column breaks at full size."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if one_page_wide:
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


def _sheet_rewrites(
    workbook: Workbook, cached: CachedValues, rows: Sequence[SheetRows]
) -> dict[str, Callable[[str], str]]:
    """Part name → how to complete the XML openpyxl wrote for that sheet."""
    parts: dict[str, Callable[[str], str]] = {}
    by_title = {r.sheet.title: r for r in rows}
    for index, sheet in enumerate(workbook.worksheets, start=1):
        if sheet.title in cached:
            values = cached[sheet.title]
            parts[f"xl/worksheets/sheet{index}.xml"] = lambda xml, values=values: _with_cached_values(
                xml, values
            )
        elif sheet.title in by_title:
            parts[f"xl/worksheets/sheet{index}.xml"] = by_title[sheet.title].into
    return parts


def _copy_rewritten(source: Path, target: Path, parts: Mapping[str, Callable[[str], str]]) -> None:
    with zipfile.ZipFile(source) as reader, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as writer:
        for item in reader.infolist():
            data = reader.read(item.filename)
            if item.filename in parts:
                data = parts[item.filename](data.decode("utf-8")).encode("utf-8")
            writer.writestr(item, data)


def save_workbook(
    workbook: Workbook, path: Path, cached: CachedValues | None = None, rows: Sequence[SheetRows] = ()
) -> Path:
    """Saves atomically. With `cached`, the formulas' values are stored too, and the file asks to be
    recalculated when opened, so that an officer's correction of a score updates the totals; `rows` are
    the data of sheets written as `SheetRows`."""
    if cached:
        workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    parts = _sheet_rewrites(workbook, cached or {}, rows)
    tmp_name = temporary_beside(path, suffix=".xlsx")
    saved = temporary_beside(path, suffix=".xlsx") if parts else tmp_name
    try:
        workbook.save(saved)
        if parts:
            _copy_rewritten(Path(saved), Path(tmp_name), parts)
            Path(saved).unlink()
        move_into_place(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        Path(saved).unlink(missing_ok=True)
        raise
    return path
