"""Three provinces of one provinces file through Dagster's Celery executor (PARINDEX_EXECUTOR=celery) on two
worker processes, into a central PostgreSQL warehouse (issue 16, "Done when", first bullet).

Each province has its own simulator (`parindex simulate --province CODE`), its secrets in variables of its
own that the file names, and its run is the job `assessment_year` for its partition province × year; the
three runs are launched before any is waited for, so that the two workers take steps of all three.

Ground truth: a single-province run of the same simulator, `parindex run --year` with the simulator's
variables and no provinces file (today's verified path), into a database of its own. Each province's
`metric_value` and `criterion_score`, in its own database and in its rows of the central marts, must equal
it. Then one province is rerun through the workers: the other two provinces' central partitions (same table,
same `xmin`, same values in every column) and their own databases must be as before.

Cost: the first province reads all five sources (every step of the pipeline runs on a worker); the other two
read DVC and QLVB only, which is enough for metric values, criterion scores, central partitions and the
isolation between provinces, and makes their runs and their ground truths cheaper. The ground-truth runs are
made while the Celery runs wait on their workers; the rerun is of a two-source province."""

import contextlib
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import DagsterRunStatus

from assets.partitions import partition_key
from assets.provinces import SOURCE_VARIABLES, province_warehouse_url
from simulators.process import SimulatorProcess, new_credentials
from tests.distributed.cluster import ProvinceRun
from tests.e2e.pipeline import (
    PSEUDONYM_KEY,
    RUN_SPECIFIC_COLUMNS,
    central_database,
    postgres_database,
    query,
)

pytestmark = [pytest.mark.postgres, pytest.mark.celery]

YEAR = 2025
WORKERS = 2
# Province code and the `sources` keys of its entry: the first reads every source, the others two.
PROVINCES = {
    "K07": ("dvc_url", "qlvb_url", "ecabinet_url", "hr_dir", "edxml_dir"),
    "T12": ("dvc_url", "qlvb_url"),
    "N20": ("dvc_url", "qlvb_url"),
}
RERUN = "T12"
# The tables the index is read from.
COMPARED = ("marts.metric_value", "marts.criterion_score")
# The simulator's secret variables each source needs (the single-province run is given these only).
SOURCE_SECRETS = {
    "dvc_url": ("PARINDEX_DVC_CLIENT_ID", "PARINDEX_DVC_CLIENT_SECRET"),
    "qlvb_url": ("PARINDEX_QLVB_API_KEY",),
    "ecabinet_url": ("PARINDEX_ECABINET_USER", "PARINDEX_ECABINET_PASSWORD"),
    "hr_dir": (),
    "edxml_dir": (),
}


def rows(url: str, table: str, province: str | None = None) -> pd.DataFrame:
    """The table's rows (those of `province` in a central table, without `province_code`) in a stable order,
    without the columns that differ between runs by design."""
    where = f" WHERE province_code = '{province}'" if province else ""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            frame = pd.read_sql(sa.text(f"SELECT * FROM {table}{where}"), conn)
    finally:
        engine.dispose()
    frame = frame.drop(columns=[c for c in frame.columns if c in RUN_SPECIFIC_COLUMNS | {"province_code"}])
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def stored_state(url: str, tables: list[str]) -> dict[str, tuple]:
    """Each table's identity (its oid) and every row as stored, with its `xmin` (the transaction that wrote
    it): a table that is replaced, or a row that is rewritten, even with equal values, shows here."""
    state = {}
    for table in tables:
        oid = query(url, f"SELECT '{table}'::regclass::oid AS oid")[0]["oid"]
        stored = query(url, f"SELECT xmin::text AS row_xmin, * FROM {table}")
        state[table] = (oid, sorted(stored, key=lambda row: json.dumps(row, sort_keys=True, default=str)))
    return state


def central_partitions(code: str) -> list[str]:
    return [f"marts_partitions.{table.split('.')[1]}_{code.lower()}" for table in COMPARED]


def single_province_run(
    code: str, sim: SimulatorProcess, sources: tuple[str, ...], url: str, work
) -> subprocess.Popen:
    """`parindex run --year` of the simulator as one province, no provinces file, reading `sources` only."""
    variables = {SOURCE_VARIABLES[key]: sim.variables[SOURCE_VARIABLES[key]] for key in sources}
    secrets = {name: sim.credentials[name] for key in sources for name in SOURCE_SECRETS[key]}
    env = {
        **{
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PARINDEX_", "DAGSTER_"))
        },
        **variables,
        **secrets,
        "PARINDEX_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "PARINDEX_WAREHOUSE_URL": url,
        "PARINDEX_AGENCY_TABLE": str(sim.folder / "agencies.csv"),
        "PARINDEX_ECABINET_OWNER": f"{code}.01",
        "PARINDEX_EXPORT_DIR": str(work / "exports"),
        "DAGSTER_HOME": str(work / "dagster_home"),
    }
    work.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "assets.cli", "run", "--year", str(YEAR)],
        env=env,
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def province_tags(code: str) -> dict[str, str]:
    """The tags Dagster gives a run of the partition province × year: the key `K07|2025` and one tag per
    dimension (the workers' resources read the province from `dagster/partition/province`)."""
    key = partition_key(YEAR, code)
    return {
        "dagster/partition": str(key),
        **{f"dagster/partition/{dimension}": value for dimension, value in key.keys_by_dimension.items()},
    }


