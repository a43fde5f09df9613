"""Reading an HR export: openpyxl read-only with cached values, header found by its text (sources.md §5.2).

Nothing in the file is evaluated or followed: formulas give their cached value, links are not kept. Cells of
sensitive columns (§1.9 class S) are never read into a record; only the column's presence is reported.

A workbook is untrusted input: before openpyxl opens it, the sizes its zip declares are checked (the zip
layer never inflates a part beyond its declared size), and its sheets are read row by row with the declared
dimension ignored and rows and columns capped, so that no file costs more than `WorkbookLimits` allows.
"""

import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook

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


def _find_header(rows: list[tuple], layout: SheetLayout) -> int | None:
    required = {header_token(h) for h in layout.required_headers}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if required <= {header_token(cell) for cell in row if not _is_empty(cell)}:
            return index
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


def read_sheet(values: Iterable[tuple], layout: SheetLayout, sensitive: frozenset[str]) -> SheetRows:
    """The data rows of one sheet's cell values (rows of tuples, as openpyxl's ``values``), read once."""
    values = iter(values)
    top = list(islice(values, HEADER_SEARCH_ROWS))
    header_index = _find_header(top, layout)
    if header_index is None:
        missing = _missing_headers(top, layout)
        raise WorkbookRejected(
            "missing_column",
            f"{layout.name}.{missing[0]}",
            f"Trang {layout.name} thiếu cột bắt buộc: {', '.join(missing)}",
        )
    known = layout.field_by_header()
    columns: list[tuple[int, str]] = []
    drift: list[str] = []
    present_sensitive: list[str] = []
    for position, cell in enumerate(top[header_index]):
        if _is_empty(cell):
            continue
        field = known.get(header_token(cell))
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
    for offset, row in enumerate(chain(top[header_index + 1 :], values), start=header_index + 2):
        empty = all(_is_empty(cell) for cell in row)
        if ended or empty:
            ended = True
            footer += not empty
            continue
        data.append((offset, {name: row[pos] if pos < len(row) else None for pos, name in columns}))
    return SheetRows(layout, data, tuple(drift), tuple(present_sensitive), footer)


def _sheet_by_name(workbook) -> dict[str, object]:
    return {header_token(name): workbook[name] for name in workbook.sheetnames}


def _too_large(field: str | None, detail: str) -> WorkbookRejected:
    return WorkbookRejected(FILE_TOO_LARGE, field, detail)


def check_package(path: Path, limits: WorkbookLimits) -> None:
    """Refuse, before openpyxl inflates anything, a zip whose parts are too many, too large once inflated,
    compressed beyond any real workbook (a zip bomb), damaged, or holding a tag too long to parse."""
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
            if not part.filename.startswith("xl/worksheets/") and part.file_size > limits.part_bytes:
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
        for part in parts:
            if part.filename.endswith((".xml", ".rels")):
                _check_markup(package, part, limits.markup_bytes)


def _check_markup(package: zipfile.ZipFile, part: zipfile.ZipInfo, block_bytes: int) -> None:
    """Refuse an XML part with a whole block of `block_bytes` and no `<` in it: a tag or a text of at
    least that length (any run of twice that length fills a block). XML parsers hold a start tag with all
    its attributes before anyone sees it, and a real workbook comes nowhere near: a cell holds at most
    32,767 characters. Inflating every part also finds a damaged one (bad CRC) before openpyxl does."""
    try:
        with package.open(part) as stream:
            while block := stream.read(block_bytes):
                if len(block) == block_bytes and b"<" not in block:
                    raise WorkbookRejected(
                        UNREADABLE_FILE,
                        part.filename,
                        f"Thành phần {part.filename} có một thẻ hoặc đoạn văn bản dài hơn {block_bytes} byte",
                    )
    except WorkbookRejected:
        raise
    except Exception as exc:  # untrusted input: a damaged or encrypted part
        text = f"Không đọc được thành phần {part.filename}: {type(exc).__name__}"
        raise WorkbookRejected(UNREADABLE_FILE, part.filename, text) from None


def _capped_rows(sheet, name: str, limits: WorkbookLimits) -> Iterator[tuple]:
    """A read-only sheet's rows, as wide as their last cell (the declared dimension, which a file may set
    to A1:XFD1048576 over three rows, is ignored) and at most `limits.columns` wide; more than
    `limits.rows` rows reject the file."""
    sheet.reset_dimensions()
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > limits.rows:
            raise _too_large(name, f"Trang {name} có hơn {limits.rows} dòng")
        yield row[: limits.columns]


def read_workbook(
    path: Path,
    layouts: Iterable[SheetLayout],
    sensitive: frozenset[str],
    limits: WorkbookLimits = WorkbookLimits(),
) -> list[SheetRows]:
    """Every required sheet's rows; `WorkbookRejected` for an unreadable or oversized file, a missing
    sheet or column."""
    check_package(path, limits)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # untrusted input: whatever the zip or XML layer raises, the file is unreadable
        raise WorkbookRejected(
            UNREADABLE_FILE, None, f"Không mở được tệp Excel: {type(exc).__name__}"
        ) from None
    try:
        sheets = _sheet_by_name(workbook)
        result = []
        for layout in layouts:
            sheet = sheets.get(header_token(layout.name))
            if sheet is None:
                raise WorkbookRejected("missing_sheet", layout.name, f"Thiếu trang tính {layout.name}")
            try:
                result.append(read_sheet(_capped_rows(sheet, layout.name, limits), layout, sensitive))
            except WorkbookRejected:
                raise
            except Exception as exc:  # a damaged sheet part inside a valid zip
                text = f"Không đọc được trang {layout.name}: {type(exc).__name__}"
                raise WorkbookRejected(UNREADABLE_FILE, layout.name, text) from None
        return result
    finally:
        workbook.close()
