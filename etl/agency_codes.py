"""Agency codes in either format (sources.md §8, Q5) resolved to the canonical ``MaDinhDanh``."""

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from etl.text import clean_code

DEFAULT_CONFIG = Path(__file__).parent / "reference" / "agencies.csv"
CODE_FIELD = "MaDinhDanh"
OLD_CODE_FIELD = "MaDinhDanhCu"


def load_agency_config(path: str | Path | None = None) -> list[dict[str, str]]:
    """The configured agency table: one dict per row, with the column names of ``don-vi`` (§2.5)."""
    with open(path or DEFAULT_CONFIG, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class AgencyResolver:
    """Maps a new-format code or an old-format alias to ``MaDinhDanh``; codes match case-insensitively."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]] = ()):
        self._lookup: dict[str, str] = {}
        for code, old_code in pairs:
            self._add(code, old_code)

    def _add(self, code: object, old_code: object) -> None:
        if not isinstance(code, str) or not code.strip():
            return
        canonical = clean_code(code)
        self._lookup[canonical.casefold()] = canonical
        if isinstance(old_code, str) and old_code.strip():
            self._lookup[clean_code(old_code).casefold()] = canonical

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[Mapping[str, object]],
        code_field: str = CODE_FIELD,
        old_code_field: str = OLD_CODE_FIELD,
    ) -> "AgencyResolver":
        """From configuration or ``don-vi`` rows (or staging rows, naming their columns)."""
        return cls((row.get(code_field), row.get(old_code_field)) for row in rows)

    def extended(self, rows: Iterable[Mapping[str, object]]) -> "AgencyResolver":
        """A copy that also knows ``rows`` (``don-vi`` field names)."""
        copy = AgencyResolver()
        copy._lookup = dict(self._lookup)
        for row in rows:
            copy._add(row.get(CODE_FIELD), row.get(OLD_CODE_FIELD))
        return copy

    def resolve(self, value: str) -> str | None:
        """The canonical code, or None when the value is unknown in both formats (``unknown_agency``)."""
        return self._lookup.get(clean_code(value).casefold())

    def __len__(self) -> int:
        return len(set(self._lookup.values()))


_COMPARED = {"MaDinhDanhCu": "mã cũ", "LoaiDonVi": "loại đơn vị", "MaDonViCha": "đơn vị cha"}


def table_mismatches(
    configured: Iterable[Mapping[str, object]], served: Iterable[Mapping[str, object]]
) -> list[str]:
    """Differences between the configured agency table and ``don-vi`` (§8), one Vietnamese line each."""

    def by_code(rows: Iterable[Mapping[str, object]]) -> dict[str, Mapping[str, object]]:
        return {clean_code(str(row[CODE_FIELD])): row for row in rows if row.get(CODE_FIELD)}

    def text(row: Mapping[str, object], name: str) -> str:
        value = row.get(name)
        return clean_code(str(value)) if value not in (None, "") else ""

    config, source = by_code(configured), by_code(served)
    lines = [
        f"Đơn vị {code} có trong don-vi nhưng không có trong cấu hình"
        for code in sorted(source.keys() - config)
    ]
    lines += [
        f"Đơn vị {code} có trong cấu hình nhưng không có trong don-vi"
        for code in sorted(config.keys() - source)
    ]
    for code in sorted(config.keys() & source.keys()):
        for name, label in _COMPARED.items():
            if text(config[code], name) != text(source[code], name):
                lines.append(
                    f"Đơn vị {code}: {label} ({name}) khác nhau: cấu hình '{text(config[code], name)}', "
                    f"don-vi '{text(source[code], name)}'"
                )
    return lines
