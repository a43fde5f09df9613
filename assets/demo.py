"""`parindex demo`: simulate a province in a background process, run the year into DuckDB, export, stop the
simulator, and say where everything is."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from assets.preflight import UsageError, check_catalogues, check_plan, check_warehouse, check_year
from assets.progress import progress
from assets.settings import warehouse_url
from parindex_facts.defaults import EXPORT_DIR
from reports.writer import report_dir
from simulators.process import SimulatorProcess, new_credentials
from warehouse.dialect import duckdb_file
from warehouse.publish import READ_COPY_NAME

DEMO_DIR = Path("data")
DEMO_KEY_FILE = DEMO_DIR / "demo_pseudonym.key"


def demo_pseudonym_key() -> str:
    """The demo's own key, generated once and kept beside its warehouse so that reruns pseudonymise alike."""
    if os.environ.get("PARINDEX_PSEUDONYM_KEY"):
        return os.environ["PARINDEX_PSEUDONYM_KEY"]
    if not DEMO_KEY_FILE.exists():
        DEMO_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEMO_KEY_FILE.write_text(secrets.token_hex(32), encoding="ascii")
        DEMO_KEY_FILE.chmod(0o600)
        progress(
            f"generated a pseudonymisation key for the demo in {DEMO_KEY_FILE} (never use it in production)"
        )
    return DEMO_KEY_FILE.read_text(encoding="ascii").strip()


def run_demo(year: int, scale: str) -> int:
    from assets.runner import run_year

    started = time.monotonic()
    # What fails without the simulator fails before the minutes it takes to generate a province.
    check_year(year)
    check_warehouse(warehouse_url())
    check_catalogues()
    check_plan()
    credentials = new_credentials("demo")
    os.environ["PARINDEX_PSEUDONYM_KEY"] = demo_pseudonym_key()
    progress(f"starting the {scale} simulator for {year} (generating data)")
    try:
        with SimulatorProcess(scale, year, DEMO_DIR / "sim", credentials) as simulator:
            progress(f"simulator ready on {simulator.base_url} after {simulator.ready_after_s:.0f} s")
            os.environ.update(credentials)
            os.environ.update(simulator.variables)
            outcome = run_year(year)
    except RuntimeError as error:
        raise UsageError(str(error)) from error
    print(
        f"\nparindex demo for {year} ({scale} scale) finished in {time.monotonic() - started:.0f} s"
        f" ({'success' if outcome.success else 'with failures'}).\n"
        + "\n".join(where_outputs_are(year, outcome.success))
        + f"\n  Dagster UI on this run's history:\n"
        f"    DAGSTER_HOME={os.environ['DAGSTER_HOME']} .venv/bin/dagster dev -w workspace.yaml\n"
        f"    then open http://127.0.0.1:3000"
    )
    return outcome.report()


def where_outputs_are(year: int, success: bool) -> list[str]:
    """Where the outputs are: only what this run wrote. A failed run writes no exports and publishes no read
    copy; an earlier run's copy, if there is one, is still there."""
    lines = []
    if success:
        export_dir = Path(os.environ.get("PARINDEX_EXPORT_DIR", EXPORT_DIR)) / str(year)
        lines.append(f"  exports:   {export_dir.resolve()}")
        report = report_dir(export_dir.parent, year) / "index.html"
        if report.exists():
            lines.append(f"  report:    {report.resolve()} (open it in a browser)")
    database_file = duckdb_file(warehouse_url())
    if database_file is None:
        return [*lines, "  warehouse: the PostgreSQL warehouse of PARINDEX_WAREHOUSE_URL"]
    lines.append(f"  warehouse: {Path(database_file).resolve()}")
    read_copy = Path(database_file).with_name(READ_COPY_NAME).resolve()
    if success:
        lines.append(f"  read copy: {read_copy} (analysts open it read-only)")
    elif read_copy.exists():
        lines.append(f"  read copy: {read_copy} (from an earlier run, not replaced by this failed one)")
    return lines
