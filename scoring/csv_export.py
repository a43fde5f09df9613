"""CSV files of interface.md §3: UTF-8 with a byte-order mark, comma-separated, one header row,
`.` as decimal separator, empty field for null."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from parindex_facts.files import temporary_beside
from scoring.exported_file import move_into_place
from scoring.scorecard import SCORECARD_COLUMNS, SCORECARD_DECIMALS

METRICS_COLUMNS = (
    "agency_code",
    "year",
    "period_start",
    "period_end",
    "metric_code",
    "numerator",
    "denominator",
    "value",
)

_FOUR_PLACES = Decimal("0.0001")
# OWASP's CSV-injection rule: a field starting with one of these is read as a formula by spreadsheets, so it
# is written with a leading apostrophe (a source text is data, never a command; issue 10).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def format_cell(value: object, decimals: int | None = None) -> str:
    """One CSV field: null is empty, dates ISO, decimals fixed-point with `.`, text never a formula."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from a pandas null
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if decimals is not None:
        quantum = Decimal(1).scaleb(-decimals)
        return str(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return neutralise_text(value)
    return str(value)


def write_csv(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, object]],
    decimals: Mapping[str, int] | None = None,
) -> int:
    """Writes atomically (temporary file, then rename) so a reader never sees half a file."""
    decimals = decimals or {}
    count = 0
    tmp_name = temporary_beside(path)
    try:
        with open(tmp_name, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([format_cell(row.get(c), decimals.get(c)) for c in columns])
                count += 1
        move_into_place(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return count


_INTEGER_COLUMNS = ("numerator", "denominator", "risk_down", "gain_up", "fix_up")


def _counts_as_integers(row: Mapping[str, object]) -> dict[str, object]:
    out = dict(row)
    for column in _INTEGER_COLUMNS:
        value = out.get(column)
        if value is not None and not (isinstance(value, float) and value != value):
            out[column] = int(value)
    return out


def write_metrics_csv(path: Path, rows: Iterable[Mapping[str, object]]) -> int:
    """`metrics.csv`: one row per agency, metric and period; counts as integers, value with 4 decimals."""
    return write_csv(path, METRICS_COLUMNS, (_counts_as_integers(r) for r in rows), decimals={"value": 4})


def write_scorecard_csv(path: Path, rows: Iterable[Mapping[str, object]]) -> int:
    """`scorecard.csv`: points with 2 decimals, the metric value (the index on `TONG`) with 4."""
    return write_csv(
        path, SCORECARD_COLUMNS, (_counts_as_integers(r) for r in rows), decimals=SCORECARD_DECIMALS
    )
