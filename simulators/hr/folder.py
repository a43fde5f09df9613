"""The HR export folder (sources.md §5.1, §6, Q5/Q14/Q18): which files exist as of a moment, stray files,
fault files, and writing them atomically.

Manifest keys: `file|sheet|row` for row and header quirks (see workbook.py); the file name alone for
file-level quirks (Q5 in the name, Q14 layout, Q18 stray files).
"""

import math
import os
import shutil
import zlib
from datetime import date, datetime
from pathlib import Path

from simulators.clock import to_seconds
from simulators.dvc.agencies import Agency
from simulators.hashing import mix
from simulators.hr.sheets import duplicate_rows, export_rows
from simulators.hr.staff import Staff, month_end
from simulators.hr.workbook import Variation, export_bytes, layout_of

STRAYS = ("lock", "copy", "xls")
FAULTS = ("xlsx_corrupt", "hr_missing_sheet", "hr_missing_column", "schema_drift")


class HrFolder:
    def __init__(self, staff: Staff, agencies: list[Agency], rates: dict[str, float], seed: int, year: int):
        self.staff = staff
        self.agencies = agencies
        self.rates = rates
        self.seed = seed
        self.year = year
        self._entries: dict[str, list[dict]] = {}

    def present(self, moment: int) -> list[tuple[int, int, str]]:
        """(agency, month index, file name) of every export whose month end is not after the moment."""
        files = []
        for month, first in enumerate(self.staff.months):
            end = month_end(first)
            if to_seconds(datetime(end.year, end.month, end.day, 23, 59, 59)) > moment:
                continue
            files.extend((agency, month, self.name(agency, first)) for agency in self.staff.holders)
        return files

    def name(self, agency: int, first: date) -> str:
        unit = self.agencies[agency]
        old = mix(self.seed, agency, first.year * 100 + first.month, 51) % 10_000 < self.rates["Q5"] * 10_000
        return f"nhansu_{unit.old_code if old else unit.code}_{first.year}{first.month:02d}.xlsx"

    def content(self, agency: int, month: int, variation: Variation | None = None) -> bytes:
        first = self.staff.months[month]
        name = self.name(agency, first)
        data, entries = export_bytes(
            name,
            self.agencies[agency].name,
            first,
            export_rows(self.staff, agency, month),
            layout_of(self.seed, agency),
            duplicate_rows(self.staff, agency, month),
            self.rates,
            self.seed,
            variation,
        )
        if variation is None:
            file_level = [("layout", "Q14")]
            if not name.startswith(f"nhansu_{self.agencies[agency].code}_"):
                file_level.append(("MaDonVi", "Q5"))
            entries += [
                {"source": "hr", "entity": "file", "key": name, "field": field, "quirk": quirk}
                for field, quirk in file_level
            ]
            self._entries[name] = entries
        return data

    def truth(self, moment: int) -> list[dict]:
        """The clean rows of every export present: one dict per file with the agency, month and sheets."""
        return [
            {
                "file": name,
                "agency": self.agencies[agency].code,
                "month": f"{self.staff.months[month]:%Y%m}",
                **export_rows(self.staff, agency, month),
            }
            for agency, month, name in self.present(moment)
        ]

    def latest(self, moment: int) -> dict[str, dict]:
        """The clean rows of each agency's latest export present: {agency code: {sheet: rows}}."""
        months: dict[int, int] = {}
        for agency, month, _ in self.present(moment):
            months[agency] = max(month, months.get(agency, month))
        return {self.agencies[a].code: export_rows(self.staff, a, m) for a, m in sorted(months.items())}

    def manifest(self, moment: int) -> list[dict]:
        entries = []
        for agency, month, name in self.present(moment):
            if name not in self._entries:
                self.content(agency, month)
            entries += self._entries[name]
        return entries + [
            {"source": "hr", "entity": "file", "key": name, "field": "file", "quirk": "Q18"}
            for name, _ in self.strays(moment)
        ]

    def strays(self, moment: int) -> list[tuple[str, bytes]]:
        """Q18: about one stray file per 200 exports, and at least one of each kind."""
        present = self.present(moment)
        if not present or self.rates["Q18"] <= 0:
            return []
        count = max(len(STRAYS), math.ceil(self.rates["Q18"] * len(present)))
        files = []
        for position in range(count):
            agency, month, name = present[mix(self.seed, position, 61) % len(present)]
            kind = STRAYS[position % len(STRAYS)]
            if kind == "lock":
                files.append(("~$" + name, b"\x0bparindex-sim" + b"\x00" * 150))
            elif kind == "copy":
                files.append((name.removesuffix(".xlsx") + " (1).xlsx", self.content(agency, month)))
            else:
                files.append((name.removesuffix("x"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504))
        return files

    def fault_files(self, moment: int, rate: float) -> list[tuple[str, bytes]]:
        """⌊rate × N⌋ extra files in months outside the period, at least one of each kind (sources.md §6)."""
        present = self.present(moment)
        if rate <= 0 or not present:
            return []
        count = max(int(rate * len(present)), len(FAULTS))
        files = []
        for position in range(count):
            kind = FAULTS[position % len(FAULTS)]
            agency = self.staff.holders[position % len(self.staff.holders)]
            outside = date(self.year - 3, position // len(self.staff.holders) % 12 + 1, 1)
            name = self.name(agency, outside)
            if kind == "xlsx_corrupt":
                data = b"PK\x03\x04" + bytes(mix(self.seed, position, i) % 256 for i in range(400))
            else:
                variation = {
                    "hr_missing_sheet": Variation(missing_sheet="DanhGia"),
                    "hr_missing_column": Variation(renamed={"Trạng thái": "Tình trạng"}),
                    "schema_drift": Variation(extra_column="Ghi chú"),
                }[kind]
                data = self.content(agency, 0, variation)
            files.append((name, data))
        return files

    def write(self, folder: Path, moment: int, fault_rate: float) -> list[str]:
        """Writes the exports, strays and fault files not yet there; a file appears whole (written beside
        the folder, then renamed into it), so a reader never sees a partial or temporary file."""
        folder.mkdir(parents=True, exist_ok=True)
        staging = folder.parent / f".{folder.name}.partial"
        staging.mkdir(exist_ok=True)
        written = []
        exports = [
            (name, lambda a=agency, m=month: self.content(a, m))
            for agency, month, name in self.present(moment)
        ]
        others = [
            (name, lambda data=data: data)
            for name, data in self.strays(moment) + self.fault_files(moment, fault_rate)
        ]
        for name, produce in exports + others:
            target = folder / name
            if target.exists():
                continue
            partial = staging / f"{zlib.crc32(name.encode()):08x}.tmp"
            partial.write_bytes(produce())
            os.replace(partial, target)
            written.append(name)
        shutil.rmtree(staging, ignore_errors=True)
        return written
