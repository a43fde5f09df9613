"""Writes one HR export as `.xlsx` bytes (sources.md §5.2–5.3) with its agency's layout (Q14) and the row
quirks Q2, Q3, Q4, Q13 and Q15, and returns the manifest entries of what it altered.

Manifest keys of rows are `file|sheet|row` with the Excel row number (1-based), the locator the pipeline
reports; header entries use the header's row.
"""

import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from simulators.configuration import load
from simulators.hashing import mix
from simulators.hr.sheets import SHEETS
from simulators.hr.staff import SERVING
from simulators.hr.xlsx import column_letter, workbook_bytes
from simulators.textquirks import case_variant, padded

ENUMS = ("TrangThai", "LoaiNhanSu", "GioiTinh", "KetQua", "LoaiHinh", "HinhThuc")
CODES = ("SoHieuCBCCVC", "MaNgach", "TrangThai", "LoaiNhanSu", "SoQuyetDinh")
DATES = ("NgaySinh", "NgayVeDonVi", "NgayTuyenDung", "TuNgay", "NgayQuyetDinh")
# Long headers that a breaking layout splits over two lines.
BREAKABLE = 14


@dataclass(frozen=True)
class Layout:
    """How one agency lays out its exports; the same every month."""

    titles: int  # 1-3 title rows above the header
    orders: dict[str, list[int]]  # per sheet, the configured columns in the agency's order
    broken_headers: bool
    footer: bool


@dataclass
class Variation:
    """Changes of a fault file: a missing sheet, a renamed header, an extra column."""

    missing_sheet: str | None = None
    renamed: dict[str, str] = field(default_factory=dict)  # header text -> new text (CanBo)
    extra_column: str | None = None


def layout_of(seed: int, agency: int) -> Layout:
    columns = load("hr")["sheets"]
    rng = np.random.default_rng([seed, 301, agency])
    orders = {}
    for sheet in SHEETS:
        rest = rng.permutation(np.arange(1, len(columns[sheet]))).tolist()
        orders[sheet] = [0, *rest]
    return Layout(
        titles=int(rng.integers(1, 4)),
        orders=orders,
        broken_headers=bool(rng.random() < 0.5),
        footer=bool(rng.random() < 0.7),
    )


def export_bytes(
    name: str,
    agency_name: str,
    month: date,
    rows: dict[str, list[dict]],
    layout: Layout,
    duplicates: set[int],
    rates: dict[str, float],
    seed: int,
    variation: Variation | None = None,
) -> tuple[bytes, list[dict]]:
    config = load("hr")
    variation = variation or Variation()
    salt = mix(seed, zlib.crc32(name.encode()))
    sheets = []
    entries = []
    for sheet_number, sheet in enumerate(SHEETS):
        if sheet == variation.missing_sheet:
            continue
        columns = [config["sheets"][sheet][i] for i in layout.orders[sheet]]
        headers = [variation.renamed.get(text, text) for text, _ in columns]
        fields = [field_name for _, field_name in columns]
        if sheet == "CanBo" and variation.extra_column:
            headers.append(variation.extra_column)
            fields.append("_extra")
        table, merged = [], []
        width = column_letter(len(headers))
        titles = [config["titles"][sheet], agency_name.upper(), f"Tháng {month.month:02d} năm {month.year}"]
        for line, text in enumerate(titles[: layout.titles], start=1):
            table.append([text])
            merged.append(f"A{line}:{width}{line}")
        header_row = layout.titles + 1
        shown = [
            _break(text) if layout.broken_headers and len(text) > BREAKABLE else text for text in headers
        ]
        header_salt = mix(salt, sheet_number, 0)
        if header_salt % 10_000 < rates["Q3"] * 10_000:
            position = header_salt // 10_000 % len(shown)
            shown[position] = padded(shown[position], header_salt)
            entries.append(_entry(name, sheet, header_row, headers[position], "Q3"))
        table.append(shown)
        for position, row in enumerate(rows[sheet]):
            number = header_row + 1 + position
            values = dict(row)
            values["_extra"] = None
            altered = []
            if sheet == "CanBo" and position in duplicates:
                values["TrangThai"], values["NgayThayDoiTrangThai"] = SERVING, None
                altered.append(("TrangThai", "Q15"))
            row_salt = mix(salt, sheet_number, number)
            if sheet == "DanhGia" and row_salt % 5 == 0:
                # The contract accepts the full text; one row in five carries it (§5.8).
                code = values["MucXepLoai"]
                values["MucXepLoai"] = next(r[1] for r in config["ratings"] if r[0] == code)
            cells = [position + 1 if f is None else values.get(f) for f in fields]
            altered += _row_quirks(cells, fields, row_salt, rates)
            table.append(cells)
            entries.extend(_entry(name, sheet, number, f, quirk) for f, quirk in altered)
        if layout.footer:
            table.append([])
            table.extend([None, text] for text in config["footer"])
        sheets.append((sheet, table, merged))
    return workbook_bytes(sheets, datetime(month.year, month.month, 1)), entries


