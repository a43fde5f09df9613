"""What every workbook parindex writes shares: a font with Vietnamese glyphs, the header fill, and an atomic
save (a reader never opens half a file)."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from warehouse.atomic import temporary_beside

# Times New Roman is the font of Vietnamese administrative documents (Nghị định 30/2020); LibreOffice
# substitutes the metric-compatible Liberation Serif, which has the Vietnamese glyphs too.
FONT_NAME = "Times New Roman"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def save_workbook(workbook: Workbook, path: Path) -> Path:
    tmp_name = temporary_beside(path, suffix=".xlsx")
    try:
        workbook.save(tmp_name)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path
