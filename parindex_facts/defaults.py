"""Default values of the `PARINDEX_*` settings (contracts/interface.md §1).

`assets/` reads the environment once and falls back to these; the layers below take the values as
arguments and use these only as the defaults of their parameters."""

from datetime import date

# PARINDEX_TIMEZONE: the sources' local time, in which every timestamp of the warehouse is stored
# (docs/layers.md §1).
TIMEZONE = "Asia/Ho_Chi_Minh"

# PARINDEX_WAREHOUSE_URL: a DuckDB file under the working directory's data/.
WAREHOUSE_URL = "duckdb:///data/warehouse.duckdb"

# PARINDEX_CATALOGUE: the shipped criteria catalogue scored when none is named.
CATALOGUE = "template-so@2026.2,qd766@2026"

# PARINDEX_MANUAL_DIR: the folder of the officer's manual-input workbooks.
MANUAL_DIR = "manual"

# PARINDEX_EXPORT_DIR: where the exports are written.
EXPORT_DIR = "exports"

# PARINDEX_HR_BASELINE_YEAR: the year whose December HR export is the staffing baseline (metrics.md §4).
HR_BASELINE_YEAR = 2025


def extract_start(year: int, source: str | None = None) -> date:
    """Where the first incremental extraction for assessment year `year` starts when PARINDEX_EXTRACT_START
    is not set (sources.md §1.8): 1 December of the year before; for QLVB 1 July of the year before, so that
    plans issued in the autumn are seen (interface.md §1, metrics.md §7.5)."""
    return date(year - 1, 7, 1) if source == "qlvb" else date(year - 1, 12, 1)
