"""Reading an HR export: cached values only, header found by its text (sources.md §5.1–5.2).

Nothing in the file is evaluated or followed: formulas give their cached value, links are not kept. Cells of
sensitive columns (§1.9 class S) are never read into a record; only the column's presence is reported.

A workbook is untrusted input: before any reader opens it, the sizes its zip declares are checked (the zip
layer never inflates a part beyond its declared size) and every XML part is inflated once, which also
measures each worksheet's used range from its cell references. When every cell of every worksheet names its
position and each range is at most `WorkbookLimits.range_cells`, calamine (Rust, much faster than openpyxl)
reads the sheets: it holds a sheet's range densely, so the range must be known to be small first. Any other
file (cells without a reference, or a cell far out, as a hostile file has) is read row by row by openpyxl in
read-only mode with the declared dimension ignored. Either way rows and columns are capped, so that no file
costs more than `WorkbookLimits` allows, and both give the same values (`_cell_value`).
"""

import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from etl.hr.layout import SheetLayout, header_token

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
FILE_TOO_LARGE = "file_too_large"
UNREADABLE_FILE = "unreadable_file"
_MIB = 1 << 20


@dataclass(frozen=True)
class WorkbookLimits:
    """What reading one export may cost, whatever the file declares (contract choice: the export of the
    largest simulated agency, a few thousand people, is far below every limit)."""

    expanded_bytes: int = 256 * _MIB  # all parts of the zip together, uncompressed
    # A part other than a worksheet: openpyxl holds shared strings and styles whole.
    part_bytes: int = 16 * _MIB
    compression_ratio: int = 200  # uncompressed / compressed size of a part larger than `ratio_floor_bytes`
    ratio_floor_bytes: int = _MIB
    parts: int = 1_000
    markup_bytes: int = (
        _MIB  # an XML part's longest stretch without a `<` (a tag or text) is below twice this
    )
    rows: int = 100_000  # per sheet, footer included
    columns: int = 256  # cells right of this column are not read
    # Rows × columns of a sheet's used range that calamine may hold densely (about 40 bytes a cell); a
    # larger sheet is streamed by openpyxl instead. The largest simulated export is about 150,000 cells.
    range_cells: int = 2_000_000


