"""Rendering the officer's files with LibreOffice and reading the PDF back with poppler, for the tests that
print them (tests/scoring/test_rendering.py, tests/e2e/test_officer_files.py)."""

import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

RENDER_TOOLS = ("soffice", "pdfinfo", "pdftotext")
needs_renderer = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in RENDER_TOOLS),
    reason="LibreOffice (soffice) and poppler-utils (pdfinfo, pdftotext) are needed to render the exports",
)
A4_LANDSCAPE = (842, 595)  # points


def convert(source: Path, target_format: str, out: Path) -> Path:
    """LibreOffice headless with a profile of its own, so that runs beside each other do not collide."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{out / 'lo-profile'}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out / f"{source.stem}.{target_format}"


def pdf_text(pdf: Path) -> tuple[dict[str, str], str]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    fields = {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in info.splitlines())}
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True)
    return fields, text.stdout


def page_size(fields: dict[str, str]) -> tuple[int, int]:
    width, _, height = fields["Page size"].split()[:3]
    return round(float(width)), round(float(height))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shown(cell) -> str:
    """A cell's value as its number format shows it: points with 2 decimals, counts as integers."""
    value = cell.value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.2f}" if cell.number_format == "0.00" else f"{value:g}"
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def missing_texts(xlsx: Path, pdf_text: str) -> list[str]:
    """Every non-empty cell whose text the PDF lacks (a cut or hidden cell). Wrapping breaks lines anywhere,
    so texts are compared without whitespace; percent cells are checked by the caller."""
    printed = squeezed(pdf_text)
    missing = []
    for sheet in load_workbook(xlsx, data_only=True).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value in (None, "") or cell.number_format.endswith("%"):
                    continue
                if squeezed(shown(cell)) not in printed:
                    missing.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return missing
