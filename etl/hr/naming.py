"""Which files of the HR folder are exports, by the naming rule of sources.md §5.1."""

import re
from typing import NamedTuple

# Only the extension matches case-insensitively.
_EXPORT_NAME = re.compile(r"^nhansu_([0-9A-Za-z.]+)_([0-9]{4})(0[1-9]|1[0-2])\.(?i:xlsx)$", re.ASCII)
LOCK_PREFIX = "~$"


class ExportName(NamedTuple):
    agency: str  # MaDonVi as written in the name, in either format (Q5)
    year: int
    month: int

    @property
    def month_text(self) -> str:
        return f"{self.year:04d}{self.month:02d}"


def is_lock_file(name: str) -> bool:
    """Excel's `~$` lock files: skipped and logged, never quarantined (§5.1, Q18)."""
    return name.startswith(LOCK_PREFIX)


def parse_export_name(name: str) -> ExportName | None:
    """The agency code and month of an export name, or None when the name breaks the rule (Q18)."""
    match = _EXPORT_NAME.fullmatch(name)  # `$` alone would accept a name ending in a line break
    if match is None:
        return None
    agency, year, month = match.groups()
    return ExportName(agency, int(year), int(month))