def test_three_provinces_on_two_celery_workers_score_as_single_province_runs(
    deployment, postgres_admin_url, tmp_path
):
    with contextlib.ExitStack() as stack:
        simulators = {
            code: stack.enter_context(
                SimulatorProcess(
                    "small",
                    YEAR,
                    tmp_path / code,
                    new_credentials(code.lower()),
                    extra_args=("--province", code),
                )
            )
            for code in PROVINCES
        }
        central = stack.enter_context(central_database(postgres_admin_url, PROVINCES))
        truths = {code: stack.enter_context(postgres_database(postgres_admin_url)) for code in PROVINCES}

        entries, secrets = [], {}
        for code, sources in PROVINCES.items():
            sim = simulators[code]
            # Each province's secrets under variables of its own, which the file names.
            needed = [name for key in sources for name in SOURCE_SECRETS[key]]
            secrets.update({f"{code}_{name}": sim.credentials[name] for name in needed})
            entries.append(
                {
                    "code": code,
                    "name": f"Tỉnh {code}",
                    "agencies": str(sim.folder / "agencies.csv"),
                    "ecabinet_owner": f"{code}.01",
                    "sources": {key: sim.variables[SOURCE_VARIABLES[key]] for key in sources},
                    "secrets": {name: f"{code}_{name}" for name in needed},
                }
            )
        provinces_file = tmp_path / "provinces.yaml"
        provinces_file.write_text(json.dumps({"provinces": entries}), encoding="utf-8")
        # The workers and the runs' processes: the file, the secrets it names, the central warehouse.
        settings = {
            **secrets,
            "PARINDEX_PROVINCES_FILE": str(provinces_file),
            "PARINDEX_WAREHOUSE_URL": central,
            "PARINDEX_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "PARINDEX_EXPORT_DIR": str(tmp_path / "celery_exports"),
        }
        runs = {code: ProvinceRun(code, settings, province_tags(code)) for code in PROVINCES}
        deployment.start_workers(WORKERS, settings)
        launches = [deployment.launch(run) for run in runs.values()]

        # The ground truths meanwhile, one at a time (the two cores are the workers' too).
        for code, sources in PROVINCES.items():
            single = single_province_run(
                code, simulators[code], sources, truths[code], tmp_path / f"single_{code}"
            )
            output, _ = single.communicate(timeout=1800)
            assert single.returncode == 0, f"{code}, single-province run:\n{output[-3000:]}"
        results = [deployment.wait(launch) for launch in launches]

        for result in results:
            assert result.run.status == DagsterRunStatus.SUCCESS, f"{result.label}:\n{result.output[-4000:]}"
            assert result.run.tags["dagster/partition"] == f"{result.label}|{YEAR}"
            # Every step ran in a worker, none in the process that orchestrated the run.
            assert result.run_pids and not result.run_pids & result.step_pids, result.label
        # Both workers took steps (three runs' steps were queued together), and no other process did.
        assert len(set().union(*(result.step_pids for result in results))) == WORKERS

        own = {code: province_warehouse_url(central, code) for code in PROVINCES}
        for code in PROVINCES:
            for table in COMPARED:
                expected = rows(truths[code], table)
                assert len(expected) > 0, f"{code}: the single-province run wrote no {table}"
                agencies = {agency.split(".")[0] for agency in expected["agency_code"]}
                assert agencies == {code}, f"{code}: the simulator's agencies are {agencies}"
                pd.testing.assert_frame_equal(rows(own[code], table), expected, obj=f"{code}: own {table}")
                pd.testing.assert_frame_equal(
                    rows(central, table, code), expected, obj=f"{code}: central {table}"
                )

        # A province's rerun through the workers: the others' central partitions and databases stay as
        # they were; the rerun province's partitions are new tables holding its rows again.
        others = [code for code in PROVINCES if code != RERUN]
        before = {
            code: (stored_state(central, central_partitions(code)), stored_state(own[code], list(COMPARED)))
            for code in others
        }
        rerun_before = stored_state(central, central_partitions(RERUN))
        rerun = deployment.wait(deployment.launch(runs[RERUN]))
        assert rerun.run.status == DagsterRunStatus.SUCCESS, rerun.output[-4000:]
        after = {
            code: (stored_state(central, central_partitions(code)), stored_state(own[code], list(COMPARED)))
            for code in others
        }
        for code in others:
            assert all(rows_ for _, rows_ in before[code][0].values()), f"{code}: no central rows"
            assert after[code] == before[code], f"{code} changed when {RERUN} was rerun"
        rerun_after = stored_state(central, central_partitions(RERUN))
        for table in central_partitions(RERUN):
            assert rerun_after[table][0] != rerun_before[table][0], f"{table} was not republished"
        for table in COMPARED:
            pd.testing.assert_frame_equal(
                rows(central, table, RERUN), rows(truths[RERUN], table), obj=f"{RERUN} rerun: {table}"
            )
