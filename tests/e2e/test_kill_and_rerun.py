"""A run killed at random points and then rerun ends identical to a clean run (issue 6 §3): no duplicates,
nothing lost, cursors consistent.

One chain in one warehouse and one Dagster instance: `parindex run` as a real process, SIGKILLed (its whole
process group) during an extraction, then during a load, then during scoring, then run to the end. The kill
points are drawn from a seeded `random.Random` (PARINDEX_TEST_KILL_SEED, default 0) against what the run
shows: its progress lines on standard error, and the steps its Dagster event log (SQLite in DAGSTER_HOME)
records as started. The result is compared with the session's clean in-process run (`full_clean_run`)."""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook

from assets.partitions import DEFAULT_TIMEZONE
from simulators import SimulatorServer
from tests.e2e.conftest import FULL_YEAR
from tests.e2e.pipeline import PSEUDONYM_KEY, RUN_SPECIFIC_COLUMNS, query, snapshot
from warehouse.publish import READ_COPY_NAME
from warehouse.schema import LANDING_TARGETS, metadata

SEED = int(os.environ.get("PARINDEX_TEST_KILL_SEED", "0"))
# Generous bounds for a 2-core machine shared with other work; a clean `small` run takes about 45 s.
RUN_TIMEOUT_S = 240
KILL_POINT_TIMEOUT_S = 150

# Progress lines of extraction batches landed before the dossiers (and the edXML folder) are read, so that
# the load kill of the next run still finds those steps with everything to do.
EXTRACTION_LINES = (
    "dvc danh-gia: batch 1",
    "dvc don-vi: batch 1",
    "dvc ngay-nghi: batch 1",
    "dvc phieu-xin-loi: batch 1",
    "dvc pakn: batch 1",
    "dvc thu-tuc: batch 1",
    "qlvb di: batch 1",
    "qlvb den: batch 1",
)
# The load killed: the marts step, which writes every mart table from staging for all of its duration.
# Killing while a staging batch is written is left to chance in run 1 (the next extraction lands soon after
# the line it waits for): an extraction step spends most of its time reading its source.
LOAD_STEP = "marts_models"
# Scoring steps long enough for a kill to land inside: the scores are computed in the first, the
# officers' workbooks written in the second, the read copy published by the last.
SCORING_STEPS = ("marts__criterion_score", "exports__tu_danh_gia", "warehouse__read_copy")
# Kills land this long after the step's start is seen: within the step even on an idle machine (the
# shortest, criterion_score, takes about 0.3 s), whatever the step's duration on a loaded one.
KILL_DELAY_S = (0.02, 0.15)
FINISHED = ("STEP_SUCCESS", "STEP_FAILURE")

# Besides the load metadata every end-to-end comparison drops: when a row was stored and by which batch,
# and the fetch order of a child's parent version (which window of which run fetched it last; that the
# link still holds is checked apart).
DROPPED = RUN_SPECIFIC_COLUMNS | {
    "batch_id",
    "quarantined_at",
    "stored_at",
    "processed_at",
    "_parent_fetch_seq",
}
# Tables compared apart or not at all, and why.
NOT_COMPARED = {
    # Compared below by its own rule: watermarks taken from the clock differ between any two runs.
    "staging.extraction_cursor",
    # Compared below too: how far each raw suite has read is a time of landing.
    "staging.quality_check_progress",
    # One row per check and run id: the killed runs' results stay, as the history of what ran.
    "marts.quality_check_result",
}