class WorkbookRejected(Exception):
    """The whole file is rejected: ``reason`` is a sources.md §1.10 code, ``field`` names the sheet or
    column, ``detail`` says it in Vietnamese."""

    def __init__(self, reason: str, field: str | None, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.field = field
        self.detail = detail


class SheetRows(NamedTuple):
    layout: SheetLayout
    rows: list[tuple[int, dict]]  # (1-based sheet row, record by contract field name; drift by header)
    drift: tuple[str, ...]  # header texts the contract does not know
    sensitive_present: tuple[str, ...]  # sensitive fields whose column exists (dropped unread)
    footer_rows: int  # non-empty rows after the first empty row: footer, ignored


def _is_empty(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@cache
def _header_tokens(layout: SheetLayout) -> tuple[frozenset[str], dict[str, str]]:
    """The tokens of the layout's required headers, and its fields by header token (once per layout)."""
    return frozenset(header_token(h) for h in layout.required_headers), layout.field_by_header()


def _find_header(rows: list[tuple], layout: SheetLayout) -> tuple[int, list[str | None]] | None:
    """The header row's index and the token of each of its cells (None for an empty one)."""
    required = _header_tokens(layout)[0]
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        tokens = [None if _is_empty(cell) else header_token(cell) for cell in row]
        if required.issubset(tokens):
            return index, tokens
    return None


def _missing_headers(rows: list[tuple], layout: SheetLayout) -> list[str]:
    """The required headers absent from the best candidate row, for the rejection's detail."""
    required = layout.required_headers
    best: list[str] = list(required)
    for row in rows[:HEADER_SEARCH_ROWS]:
        present = {header_token(cell) for cell in row if not _is_empty(cell)}
        missing = [h for h in required if header_token(h) not in present]
        if len(missing) < len(best):
            best = missing
    return best


def _as_read(value: object) -> object:
    return value


def read_sheet(
    values: Iterable[Sequence],
    layout: SheetLayout,
    sensitive: frozenset[str],
    value_of: Callable[[object], object] = _as_read,
) -> SheetRows:
    """The data rows of one sheet's cell values (rows of tuples, as openpyxl's ``values``), read once;
    `value_of` gives the value of a data cell that a record keeps (`_cell_value` for calamine's)."""
    values = iter(values)
    top = list(islice(values, HEADER_SEARCH_ROWS))
    header = _find_header(top, layout)
    if header is None:
        missing = _missing_headers(top, layout)
        raise WorkbookRejected(
            "missing_column",
            f"{layout.name}.{missing[0]}",
            f"Trang {layout.name} thiếu cột bắt buộc: {', '.join(missing)}",
        )
    header_index, tokens = header
    known = _header_tokens(layout)[1]
    columns: list[tuple[int, str]] = []
    drift: list[str] = []
    present_sensitive: list[str] = []
    for position, (cell, token) in enumerate(zip(top[header_index], tokens, strict=True)):
        if token is None:
            continue
        field = known.get(token)
        if field in sensitive:
            present_sensitive.append(field)
        elif field is not None:
            columns.append((position, field))
        else:
            name = " ".join(str(cell).split())
            drift.append(name)
            columns.append((position, name))
    data: list[tuple[int, dict]] = []
    footer = 0
    ended = False
    names = [name for _, name in columns]
    positions = [position for position, _ in columns]
    cells_of = _cells_at(positions)
    width = max(positions) + 1
    for offset, row in enumerate(chain(top[header_index + 1 :], values), start=header_index + 2):
        empty = all(_is_empty(cell) for cell in row)
        if ended or empty:
            ended = True
            footer += not empty
            continue
        # A row shorter than the header (openpyxl's end at their last cell) has None beyond its end.
        cells = cells_of(row) if len(row) >= width else [row[p] if p < len(row) else None for p in positions]
        data.append(
            (offset, dict(zip(names, cells if value_of is _as_read else map(value_of, cells), strict=True)))
        )
    return SheetRows(layout, data, tuple(drift), tuple(present_sensitive), footer)


def _cells_at(positions: list[int]) -> Callable[[Sequence], Sequence]:
    """The cells of a row at `positions`, picked in one call."""
    if len(positions) == 1:  # itemgetter of one position gives the cell itself, not a tuple
        return lambda row: (row[positions[0]],)
    return itemgetter(*positions)


def _too_large(field: str | None, detail: str) -> WorkbookRejected:
    return WorkbookRejected(FILE_TOO_LARGE, field, detail)


def check_package(path: Path, limits: WorkbookLimits) -> dict[str, int | None]:
    """Refuse, before any reader inflates anything, a zip whose parts are too many, too large once inflated,
    compressed beyond any real workbook (a zip bomb), damaged, or holding a tag too long to parse.

    Returns the used range of each worksheet part (rows × columns from its cell references), or None for a
    part whose cells do not all name their position."""
    try:
        package = zipfile.ZipFile(path)
    except Exception as exc:  # untrusted input: whatever the zip layer raises, the file is unreadable
        raise WorkbookRejected(
            UNREADABLE_FILE, None, f"Không mở được tệp Excel: {type(exc).__name__}"
        ) from None
    with package:
        parts = package.infolist()
        if len(parts) > limits.parts:
            raise _too_large(None, f"Tệp Excel có {len(parts)} thành phần, vượt giới hạn {limits.parts}")
        expanded = sum(part.file_size for part in parts)
        if expanded > limits.expanded_bytes:
            raise _too_large(
                None, f"Tệp Excel giải nén ra {expanded} byte, vượt giới hạn {limits.expanded_bytes} byte"
            )
        for part in parts:
            if not part.filename.startswith(_WORKSHEETS) and part.file_size > limits.part_bytes:
                raise _too_large(
                    part.filename,
                    f"Thành phần {part.filename} giải nén ra {part.file_size} byte, "
                    f"vượt giới hạn {limits.part_bytes} byte",
                )
            ratio = part.file_size / max(part.compress_size, 1)
            if part.file_size > limits.ratio_floor_bytes and ratio > limits.compression_ratio:
                raise _too_large(
                    part.filename,
                    f"Thành phần {part.filename} nén bất thường (tỉ lệ {ratio:.0f}:1, "
                    f"giới hạn {limits.compression_ratio}:1)",
                )
        ranges = {}
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                sheet = part.filename.startswith(_WORKSHEETS)
                extent = _check_markup(package, part, limits.markup_bytes, sheet)
                if sheet:
                    ranges[part.filename] = extent
        return ranges


_WORKSHEETS = "xl/worksheets/"
# A cell's start tag (any namespace prefix), and one that names its position: `<c r="AB12" …>`.
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REFERENCE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
# The same without a prefix, for markup with no `:c` in it (every cell tag unprefixed, as Excel writes
# them): the regex engine finds these from their literal start, about three times faster.
_PLAIN_CELL = re.compile(rb"<c[\s/>]")
_PLAIN_CELL_REFERENCE = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_LETTERS, _DIGITS = itemgetter(0), itemgetter(1)


class _SheetExtent:
    """The used range of a worksheet part, from the cell references of its markup read piece by piece."""

    def __init__(self):
        self.cells = 0
        self.referenced = 0
        self.columns: set[bytes] = set()
        self.last_row = 0

    def add(self, markup: bytes) -> None:
        prefixed = b":c" in markup  # else no cell tag of this markup can have a prefix
        cell, reference = (_CELL, _CELL_REFERENCE) if prefixed else (_PLAIN_CELL, _PLAIN_CELL_REFERENCE)
        self.cells += len(cell.findall(markup))
        references = reference.findall(markup)
        self.referenced += len(references)
        if references:
            self.columns.update(map(_LETTERS, references))
            # Each row number once (a row has many cells) before any is converted.
            self.last_row = max(self.last_row, max(map(int, set(map(_DIGITS, references)))))

    def range_cells(self) -> int | None:
        if self.referenced != self.cells:
            return None
        width = max((_column_number(letters) for letters in self.columns), default=0)
        return width * self.last_row


def _column_number(letters: bytes) -> int:
    """b"A" -> 1, b"AB" -> 28."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _check_markup(
    package: zipfile.ZipFile, part: zipfile.ZipInfo, block_bytes: int, sheet: bool
) -> int | None:
    """Refuse an XML part with a whole block of `block_bytes` and no `<` in it: a tag or a text of at
    least that length (any run of twice that length fills a block). XML parsers hold a start tag with all
    its attributes before anyone sees it, and a real workbook comes nowhere near: a cell holds at most
    32,767 characters. Inflating every part also finds a damaged one (bad CRC) before a reader does.

    A worksheet part's used range is measured on the way and returned (`_SheetExtent.range_cells`; None
    for another part); each block is measured up to its last `<`, the rest with the next block, so that
    no tag is cut in two."""
    extent = _SheetExtent() if sheet else None
    carried = b""
    try:
        with package.open(part) as stream:
            while block := stream.read(block_bytes):
                if len(block) == block_bytes and b"<" not in block:
                    raise WorkbookRejected(
                        UNREADABLE_FILE,
                        part.filename,
                        f"Thành phần {part.filename} có một thẻ hoặc đoạn văn bản dài hơn {block_bytes} byte",
                    )
                if extent is not None:
                    markup = carried + block
                    cut = markup.rfind(b"<")
                    extent.add(markup[:cut])
                    carried = markup[cut:]
    except WorkbookRejected:
        raise
    except Exception as exc:  # untrusted input: a damaged or encrypted part
        text = f"Không đọc được thành phần {part.filename}: {type(exc).__name__}"
        raise WorkbookRejected(UNREADABLE_FILE, part.filename, text) from None
    if extent is None:
        return None
    extent.add(carried)
    return extent.range_cells()


def _capped_rows(sheet, name: str, limits: WorkbookLimits) -> Iterator[tuple]:
    """A read-only sheet's rows, as wide as their last cell (the declared dimension, which a file may set
    to A1:XFD1048576 over three rows, is ignored) and at most `limits.columns` wide; more than
    `limits.rows` rows reject the file."""
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > limits.rows:
            raise _too_large(name, f"Trang {name} có hơn {limits.rows} dòng")
        yield row[: limits.columns]


def _cell_value(value: object) -> object:
    """A calamine cell as openpyxl gives it: None for an empty cell, a whole number as an int (Excel keeps
    every number as a double; openpyxl reads `12` as an int), a date cell as a datetime."""
    kind = value.__class__  # by frequency: text, numbers, dates; only text can be empty
    if kind is str:
        return value or None
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


def _calamine_rows(workbook: CalamineWorkbook, sheet_name: str, name: str, limits: WorkbookLimits):
    """The rows of a sheet whose range is known to be small, from A1, at most `limits.columns` wide, their
    cells as calamine gives them (`_cell_value` makes them openpyxl's)."""
    rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    if len(rows) > limits.rows:
        raise _too_large(name, f"Trang {name} có hơn {limits.rows} dòng")
    width = limits.columns
    # Every row of calamine's range is as wide as the range.
    return [row[:width] for row in rows] if rows and len(rows[0]) > width else rows


def read_workbook(
    path: Path,
    layouts: Iterable[SheetLayout],
    sensitive: frozenset[str],
    limits: WorkbookLimits = WorkbookLimits(),
) -> list[SheetRows]:
    """Every required sheet's rows; `WorkbookRejected` for an unreadable or oversized file, a missing
    sheet or column."""
    ranges = check_package(path, limits)
    # Every worksheet part, not only the required sheets: no sheet name has to be matched to its part.
    small = all(cells is not None and cells <= limits.range_cells for cells in ranges.values())
    read = _read_with_calamine if small else _read_with_openpyxl
    return read(path, list(layouts), sensitive, limits)


def _read_with_calamine(path, layouts, sensitive, limits) -> list[SheetRows]:
    workbook = _open(CalamineWorkbook.from_path, str(path))
    with closing(workbook):
        sheets = {header_token(name): name for name in workbook.sheet_names}
        return _read_sheets(
            layouts,
            sheets,
            lambda name, shown: _calamine_rows(workbook, name, shown, limits),
            sensitive,
            _cell_value,
        )


def _read_with_openpyxl(path, layouts, sensitive, limits) -> list[SheetRows]:
    workbook = _open(load_workbook, path, read_only=True, data_only=True, keep_links=False)
    with closing(workbook):
        sheets = {header_token(name): workbook[name] for name in workbook.sheetnames}
        return _read_sheets(
            layouts, sheets, lambda sheet, shown: _capped_rows(sheet, shown, limits), sensitive, _as_read
        )


def _open(opener: Callable, *args, **kwargs):
    """The workbook `opener` opens; any failure of untrusted input (zip or XML layer) rejects the file."""
    try:
        return opener(*args, **kwargs)
    except Exception as exc:
        raise WorkbookRejected(
            UNREADABLE_FILE, None, f"Không mở được tệp Excel: {type(exc).__name__}"
        ) from None


def _read_sheets(
    layouts: list[SheetLayout],
    sheets: dict[str, object],
    rows_of: Callable[[object, str], Iterable[Sequence]],
    sensitive: frozenset[str],
    value_of: Callable[[object], object],
) -> list[SheetRows]:
    """Every layout's sheet, found by its normalised name in `sheets`, read by `read_sheet` from the rows
    `rows_of(sheet, layout name)` gives (a list, or rows read lazily as the sheet is parsed)."""
    result = []
    for layout in layouts:
        sheet = sheets.get(header_token(layout.name))
        if sheet is None:
            raise WorkbookRejected("missing_sheet", layout.name, f"Thiếu trang tính {layout.name}")
        try:
            result.append(read_sheet(rows_of(sheet, layout.name), layout, sensitive, value_of))
        except WorkbookRejected:
            raise
        except Exception as exc:  # a damaged sheet part inside a valid zip
            text = f"Không đọc được trang {layout.name}: {type(exc).__name__}"
            raise WorkbookRejected(UNREADABLE_FILE, layout.name, text) from None
    return result
