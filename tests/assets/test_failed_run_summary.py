"""A failed `parindex run` leaves the last good state visible and says what failed in a few lines: the
failed step, the cause in one line, what to change and the log file that holds Dagster's full output
(issue 10). The run fails fast here: DVC refuses the client's secret (sources.md §2.1: 401
invalid_client), which fails its steps without retries. It runs as the console script would, in its own
process, so that everything it prints is seen."""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from simulators import Simulation, SimulatorServer

SECRET = "wrong-secret-not-to-be-printed"
PREVIOUS_COPY = b"the read copy of the last good run"
PROJECT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    work = tmp_path_factory.mktemp("failed_run")
    (work / "warehouse.read.duckdb").write_bytes(PREVIOUS_COPY)
    sim = Simulation(scale="small", year=2025, seed=0)
    with SimulatorServer(sim, port=0) as server:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PARINDEX_")}
        env.update({name: value for name, value in server.env.items() if name.startswith("PARINDEX_DVC_")})
        env.update(
            PARINDEX_DVC_CLIENT_SECRET=SECRET,
            PARINDEX_WAREHOUSE_URL=f"duckdb:///{work / 'warehouse.duckdb'}",
            PARINDEX_PSEUDONYM_KEY="test-key-not-secret",
            PARINDEX_EXPORT_DIR=str(work / "exports"),
            DAGSTER_HOME=str(work / "dagster_home"),
            PYTHONPATH=str(PROJECT),
        )
        done = subprocess.run(
            [sys.executable, "-m", "assets.cli", "run", "--year", "2025"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    return work, done


def test_the_run_exits_1_keeps_the_last_good_read_copy_and_writes_no_exports(failed_run):
    work, done = failed_run
    assert done.returncode == 1, done.stderr
    assert (work / "warehouse.read.duckdb").read_bytes() == PREVIOUS_COPY
    assert not (work / "exports").exists()


def test_the_terminal_gets_the_step_the_cause_what_to_change_and_the_log_file(failed_run):
    work, done = failed_run
    terminal = done.stdout + done.stderr
    summary = terminal[terminal.index("failed; no read copy was published (the last good one stays)") :]
    # Every DVC step that asks for a token fails on it, on one line with the cause they share.
    failed = re.search(r"step failed: (dvc_[a-z_, ]+): (.*)", summary)
    assert "dvc_don_vi" in failed.group(1).split(", ")
    assert failed.group(2).startswith("the DVC token endpoint refused the client (invalid_client): POST http")
    assert "PARINDEX_DVC_CLIENT_ID and PARINDEX_DVC_CLIENT_SECRET" in summary
    assert "what to change: if the source is at fault, check the DVC source: PARINDEX_DVC_URL" in summary
    log_file = Path(re.search(r"details \(Dagster's full output\): (\S+)", summary).group(1))
    assert log_file.parent == work / "dagster_home" / "logs" and log_file.is_file()
    # The assets' own warnings reach the terminal, one line each (interface.md §1: a source whose URL is
    # unset is skipped with a warning).
    assert terminal.count("warning: hr_exports: PARINDEX_HR_DIR is not set") == 1
    # Dagster's error dump is in the log file, not on the terminal.
    assert "Traceback" not in terminal and "STEP_FAILURE" not in terminal
    assert "STEP_FAILURE" in log_file.read_text(encoding="utf-8")
    assert SECRET not in terminal and SECRET not in log_file.read_text(encoding="utf-8")


def test_what_the_run_wrote_is_readable_by_its_user_alone(failed_run):
    work, _ = failed_run
    home = work / "dagster_home"
    written = [work / "warehouse.duckdb", *home.rglob("*")]
    assert any(path.suffix == ".db" for path in written)  # Dagster's SQLite run storage
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in [home, *written]}
    assert {path: mode for path, mode in modes.items() if mode & 0o077} == {}
