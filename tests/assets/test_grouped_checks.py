"""The suites of the tables one step writes run as one check step (assets/checks.py): each suite still
reports on its own, a failed blocking suite still stops what reads its table, and a failure of one suite
does not hide the others' results."""

import sqlalchemy as sa
from dagster import AssetKey, AssetSpec, Definitions, asset, in_process_executor, multi_asset

from assets.checks import asset_checks
from assets.resources import WarehouseResource
from quality_checks.suite import Suite
from quality_checks.suites.expect import in_set, not_null
from tests.warehouse.conftest import rows

ITEMS = AssetKey(["staging", "test_items"])
NOTES = AssetKey(["staging", "test_notes"])
BLOCKING = Suite(
    name="staging.test_items",
    table="staging.test_items",
    key=("item_id",),
    blocking=True,
    expectations=(in_set("colour", ("red", "blue")),),
)
WARNING = Suite(
    name="staging.test_notes",
    table="staging.test_notes",
    key=("note_id",),
    blocking=False,
    expectations=(not_null("note"),),
)


@multi_asset(specs=[AssetSpec(ITEMS), AssetSpec(NOTES)])
def writer(warehouse: WarehouseResource):
    with warehouse.engine().begin() as conn:
        for sql in (
            "CREATE TABLE staging.test_items (item_id VARCHAR, colour VARCHAR)",
            # b and c are green: the blocking suite fails on them.
            "INSERT INTO staging.test_items VALUES ('a', 'red'), ('b', 'green'), ('c', 'green')",
            "CREATE TABLE staging.test_notes (note_id VARCHAR, note VARCHAR)",
            "INSERT INTO staging.test_notes VALUES ('n1', 'fine')",
        ):
            conn.execute(sa.text(sql))
    warehouse.release()


@asset(deps=[ITEMS])
def reads_items() -> None:
    """Reads the blocking suite's table: it must not run once that suite failed."""


@asset(deps=[NOTES])
def reads_notes() -> None:
    """Reads only the table whose suite passed."""


def test_the_suites_of_one_step_report_apart_and_a_blocking_failure_still_blocks(engine):
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()  # the run opens the DuckDB file itself
    checks = asset_checks([writer], [BLOCKING, WARNING])
    assert len(checks) == 1 and len(list(checks[0].check_keys)) == 2
    defs = Definitions(
        assets=[writer, reads_items, reads_notes],
        asset_checks=checks,
        resources={"warehouse": WarehouseResource(url=url)},
        executor=in_process_executor,
    )

    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(raise_on_error=False)

    evaluations = {e.asset_key.path[-1]: (e.passed, e.blocking) for e in result.get_asset_check_evaluations()}
    assert evaluations == {"test_items": (False, True), "test_notes": (True, False)}
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert reads_items.key not in materialized
    assert reads_notes.key in materialized
    assert not result.success
    kept = rows(
        engine,
        "SELECT check_name, passed, unexpected_count FROM marts.quality_check_result ORDER BY check_name",
    )
    assert kept == [("staging.test_items", False, 2), ("staging.test_notes", True, 0)]
