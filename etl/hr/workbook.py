"""Reading an HR export: openpyxl read-only with cached values, header found by its text (sources.md §5.2).

Nothing in the file is evaluated or followed: formulas give their cached value, links are not kept. Cells of
sensitive columns (§1.9 class S) are never read into a record; only the column's presence is reported.
"""

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from openpyxl import load_workbook

from etl.hr.layout import SheetLayout, header_token

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10


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
    """The data rows of one sheet's cell values (rows of tuples, as openpyxl's ``values``)."""
    rows = list(values)
    header_index = _find_header(rows, layout)
    if header_index is None:
        missing = _missing_headers(rows, layout)
        raise WorkbookRejected(
            "missing_column",
            f"{layout.name}.{missing[0]}",
            f"Trang {layout.name} thiếu cột bắt buộc: {', '.join(missing)}",
        )
    known = layout.field_by_header()
    columns: list[tuple[int, str]] = []
    drift: list[str] = []
    present_sensitive: list[str] = []
    for position, cell in enumerate(rows[header_index]):
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
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        empty = all(_is_empty(cell) for cell in row)
        if ended or empty:
            ended = True
            footer += not empty
            continue
        data.append((offset, {name: row[pos] if pos < len(row) else None for pos, name in columns}))
    return SheetRows(layout, data, tuple(drift), tuple(present_sensitive), footer)


def _sheet_by_name(workbook) -> dict[str, object]:
    return {header_token(name): workbook[name] for name in workbook.sheetnames}


def read_workbook(path: Path, layouts: Iterable[SheetLayout], sensitive: frozenset[str]) -> list[SheetRows]:
    """Every required sheet's rows; `WorkbookRejected` for an unreadable file, a missing sheet or column."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # untrusted input: whatever the zip or XML layer raises, the file is unreadable
        raise WorkbookRejected(
            "unreadable_file", None, f"Không mở được tệp Excel: {type(exc).__name__}"
        ) from None
    try:
        sheets = _sheet_by_name(workbook)
        result = []
        for layout in layouts:
            sheet = sheets.get(header_token(layout.name))
            if sheet is None:
                raise WorkbookRejected("missing_sheet", layout.name, f"Thiếu trang tính {layout.name}")
            try:
                values = list(sheet.values)
            except Exception as exc:  # a damaged sheet part inside a valid zip
                text = f"Không đọc được trang {layout.name}: {type(exc).__name__}"
                raise WorkbookRejected("unreadable_file", layout.name, text) from None
            result.append(read_sheet(values, layout, sensitive))
        return result
    finally:
        workbook.close()
