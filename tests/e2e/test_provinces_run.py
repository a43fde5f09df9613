"""Two provinces from one provinces file (issue 16): two simulators side by side (`parindex simulate
--province`) and `parindex run --province CODE` for each, into its own warehouse.

Ground truth: a single-province run of the same simulator (today's path, `parindex run --year` with the
simulator's variables and agency table, no provinces file); a province's `marts.metric_value` must equal it.
With PARINDEX_TEST_POSTGRES_URL the central warehouse is PostgreSQL (named, as by default, by
PARINDEX_WAREHOUSE_URL, the variable a province's run sets to its own database): each province's rows of the
central `marts.metric_value` must equal its own warehouse's rows, and a rerun of one province must leave the
other's central partition as it was (same table, same rows). Without it the provinces run on DuckDB and
nothing is central.

Cost: four `small` runs at most (one ground truth, two provinces, one incremental rerun on PostgreSQL); the
ground truth is run for one simulator only, the second province being there for the central marts and the
isolation between provinces, which the agency codes and the central comparison check."""

import contextlib
import json
import os
import subprocess
import sys

import pytest

from assets.provinces import province_warehouse_url
from simulators.process import SimulatorProcess, new_credentials
from tests.e2e.pipeline import PSEUDONYM_KEY, central_database, query

YEAR = 2025
PROVINCES = ("K07", "T12")
# The province whose simulator also gets a single-province run (the ground truth), and the one rerun.
GROUND_TRUTH, RERUN = "K07", "K07"
# Metric rows without the columns that differ between runs by design.
METRIC_COLUMNS = "agency_code, year, period_start, period_end, metric_code, numerator, denominator, value"
ADMIN_URL = os.environ.get("PARINDEX_TEST_POSTGRES_URL")


def cli(command: str, args: list[str], env: dict[str, str], cwd) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "assets.cli", command, "--year", str(YEAR), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def metric_rows(url: str) -> list[dict]:
    return query(url, f"SELECT {METRIC_COLUMNS} FROM marts.metric_value ORDER BY {METRIC_COLUMNS}")


def central_rows(url: str, code: str, columns: str = METRIC_COLUMNS) -> list[dict]:
    return query(
        url,
        f"SELECT {columns} FROM marts.metric_value WHERE province_code = '{code}' ORDER BY {METRIC_COLUMNS}",
    )


def central_partition(url: str, code: str) -> int:
    """The table holding province `code`'s rows (a republication replaces it with a new one)."""
    table = f"marts_partitions.metric_value_{code.lower()}"
    return query(url, f"SELECT '{table}'::regclass::oid AS oid")[0]["oid"]


def central_state(url: str, code: str) -> tuple[int, list[dict]]:
    """Province `code`'s partition of the central `marts.metric_value` and all its columns' values."""
    return central_partition(url, code), central_rows(url, code, "*")


@contextlib.contextmanager
def central_warehouse():
    """The central PostgreSQL database and, afterwards, the provinces' databases dropped with it; None
    without a test server."""
    if not ADMIN_URL:
        yield None
        return
    with central_database(ADMIN_URL, PROVINCES) as url:
        yield url


