"""A run frees the DuckDB file between its steps: the `warehouse` pool hands the next step to whichever run
claims it, and a file still held by the run that released the pool would fail that step on the lock
(issue 10). Checked from a second process, as another run would open it."""

import subprocess
import sys

from dagster import DagsterInstance, MaterializeResult, asset, materialize

from assets.resources import WarehouseResource, releases_warehouse

OPEN_FILE = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"


@asset(pool="warehouse")
@releases_warehouse
def writes_the_warehouse(warehouse: WarehouseResource) -> None:
    with warehouse.engine().begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS marts.probe AS SELECT 1 AS one")


@asset(pool="warehouse")
@releases_warehouse
def yields_after_writing(warehouse: WarehouseResource):
    with warehouse.engine().begin() as conn:
        conn.exec_driver_sql("INSERT INTO marts.probe VALUES (2)")
    yield MaterializeResult()


def test_the_file_is_free_for_another_process_once_a_step_of_the_run_ends(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    opened_from_outside: list[int] = []

    @asset(deps=[writes_the_warehouse, yields_after_writing])
    def another_process_opens_the_file() -> None:
        # Runs in this run, after both warehouse steps, with the run's resources still set up.
        done = subprocess.run([sys.executable, "-c", OPEN_FILE, str(path)], capture_output=True, text=True)
        opened_from_outside.append(done.returncode)
        assert done.returncode == 0, done.stderr

    result = materialize(
        [writes_the_warehouse, yields_after_writing, another_process_opens_the_file],
        resources={"warehouse": WarehouseResource(url=f"duckdb:///{path}")},
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    assert opened_from_outside == [0]
