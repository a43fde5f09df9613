"""A province's run through Dagster's Celery executor (PARINDEX_EXECUTOR=celery) on two worker processes,
into a PostgreSQL warehouse, scores exactly as the in-process run of the same simulator (the verified
single-machine path, which is the ground truth here): same `metric_value`, same `criterion_score`.

The provinces are a list, each run as one job run, so that more provinces (each with its own simulator and
warehouse) are added here, not in a second test."""

import pandas as pd
import pytest
from dagster import DagsterRunStatus

from simulators import Simulation, SimulatorServer
from tests.distributed.cluster import ProvinceRun
from tests.e2e.pipeline import PSEUDONYM_KEY, postgres_database, run_against, snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.celery]

YEAR = 2025
# The tables the index is read from; run-specific columns (computed_at, batch ids) are dropped by snapshot.
COMPARED = ("marts.metric_value", "marts.criterion_score")
WORKERS = 2


def test_a_province_on_celery_workers_scores_as_the_in_process_run(deployment, postgres_admin_url, tmp_path):
    sim = Simulation(scale="small", year=YEAR, seed=0)
    sim.write_files(tmp_path / "hr", tmp_path / "edxml")
    with (
        postgres_database(postgres_admin_url) as in_process_url,
        postgres_database(postgres_admin_url) as celery_url,
        SimulatorServer(sim, port=0) as server,
    ):
        settings = {
            **server.env,
            "PARINDEX_WAREHOUSE_URL": celery_url,
            "PARINDEX_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "PARINDEX_EXPORT_DIR": str(tmp_path / "celery" / "exports"),
        }
        provinces = [ProvinceRun("one province", settings, {"dagster/partition": str(YEAR)})]
        deployment.start_workers(WORKERS, settings)
        launches = [deployment.launch(province) for province in provinces]
        # The in-process run meanwhile: the Celery run waits on its workers and its one-second ticks more
        # than it computes, so the two together take little more than the Celery run alone.
        outcome = run_against(sim, in_process_url, tmp_path / "in_process")
        assert outcome.success, outcome.failed_steps + outcome.failed_checks
        results = [deployment.wait(launch) for launch in launches]

        for result in results:
            assert result.run.status == DagsterRunStatus.SUCCESS, f"{result.label}:\n{result.output[-4000:]}"
            # Every step ran in a worker, none in the process that orchestrated the run, and both workers
            # took steps (the extractions of the five sources are ready together).
            assert result.run_pids and not result.run_pids & result.step_pids
            assert len(result.step_pids) == WORKERS, result.step_pids
            expected = snapshot(in_process_url, tables=COMPARED)
            actual = snapshot(celery_url, tables=COMPARED)
            for table in COMPARED:
                assert len(expected[table]) > 0, f"the in-process run wrote no {table}"
                pd.testing.assert_frame_equal(actual[table], expected[table], obj=f"{result.label}: {table}")