def sources(variables: dict[str, str], every_source: bool) -> dict[str, str]:
    """A province entry's sources. The province compared with a single-province run reads all five; the
    other DVC and QLVB only, enough for its own agencies, its export and the central marts, at a fraction
    of a full run's cost (tests/distributed runs every source of a province through Celery too)."""
    entry = {"dvc_url": variables["PARINDEX_DVC_URL"], "qlvb_url": variables["PARINDEX_QLVB_URL"]}
    if every_source:
        entry.update(
            ecabinet_url=variables["PARINDEX_ECABINET_URL"],
            hr_dir=variables["PARINDEX_HR_DIR"],
            edxml_dir=variables["PARINDEX_EDXML_DIR"],
        )
    return entry


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """What the tests compare, read after each step of: ground truth, both provinces, rerun of one."""
    work = tmp_path_factory.mktemp("provinces")
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PARINDEX_") or name == "PARINDEX_TIMEZONE"
    }
    base.update(PARINDEX_PSEUDONYM_KEY=PSEUDONYM_KEY, DAGSTER_HOME=str(work / "dagster_home"))
    found = {}
    with contextlib.ExitStack() as stack:
        simulators = {
            code: stack.enter_context(
                SimulatorProcess(
                    "small",
                    YEAR,
                    work / f"sim_{code}",
                    new_credentials(code.lower()),
                    extra_args=("--province", code),
                )
            )
            for code in PROVINCES
        }
        central = stack.enter_context(central_warehouse())
        entries, secrets = [], {}
        for code, sim in simulators.items():
            # The province's secrets under variables of its own, which the file names.
            secrets.update({f"{code}_{name}": value for name, value in sim.credentials.items()})
            variables = sim.variables
            entries.append(
                {
                    "code": code,
                    "name": f"Tỉnh {code}",
                    "agencies": str(sim.folder / "agencies.csv"),
                    "ecabinet_owner": f"{code}.01",
                    "sources": sources(variables, every_source=code == GROUND_TRUTH),
                    "secrets": {name: f"{code}_{name}" for name in sim.credentials},
                }
            )
        provinces_file = work / "provinces.yaml"
        provinces_file.write_text(json.dumps({"provinces": entries}), encoding="utf-8")
        env = {**base, **secrets, "PARINDEX_PROVINCES_FILE": str(provinces_file)}
        if central:
            env["PARINDEX_WAREHOUSE_URL"] = central
        for code in PROVINCES:
            cli("run", ["--province", code], env, work)
        # The province's own warehouse: a database beside the central one, else its DuckDB file.
        own = {
            code: province_warehouse_url(central, code)
            if central
            else f"duckdb:///{work / 'data' / 'provinces' / code / 'warehouse.duckdb'}"
            for code in PROVINCES
        }
        found["own"] = {code: metric_rows(url) for code, url in own.items()}
        # The paths it prints are relative to its working folder.
        printed = cli("export", ["--province", "T12"], env, work).splitlines()
        found["export"] = [(work / line).resolve() for line in printed]
        found["exports"] = (work / "exports").resolve()
        if central:
            found["central"] = {code: central_rows(central, code) for code in PROVINCES}
            others = [code for code in PROVINCES if code != RERUN]
            before = {code: central_state(central, code) for code in others}
            rerun_partition = central_partition(central, RERUN)
            cli("run", ["--province", RERUN], env, work)
            found["untouched"] = (before, {code: central_state(central, code) for code in others})
            found["rerun"] = (
                rerun_partition,
                central_partition(central, RERUN),
                metric_rows(own[RERUN]),
                central_rows(central, RERUN),
            )
        sim = simulators[GROUND_TRUTH]
        single = work / "single.duckdb"
        single_env = {
            **base,
            **sim.variables,
            **sim.credentials,
            "PARINDEX_WAREHOUSE_URL": f"duckdb:///{single}",
            "PARINDEX_AGENCY_TABLE": str(sim.folder / "agencies.csv"),
            "PARINDEX_ECABINET_OWNER": f"{GROUND_TRUTH}.01",
            "PARINDEX_EXPORT_DIR": str(work / "single_exports"),
        }
        cli("run", [], single_env, work)
        found["single"] = metric_rows(f"duckdb:///{single}")
    return found


@pytest.mark.parametrize("code", PROVINCES)
def test_a_province_run_writes_its_own_agencies_metrics(runs, code):
    rows = runs["own"][code]
    assert len(rows) > 0
    assert {row["agency_code"].split(".")[0] for row in rows} == {code}


def test_a_province_run_equals_a_single_province_run_of_its_simulator(runs):
    assert len(runs["single"]) > 0
    assert runs["own"][GROUND_TRUTH] == runs["single"]


def test_export_with_a_province_writes_its_folder(runs):
    """`parindex export --province T12` reads T12's warehouse into the folder PROVINCES_SPEC gives it
    (EXPORT_DIR/T12): the paths it prints are there, and its metrics name T12's agencies only."""
    paths = runs["export"]
    assert paths
    assert all(path.is_relative_to(runs["exports"] / "T12") for path in paths)
    text = next(path for path in paths if path.name == "metrics.csv").read_text(encoding="utf-8-sig")
    assert "T12." in text and "K07." not in text


@pytest.mark.skipif(not ADMIN_URL, reason="a central warehouse needs PARINDEX_TEST_POSTGRES_URL")
@pytest.mark.parametrize("code", PROVINCES)
def test_central_marts_hold_each_province_s_own_rows(runs, code):
    assert runs["central"][code] == runs["own"][code]


@pytest.mark.skipif(not ADMIN_URL, reason="a central warehouse needs PARINDEX_TEST_POSTGRES_URL")
def test_a_rerun_replaces_its_own_central_rows_only(runs):
    """The rerun province's partition is a new table holding its warehouse's rows after the rerun; the
    other's is the same table with the same values in every column (run-specific ones included)."""
    before, after = runs["untouched"]
    assert all(rows for _, rows in before.values())
    assert before == after
    partition_before, partition_after, own_rows, central_rows_after = runs["rerun"]
    assert partition_after != partition_before
    assert own_rows and central_rows_after == own_rows