def _row_quirks(cells: list, fields: list, salt: int, rates: dict[str, float]) -> list[tuple[str, str]]:
    altered = []

    def chosen(quirk: int, rate: float) -> bool:
        return mix(salt, quirk) % 100_000 < rate * 100_000

    if chosen(13, rates["Q13"]):
        altered += _coerce(cells, fields, salt)
    if chosen(3, rates["Q3"]):
        candidates = [
            i for i, f in enumerate(fields) if f in CODES and isinstance(cells[i], str) and cells[i]
        ]
        if candidates:
            i = candidates[salt % len(candidates)]
            cells[i] = padded(cells[i], salt) if salt % 3 else cells[i].replace(" ", "\u00a0", 1) + "\n"
            altered.append((fields[i], "Q3"))
    if chosen(4, rates["Q4"]):
        candidates = [
            i for i, f in enumerate(fields) if f in ENUMS and isinstance(cells[i], str) and cells[i]
        ]
        if candidates:
            i = candidates[salt % len(candidates)]
            variant = case_variant(cells[i])
            if variant:
                cells[i] = variant
                altered.append((fields[i], "Q4"))
    if chosen(2, rates["Q2"]):
        for i, value in enumerate(cells):
            if isinstance(value, str) and unicodedata.normalize("NFD", value) != value:
                cells[i] = unicodedata.normalize("NFD", value)
                altered.append((fields[i], "Q2"))
    return altered


def _coerce(cells: list, fields: list, salt: int) -> list[tuple[str, str]]:
    """One Excel coercion of Q13: an ID or rank code as a number, a date as text, an integer as a float."""
    index = {f: i for i, f in enumerate(fields)}
    options = []
    if "SoDinhDanhCaNhan" in index and str(cells[index["SoDinhDanhCaNhan"]] or "").startswith("0"):
        options.append(("SoDinhDanhCaNhan", lambda v: int(v)))
    if "MaNgach" in index and str(cells[index["MaNgach"]] or "").startswith("01."):
        options.append(("MaNgach", lambda v: float(v)))
    for name in DATES:
        if name in index and isinstance(cells[index[name]], date):
            pattern = "%d/%m/%Y" if salt % 2 else "{d}/{m}/%Y"
            options.append(
                (
                    name,
                    lambda v, p=pattern: (
                        v.strftime(p).replace("{d}", str(v.day)).replace("{m}", str(v.month))
                    ),
                )
            )
            break
    for name in ("Nam", "ThoiHanThang"):
        if name in index and isinstance(cells[index[name]], int):
            options.append((name, lambda v: float(v)))
    if not options:
        return []
    name, convert = options[salt // 7 % len(options)]
    cells[index[name]] = convert(cells[index[name]])
    return [(name, "Q13")]


def _break(text: str) -> str:
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1 :]


def _entry(name: str, sheet: str, row: int, field_name: str, quirk: str) -> dict:
    return {
        "source": "hr",
        "entity": sheet,
        "key": f"{name}|{sheet}|{row}",
        "field": field_name,
        "quirk": quirk,
    }
