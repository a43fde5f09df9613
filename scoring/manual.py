"""Manual inputs: the officer's scores for `manual` leaves, one file per agency and year
(`PARINDEX_MANUAL_DIR/Y/AGENCY_CODE.xlsx` or `.csv`, columns `criterion_code, score, evidence, note`, or the
template's Vietnamese headers), and the pre-filled template that `parindex export --manual-template` writes.

The files come from outside: their size is bounded, only cell values are read, the agency code that names a
file cannot leave the folder, and every error names the file, the row and the field."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex_facts.defaults import MANUAL_DIR
from scoring.catalogue import Catalogue
from scoring.scorecard import Agency, ManualEntry
from scoring.xlsx import FONT_NAME, HEADER_FILL, print_a4_landscape, put, save_workbook

MANUAL_DIR_VARIABLE = "PARINDEX_MANUAL_DIR"
EXTERNAL_NODE_ERROR = "tiêu chí do cơ quan có thẩm quyền điều tra, đánh giá; không nhập điểm tự đánh giá"
MANUAL_COLUMNS = ("criterion_code", "score", "evidence", "note")
# `catalogue_id` is optional in a filled file: it tells two catalogues' leaves with the same code apart; a row
# without it applies to the first catalogue of PARINDEX_CATALOGUE (metrics.md §13.7).
TEMPLATE_COLUMNS = ("catalogue_id", "criterion_code", "criterion_name", "max_points", *MANUAL_COLUMNS[1:])
# The template's headers are Vietnamese, for the officer who fills it (issue 13); the reader accepts them and
# the English column names of interface.md §1 alike.
VIETNAMESE_HEADERS = {
    "catalogue_id": "Bộ chỉ số",
    "criterion_code": "Mã tiêu chí",
    "criterion_name": "Tiêu chí",
    "max_points": "Điểm tối đa",
    "score": "Điểm tự đánh giá",
    "evidence": "Tài liệu kiểm chứng",
    "note": "Giải trình",
}
_COLUMN_OF_HEADER = {
    **{name: name for name in VIETNAMESE_HEADERS},
    **{unicodedata.normalize("NFC", text).casefold(): name for name, text in VIETNAMESE_HEADERS.items()},
}
TEMPLATE_WIDTHS = (16, 8, 50, 8, 9, 30, 30)
INPUT_FIRST_COLUMN = 5  # score, evidence and note: the cells the officer fills, tinted
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
LINE_HEIGHT = 14.5
MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 5_000
_AGENCY_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

ManualInputs = dict[str, dict[str, ManualEntry]]  # catalogue id → criterion code → entry


class ManualInputError(ValueError):
    """A manual-input file is invalid; the message lists each problem with its file, row and field."""


def manual_dir(setting: str | None) -> Path:
    """The folder of `setting` (`PARINDEX_MANUAL_DIR` as `assets/` read it), else the default one."""
    return Path(setting or MANUAL_DIR)


def _safe_agency_code(code: str) -> str:
    if not _AGENCY_CODE.match(code):
        raise ManualInputError(f"agency code {code!r} cannot name a manual-input file")
    return code


def input_file(directory: Path, year: int, agency_code: str) -> Path | None:
    """The agency's file for the year: `.xlsx`, else `.csv`, else None. Both at once is an error."""
    folder, name = directory / str(year), _safe_agency_code(agency_code)
    # Not with_suffix: agency codes contain dots (H35.02).
    found = [path for path in (folder / f"{name}.xlsx", folder / f"{name}.csv") if path.is_file()]
    if len(found) > 1:
        raise ManualInputError(f"{found[0]} and {found[1]}: two manual-input files for one agency; keep one")
    return found[0] if found else None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column_name(cell: Any) -> str:
    """The column a header names: its English name, or the template's Vietnamese header."""
    text = unicodedata.normalize("NFC", _cell_text(cell)).casefold()
    return _COLUMN_OF_HEADER.get(text, text)


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        yield from (list(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _csv_rows(path: Path) -> Iterator[list[Any]]:
    yield from csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the officer sees it, cells by column name) for every non-empty data row."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ManualInputError(f"{path}: larger than {MAX_FILE_BYTES} bytes")
    try:
        rows = _xlsx_rows(path) if path.suffix == ".xlsx" else _csv_rows(path)
        header = [_column_name(cell) for cell in next(rows, [])]
        missing = [column for column in MANUAL_COLUMNS if column not in header]
        if missing:
            raise ManualInputError(f"{path}: row 1: missing column(s) {', '.join(missing)}")
        records = []
        for number, cells in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise ManualInputError(f"{path}: more than {MAX_ROWS} rows")
            record = {name: cells[i] if i < len(cells) else None for i, name in enumerate(header) if name}
            if any(_cell_text(value) for value in record.values()):
                records.append((number, record))
        return records
    except (OSError, UnicodeDecodeError, csv.Error, KeyError, ValueError) as error:
        if isinstance(error, ManualInputError):
            raise
        raise ManualInputError(f"{path}: not a readable {path.suffix} file: {error}") from None


def _score(value: Any) -> Decimal:
    text = _cell_text(value).replace(",", ".")
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {_cell_text(value)!r}") from None
    if not score.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return score


def parse_entries(
    path: Path, rows: Iterable[tuple[int, dict[str, Any]]], catalogues: Sequence[Catalogue]
) -> ManualInputs:
    """Entries for the manual leaves of `catalogues`; rows without a score are not entries (still missing)."""
    by_id = {catalogue.id: catalogue for catalogue in catalogues}
    entries: ManualInputs = {catalogue.id: {} for catalogue in catalogues}
    errors = []
    for number, record in rows:

        def fail(field: str, what: str, number: int = number) -> None:
            errors.append(f"{path}: row {number}, field {field}: {what}")

        code = _cell_text(record.get("criterion_code"))
        if not _cell_text(record.get("score")):
            continue
        if not code:
            fail("criterion_code", "empty")
            continue
        wanted = _cell_text(record.get("catalogue_id"))
        if wanted and wanted not in by_id:
            fail("catalogue_id", f"catalogue {wanted!r} is not in use (in use: {', '.join(by_id)})")
            continue
        # metrics.md §13.7: a row without catalogue_id applies to the first catalogue in use only.
        candidates = [by_id[wanted]] if wanted else list(catalogues[:1])
        targets = [c for c in candidates if (node := c.node(code)) is not None and node.takes_manual_input]
        if not targets:
            if any((node := c.node(code)) is not None and node.is_external for c in candidates):
                # metrics.md §9.5: the competent authority scores the survey areas, never the agency.
                fail("criterion_code", f"{code}: {EXTERNAL_NODE_ERROR}")
            else:
                fail(
                    "criterion_code",
                    f"{code!r} is not a manual criterion of {', '.join(c.id for c in candidates)}",
                )
            continue
        try:
            score = _score(record.get("score"))
        except ValueError as error:
            fail("score", str(error))
            continue
        if score.as_tuple().exponent < -2:
            fail("score", f"{score} has more than 2 decimals")
            continue
        evidence = _cell_text(record.get("evidence")) or None
        note = _cell_text(record.get("note")) or None
        if evidence is None and any(not c.node(code).is_manual for c in targets):
            fail(
                "evidence",
                f"{code} is computed when the data allow: a score entered for it needs its evidence",
            )
            continue
        for catalogue in targets:
            maximum = catalogue.node(code).max_points
            if score < 0 or score > maximum:
                fail("score", f"{score} is outside 0..{maximum}, the maximum of {code} in {catalogue.id}")
            elif code in entries[catalogue.id]:
                fail("criterion_code", f"{code} of {catalogue.id} entered twice")
            else:
                entries[catalogue.id][code] = ManualEntry(score, evidence, note)
    if errors:
        raise ManualInputError("\n".join(errors))
    return entries


def load_manual_inputs(
    directory: Path, year: int, agency_code: str, catalogues: Sequence[Catalogue]
) -> ManualInputs:
    """The agency's entries for the year; empty when it has no file yet."""
    path = input_file(directory, year, agency_code)
    if path is None:
        return {catalogue.id: {} for catalogue in catalogues}
    return parse_entries(path, read_rows(path), catalogues)


def template_path(directory: Path, year: int, agency_code: str) -> Path:
    return directory / str(year) / f"{_safe_agency_code(agency_code)}.xlsx"


def _lines(text: str, width: float) -> int:
    return max(1, -(-len(text) // max(1, int(width))))


def _instructions(workbook: Workbook, agency: Agency, year: int) -> None:
    guide = workbook.create_sheet("Hướng dẫn")
    lines = (
        f"Tệp nhập liệu thủ công năm {year} của {agency.name or agency.code} ({agency.code}).",
        "1. Nhập điểm tự đánh giá vào cột “Điểm tự đánh giá” (từ 0 đến điểm tối đa, tối đa 2 chữ số thập "
        "phân; dấu phẩy hoặc dấu chấm đều được).",
        "2. Cột “Tài liệu kiểm chứng”: số/ký hiệu; ngày ban hành; trích yếu của văn bản làm căn cứ.",
        "3. Cột “Giải trình”: lý do của điểm tự đánh giá.",
        "4. Dòng để trống cột “Điểm tự đánh giá” được coi là chưa chấm. Không đổi tên, thứ tự các cột ở "
        "dòng 1 và không sửa cột “Bộ chỉ số”, “Mã tiêu chí”.",
        "5. Lưu tệp với tên như cũ; điểm được tính ở lần chạy tiếp theo.",
    )
    for number, line in enumerate(lines, start=1):
        cell = guide.cell(number, 1, line)
        cell.font = Font(name=FONT_NAME, bold=number == 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[number].height = LINE_HEIGHT * _lines(line, 120 * 1.2) + 3
    guide.column_dimensions["A"].width = 120  # wider, LibreOffice cuts a centred column at the left
    print_a4_landscape(guide)


def write_template(path: Path, agency: Agency, year: int, catalogues: Sequence[Catalogue]) -> int:
    """A manual-input workbook for the agency: one row per manual leaf (or computed leaf with `fallback:
    manual`) of each catalogue covering its unit type, with codes, Vietnamese names and maxima, and empty
    score, evidence and note, under Vietnamese headers; printable on A4 landscape. Never overwrites an
    officer's file. Returns the number of rows."""
    if path.exists():
        raise FileExistsError(f"{path} exists: an officer may have filled it; move it away to regenerate")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhập liệu"
    for column, name in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = put(sheet, 1, column, VIETNAMESE_HEADERS[name])
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = LINE_HEIGHT * 2 + 3
    count = 0
    for catalogue in catalogues:
        if not catalogue.applies_to(agency.unit_type):
            continue
        for leaf in catalogue.leaves():
            if not leaf.takes_manual_input or agency.unit_type in leaf.not_applicable_for:
                continue
            row = sheet.max_row + 1
            for column, value in enumerate((catalogue.id, leaf.code, leaf.name), start=1):
                put(sheet, row, column, value)
            sheet.cell(row, 4, float(leaf.max_points)).number_format = "0.00"
            sheet.cell(row, 2).number_format = "@"
            sheet.row_dimensions[row].height = LINE_HEIGHT * _lines(leaf.name, TEMPLATE_WIDTHS[2] * 1.25) + 3
            check = DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2=str(leaf.max_points),
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Điểm không hợp lệ",
                error=f"Điểm của tiêu chí {leaf.code} phải từ 0 đến {leaf.max_points}.",
            )
            sheet.add_data_validation(check)
            check.add(sheet.cell(row, 5))
            count += 1
    for row in sheet.iter_rows(min_row=1, max_col=len(TEMPLATE_COLUMNS)):
        for cell in row:
            cell.border = _BORDER
            if cell.row == 1:
                continue
            cell.font = Font(name=FONT_NAME)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.column >= INPUT_FIRST_COLUMN:
                cell.fill = INPUT_FILL
    for column, width in enumerate(TEMPLATE_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    print_a4_landscape(sheet, "1:1")
    _instructions(workbook, agency, year)
    save_workbook(workbook, path)
    return count
