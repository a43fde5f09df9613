"""Two provinces from one provinces file (issue 16): two simulators side by side (`parindex simulate
--province`), `parindex run --province CODE` for each into its own DuckDB warehouse, and each province's
`marts.metric_value` equal to a single-province run of the same simulator (the ground truth: today's path,
`parindex run --year` with the simulator's variables and agency table, no provinces file)."""

import contextlib
import json
import os
import subprocess
import sys

import pytest

from simulators.process import SimulatorProcess, new_credentials
from tests.e2e.pipeline import PSEUDONYM_KEY, query

YEAR = 2025
PROVINCES = ("K07", "T12")
# Metric rows without the columns that differ between runs by design.
METRIC_COLUMNS = "agency_code, year, period_start, period_end, metric_code, numerator, denominator, value"


def cli_run(args: list[str], env: dict[str, str], cwd) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assets.cli", "run", "--year", str(YEAR), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]


def metric_rows(url: str) -> list[dict]:
    return query(url, f"SELECT {METRIC_COLUMNS} FROM marts.metric_value ORDER BY agency_code, metric_code")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{code: (metric rows of the province run, metric rows of the single-province run)}."""
    work = tmp_path_factory.mktemp("provinces")
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PARINDEX_") or name == "PARINDEX_TIMEZONE"
    }
    base.update(PARINDEX_PSEUDONYM_KEY=PSEUDONYM_KEY, DAGSTER_HOME=str(work / "dagster_home"))
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
                    "sources": {
                        "dvc_url": variables["PARINDEX_DVC_URL"],
                        "qlvb_url": variables["PARINDEX_QLVB_URL"],
                        "ecabinet_url": variables["PARINDEX_ECABINET_URL"],
                        "hr_dir": variables["PARINDEX_HR_DIR"],
                        "edxml_dir": variables["PARINDEX_EDXML_DIR"],
                    },
                    "secrets": {name: f"{code}_{name}" for name in sim.credentials},
                }
            )
        provinces_file = work / "provinces.yaml"
        provinces_file.write_text(json.dumps({"provinces": entries}), encoding="utf-8")
        for code in PROVINCES:
            cli_run(
                ["--province", code],
                {**base, **secrets, "PARINDEX_PROVINCES_FILE": str(provinces_file)},
                work,
            )
        results = {}
        for code, sim in simulators.items():
            single = work / f"single_{code}.duckdb"
            env = {
                **base,
                **sim.variables,
                **sim.credentials,
                "PARINDEX_WAREHOUSE_URL": f"duckdb:///{single}",
                "PARINDEX_AGENCY_TABLE": str(sim.folder / "agencies.csv"),
                "PARINDEX_ECABINET_OWNER": f"{code}.01",
                "PARINDEX_EXPORT_DIR": str(work / f"single_{code}_exports"),
            }
            cli_run([], env, work)
            province_url = f"duckdb:///{work / 'data' / 'provinces' / code / 'warehouse.duckdb'}"
            results[code] = (metric_rows(province_url), metric_rows(f"duckdb:///{single}"))
    return results


@pytest.mark.parametrize("code", PROVINCES)
def test_a_province_run_equals_a_single_province_run_of_its_simulator(runs, code):
    province_rows, single_rows = runs[code]
    assert len(single_rows) > 0
    assert {row["agency_code"].split(".")[0] for row in province_rows} == {code}
    assert province_rows == single_rows