class PipelineProcess:
    """`parindex run --year` in its own session (process group), its output collected by a thread."""

    def __init__(self, env: dict[str, str], cwd: Path, dagster_home: Path, log: Path):
        self.dagster_home = dagster_home
        self.log = log
        self.known_runs = set(_run_databases(dagster_home))
        self.started = datetime.now()
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assets.cli", "run", "--year", str(FULL_YEAR)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with self.log.open("w", encoding="utf-8") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                self.lines.append(line.rstrip())
                self._queue.put(line)
        self._queue.put(None)

    def output(self) -> str:
        """The run's last lines; all of them are in its log file."""
        return f"{self.log}:\n" + "\n".join(self.lines[-25:])

    def wait_for_line(self, text: str) -> None:
        deadline = time.monotonic() + KILL_POINT_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail(f"the run ended before printing {text!r}:\n{self.output()}")
            if text in line:
                return
        pytest.fail(f"no {text!r} within {KILL_POINT_TIMEOUT_S} s:\n{self.output()}")

    def run_database(self) -> Path | None:
        new = set(_run_databases(self.dagster_home)) - self.known_runs
        assert len(new) <= 1, new
        return next(iter(new), None)

    def steps(self) -> dict[str, set[str]]:
        """Step key → the step event types the run's event log holds so far."""
        database = self.run_database()
        if database is None:
            return {}
        for _ in range(50):
            try:
                with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
                    rows = conn.execute(
                        "SELECT step_key, dagster_event_type FROM event_logs WHERE step_key IS NOT NULL"
                    ).fetchall()
                break
            except sqlite3.OperationalError:  # the run is writing it
                time.sleep(0.05)
        else:
            pytest.fail(f"cannot read {database}")
        events: dict[str, set[str]] = {}
        for step, event in rows:
            events.setdefault(step, set()).add(event)
        return events

    def wait_for_step(self, step: str) -> None:
        deadline = time.monotonic() + KILL_POINT_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the run ended (code {self.process.returncode}) before {step}:\n{self.output()}")
            if "STEP_START" in self.steps().get(step, set()):
                return
            time.sleep(0.05)
        # A run that never gets there is what a concurrency slot held by a dead run looks like.
        pytest.fail(f"step {step} did not start within {KILL_POINT_TIMEOUT_S} s:\n{self.output()}")

    def kill(self) -> dict[str, set[str]]:
        """SIGKILL to the whole group; returns the step events recorded by then."""
        assert self.process.poll() is None, f"the run ended by itself before the kill:\n{self.output()}"
        os.killpg(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL
        return self.steps()

    def wait(self) -> int:
        try:
            return self.process.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            pytest.fail(f"the run did not end within {RUN_TIMEOUT_S} s:\n{self.output()}")


def _run_databases(dagster_home: Path) -> list[Path]:
    folder = dagster_home / "history" / "runs"
    return [p for p in folder.glob("*.db") if p.name != "index.db"] if folder.exists() else []


def _in_flight(events: dict[str, set[str]]) -> list[str]:
    return sorted(
        step for step, types in events.items() if "STEP_START" in types and not types & set(FINISHED)
    )


def _compared_tables(url: str) -> list[str]:
    rows = query(
        url,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema IN ('staging', 'marts', 'quarantine') ORDER BY 1, 2",
    )
    return [f"{r['table_schema']}.{r['table_name']}" for r in rows]


def _staging_keys() -> dict[str, list[str]]:
    """The declared key of every staging table, from the schema module rather than from the database."""
    return {
        name: [c.name for c in table.primary_key.columns]
        for name, table in metadata.tables.items()
        if name.startswith("staging.") and table.primary_key.columns
    }


_EXPORT_TIME = re.compile(r"\d{2}:\d{2} ngày \d{2}/\d{2}/\d{4}|xuất ngày \d{2}/\d{2}/\d{4}")


def _workbook_cells(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's cell values; the header line that says when the data were taken and exported differs
    between any two runs and is masked (the time, never the rest of the line)."""
    workbook = load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [
                tuple(_EXPORT_TIME.sub("<time>", v) if isinstance(v, str) else v for v in row)
                for row in sheet.iter_rows(values_only=True)
            ]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def test_a_run_killed_at_random_points_then_rerun_ends_like_a_clean_run(full_sim, full_clean_run, tmp_path):
    clean_url, clean_work = full_clean_run
    rng = random.Random(SEED)
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    dagster_home = tmp_path / "dagster_home"
    exports = tmp_path / "exports"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("PARINDEX_")}
    with SimulatorServer(full_sim, port=0, timeout_hold_s=1.5) as server:
        env = {
            **inherited,
            **server.env,
            "PARINDEX_WAREHOUSE_URL": url,
            "PARINDEX_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "PARINDEX_EXPORT_DIR": str(exports),
            "DAGSTER_HOME": str(dagster_home),
        }

        logs = iter(range(1, 5))

        def start() -> PipelineProcess:
            return PipelineProcess(env, tmp_path, dagster_home, tmp_path / f"run{next(logs)}.log")

        # 1. During an extraction: right after a batch landed, before or while its cursor is stored.
        line, delay = rng.choice(EXTRACTION_LINES), rng.uniform(0.0, 0.3)
        print(f"seed {SEED}; run 1 killed {delay:.2f} s after {line!r}")
        run = start()
        run.wait_for_line(line)
        time.sleep(delay)
        print("  in flight:", _in_flight(run.kill()))

        # 2. During a load.
        delay = rng.uniform(*KILL_DELAY_S)
        print(f"run 2 killed {delay:.2f} s after {LOAD_STEP} started")
        run = start()
        run.wait_for_step(LOAD_STEP)
        time.sleep(delay)
        in_flight = _in_flight(run.kill())
        print("  in flight:", in_flight)
        assert in_flight == [LOAD_STEP]

        # 3. During scoring: in one of its steps, after the scores were started.
        step, delay = rng.choice(SCORING_STEPS), rng.uniform(*KILL_DELAY_S)
        print(f"run 3 killed {delay:.2f} s after {step} started")
        run = start()
        run.wait_for_step(step)
        time.sleep(delay)
        events = run.kill()
        print("  in flight:", _in_flight(events))
        assert "STEP_START" in events[SCORING_STEPS[0]]
        assert not events.get("warehouse__read_copy", set()) & set(FINISHED)

        run = start()
        run_started = run.started
        assert run.wait() == 0, run.output()
        run_ended = datetime.now()

    _assert_same_warehouse(clean_url, url)
    _assert_no_duplicate_keys(url)
    _assert_children_have_their_parent(url)
    _assert_cursors_consistent(clean_url, url, run_started, run_ended)
    _assert_every_landed_row_checked(clean_url, url)
    _assert_same_exports(clean_work / "exports", exports)
    _assert_read_copy_published(tmp_path)


def _assert_same_warehouse(clean_url: str, url: str) -> None:
    tables = _compared_tables(clean_url)
    assert tables == _compared_tables(url)
    compared = [t for t in tables if t not in NOT_COMPARED]
    assert {
        "staging.stg_dvc__dossier",
        "staging.stg_qlvb__document",
        "staging.stg_ecabinet__task",
        "staging.stg_hr__staff",
        "marts.metric_value",
        "marts.criterion_score",
    } <= set(compared)
    clean, chained = _snapshot(clean_url, compared), _snapshot(url, compared)
    different = [t for t in compared if not clean[t].equals(chained[t])]
    assert not different, {t: (len(clean[t]), len(chained[t])) for t in different}


def _snapshot(url: str, tables: list[str]) -> dict[str, pd.DataFrame]:
    """`snapshot` without DROPPED; a quarantined record's locator keeps its resource and loses the
    simulator's address and the request's window and page, which depend on the run that read it."""
    frames = snapshot(url, tables, drop=DROPPED)
    for table, frame in frames.items():
        if "locator" in frame.columns:
            frame["locator"] = frame["locator"].map(lambda v: v if v is None else urlsplit(v).path)
            frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frames


def _assert_children_have_their_parent(url: str) -> None:
    """Every entry of a staging row's arrays belongs to the version of its parent that staging holds."""
    links = {
        (child.fullname, target.staging.fullname)
        for target in LANDING_TARGETS.values()
        for child in target.children.values()
    }
    assert ("staging.stg_qlvb__handling", "staging.stg_qlvb__document") in links
    for child, parent in sorted(links):
        orphans = query(
            url,
            f"SELECT count(*) AS n FROM {child} c LEFT JOIN {parent} p "
            "ON p._key = c._parent_key AND p._fetch_seq = c._parent_fetch_seq WHERE p._key IS NULL",
        )
        assert orphans == [{"n": 0}], child


def _assert_no_duplicate_keys(url: str) -> None:
    keys = _staging_keys()
    assert "staging.stg_dvc__dossier" in keys
    for table, columns in keys.items():
        listed = ", ".join(columns)
        duplicates = query(url, f"SELECT {listed}, count(*) AS n FROM {table} GROUP BY {listed} HAVING n > 1")
        assert not duplicates, (table, duplicates[:5])


def _assert_cursors_consistent(clean_url: str, url: str, started: datetime, ended: datetime) -> None:
    """Every source resource has its one cursor, as after the clean run. A watermark is either the newest
    change the source reported (QLVB): equal to the clean run's; or the source's clock when the extraction
    began (DVC, E-CABINET): then the last run took it, so it lies within that run, in local time."""
    sql = "SELECT source, entity, watermark FROM staging.extraction_cursor"
    clean = {(r["source"], r["entity"]): r["watermark"] for r in query(clean_url, sql)}
    chained = {(r["source"], r["entity"]): r["watermark"] for r in query(url, sql)}
    assert chained.keys() == clean.keys()
    tz = _local_zone()
    low = started.astimezone(tz).replace(tzinfo=None, microsecond=0)
    high = ended.astimezone(tz).replace(tzinfo=None)
    for key, watermark in chained.items():
        if watermark != clean[key]:
            assert low <= watermark <= high, (key, watermark, low, high)


def _assert_every_landed_row_checked(clean_url: str, url: str) -> None:
    """The raw suites of the clean run, each having read its table through its newest landed row: rows
    landed by a run killed before its checks are checked by the next one."""
    sql = "SELECT check_name, table_name, checked_through FROM staging.quality_check_progress"
    clean = {r["check_name"] for r in query(clean_url, sql)}
    progress = query(url, sql)
    assert {r["check_name"] for r in progress} == clean
    for row in progress:
        newest = query(url, f"SELECT max(_extracted_at) AS newest FROM {row['table_name']}")[0]["newest"]
        assert row["checked_through"] == newest, row


def _local_zone() -> ZoneInfo:
    # The subprocess runs without PARINDEX_TIMEZONE, as the clean run does: the default zone applies.
    return ZoneInfo(DEFAULT_TIMEZONE)


def _assert_same_exports(clean: Path, chained: Path) -> None:
    def files(root: Path) -> set[Path]:
        return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}

    expected = files(clean)
    assert any(p.suffix == ".xlsx" for p in expected) and Path(str(FULL_YEAR), "metrics.csv") in expected
    # Hidden files count: a write killed between its temporary file and the rename would leave it behind.
    assert files(chained) == expected
    for path in sorted(expected):
        if path.suffix == ".csv":
            assert (clean / path).read_bytes() == (chained / path).read_bytes(), path
        elif path.suffix == ".xlsx":
            assert _workbook_cells(clean / path) == _workbook_cells(chained / path), path
        # The report's pages (bao_cao/) only need to exist: Plotly gives each chart a new element id at every
        # write, and the numbers they show are criterion_score's, compared above through the workbooks.


def test_a_warehouse_survives_a_kill_before_its_first_checkpoint(tmp_path):
    """The schema's creation still in the WAL when the process dies: the next run must open the file. No
    column may have a generated default (DuckDB cannot replay comments on such a table, see schema.column)."""
    database = tmp_path / "warehouse.duckdb"
    script = (
        "import os, sqlalchemy as sa\n"
        "from warehouse.schema import ensure_schema\n"
        f"engine = sa.create_engine('duckdb:///{database}')\n"
        "ensure_schema(engine)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    killed = subprocess.run([sys.executable, "-c", script], timeout=120, capture_output=True, text=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert database.with_name("warehouse.duckdb.wal").exists()
    url = f"duckdb:///{database}"
    defaults = query(
        url, "SELECT table_name, column_name FROM information_schema.columns WHERE column_default IS NOT NULL"
    )
    assert defaults == []
    assert {"staging.stg_dvc__dossier", "marts.metric_period"} <= set(_compared_tables(url))


def _assert_read_copy_published(folder: Path) -> None:
    """The read copy is whole (it opens and holds what the warehouse holds) and no partial copy is left."""
    assert sorted(p.name for p in folder.glob("*warehouse.read*")) == [READ_COPY_NAME]
    tables = ["marts.metric_value", "marts.criterion_score"]
    published = _snapshot(f"duckdb:///{folder / READ_COPY_NAME}", tables)
    written = _snapshot(f"duckdb:///{folder / 'warehouse.duckdb'}", tables)
    for table in tables:
        assert published[table].equals(written[table]), table
