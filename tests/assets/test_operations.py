"""What the data team sees in Dagster (issue 5, operations): every asset described, grouped, with kinds
and an owner; retries on the extraction assets (dvc_orphans only reads the warehouse); one run per year
in a backfill; the nightly schedule and the folder sensor loaded, launching the year's job, off by default."""

from pathlib import Path

from dagster import AssetSelection

from assets.definitions import defs
from assets.read_copy import READ_COPY_KEY
from assets.sources import EXTRACTION_ASSETS
from warehouse import models

YEARLY = {
    "marts/metric_value",
    "marts/criterion_score",
    "exports/metrics_csv",
    "exports/scorecard_csv",
    "exports/tu_danh_gia",
    "exports/xep_hang",
    "exports/bao_cao",
}


def _nodes():
    graph = defs.resolve_asset_graph()
    return {key.to_user_string(): graph.get(key) for key in graph.get_all_asset_keys()}


def test_every_asset_has_a_description_a_group_kinds_and_an_owner():
    gaps = [
        name
        for name, node in _nodes().items()
        if not (node.description and node.group_name != "default" and node.kinds and node.owners)
    ]
    assert gaps == []


def test_the_extraction_assets_retry_and_a_backfill_runs_one_run_per_year():
    without_retries = [
        definition.node_def.name
        for definition in EXTRACTION_ASSETS
        if definition.node_def.retry_policy is None and definition.node_def.name != "dvc_orphans"
    ]
    assert without_retries == []
    yearly = {name: node for name, node in _nodes().items() if node.partitions_def is not None}
    assert set(yearly) == YEARLY
    assert {node.backfill_policy.max_partitions_per_run for node in yearly.values()} == {1}


def test_the_schedule_and_the_folder_sensor_launch_the_assessment_year_and_are_off_until_turned_on():
    automation = [*defs.schedules, *defs.sensors]
    assert {item.name for item in automation} == {"nightly_assessment_year", "source_folders_sensor"}
    assert {item.job_name for item in automation} == {"assessment_year"}
    assert {item.default_status.value for item in automation} == {"STOPPED"}


def test_every_step_of_the_graph_checks_included_is_in_the_warehouse_pool():
    job = defs.resolve_implicit_global_asset_job_def()
    assert {node.name: node.pool for node in job.graph.node_defs if node.pool != "warehouse"} == {}


def test_every_step_that_takes_the_warehouse_closes_it_when_it_ends():
    # The in-process executor keeps resources for the whole run; `releases_warehouse` frees the DuckDB file
    # for the run that gets the pool next (tests/assets/test_warehouse_release.py shows why).
    job = defs.resolve_implicit_global_asset_job_def()
    taking = [node for node in job.graph.node_defs if "warehouse" in node.required_resource_keys]
    assert taking
    assert [node.name for node in taking if not hasattr(node.compute_fn.decorated_fn, "__wrapped__")] == []


def test_the_read_copy_is_published_after_every_other_asset_of_a_run():
    graph = defs.resolve_asset_graph()
    others = {key for key in graph.get_all_asset_keys() if key != READ_COPY_KEY}
    upstream = AssetSelection.assets(READ_COPY_KEY).upstream(include_self=False).resolve(graph)
    assert upstream == others


def test_the_read_copy_hangs_in_its_own_group_from_the_assets_nothing_else_reads():
    # Issue 11: edges from all the others covered every group's graph in the UI. Its parents are the assets
    # that are no other asset's parent, found here from the graph rather than from the asset definitions.
    graph = defs.resolve_asset_graph()
    nodes = [graph.get(key) for key in graph.get_all_asset_keys() if key != READ_COPY_KEY]
    terminal = {node.key for node in nodes if node.child_keys <= {READ_COPY_KEY}}
    assert {key.to_user_string() for key in terminal} == {
        "exports/metrics_csv",
        "exports/scorecard_csv",
        "exports/tu_danh_gia",
        "exports/xep_hang",
        "exports/bao_cao",
    }
    assert graph.get(READ_COPY_KEY).parent_keys == terminal
    assert graph.get(READ_COPY_KEY).group_name == "read_copy"


def test_runs_launched_from_dagster_run_their_steps_in_one_process():
    assert defs.resolve_implicit_global_asset_job_def().executor_def.name == "in_process"
    assert defs.resolve_job_def("assessment_year").executor_def.name == "in_process"


def test_the_assessment_year_job_runs_the_whole_graph_for_one_year():
    job = defs.resolve_job_def("assessment_year")
    graph_keys = defs.resolve_asset_graph().get_all_asset_keys()
    assert job.partitions_def.get_partition_keys()[:2] == ["2024", "2025"]
    assert set(job.asset_layer.executable_asset_keys) == set(graph_keys)


def test_every_mart_is_described_by_the_grain_its_sql_file_states():
    # The first line of each model file is its grain comment (docs/layers.md); it must open the description
    # of the mart, and no description may name a metric that is not one (the old generator's `fct.document`).
    nodes = _nodes()
    for path in sorted(Path(models.__file__).with_name("models").glob("*.sql")):
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("-- grain: "), path.name
        description = nodes[f"marts/{path.stem}"].description
        assert description.startswith(first_line.removeprefix("-- ")), path.name
        assert "Drill-down of metric" not in description
