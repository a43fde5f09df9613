"""Provinces as data (issue 16; the shared interface of PROVINCES_SPEC): the deployment file's validation, a
province's settings, the resources of a province's run, and the Dagster definitions with and without the
file. Expected values are those the spec states (database `<central>_<code>`, DuckDB under
data/provinces/CODE/, partitions province × year, one schedule and sensor per province)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.dagster_run import DagsterRun

from assets.cli import main
from assets.provinces import (
    SECRET_VARIABLES,
    ProvincesFile,
    ProvincesFileError,
    load_provinces,
    province_settings,
)
from assets.resources import build_resources, province_resources

DEPLOYMENT = {
    "warehouse_url_variable": "CENTRAL_URL",
    "provinces": [
        {
            "code": "K07",
            "name": "Tỉnh K07",
            "agencies": "agencies/K07.csv",
            "catalogue": "template-so@2026.1",
            "ecabinet_owner": "K07.01",
            "sources": {"dvc_url": "http://127.0.0.1:8101/dvc", "hr_dir": "data/K07/hr"},
            "secrets": {"PARINDEX_DVC_CLIENT_ID": "K07_DVC_ID", "PARINDEX_PSEUDONYM_KEY": "K07_KEY"},
        },
        {"code": "T12", "name": "Tỉnh T12"},
    ],
}


def write(tmp_path, content) -> str:
    path = tmp_path / "provinces.yaml"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def deployment_with(**changes) -> dict:
    first = {**DEPLOYMENT["provinces"][0], **changes}
    return {**DEPLOYMENT, "provinces": [first, DEPLOYMENT["provinces"][1]]}


@pytest.mark.parametrize(
    ("content", "named"),
    [
        # The error names the file's province (by position and code) and the field.
        (
            deployment_with(secrets={"PARINDEX_DVC_TOKEN": "X"}),
            ["provinces[0] (K07).secrets", "PARINDEX_DVC_TOKEN"],
        ),
        (deployment_with(sources={"dvc": "http://x"}), ["provinces[0] (K07).sources.dvc"]),
        (deployment_with(code="k7"), ["provinces[0] (k7).code"]),
        (deployment_with(secrets={"PARINDEX_QLVB_API_KEY": "not a name"}), ["PARINDEX_QLVB_API_KEY"]),
        (
            {**DEPLOYMENT, "provinces": [DEPLOYMENT["provinces"][1]] * 2},
            ["provinces", "T12", "more than once"],
        ),
        ({"provinces": []}, ["provinces"]),
        ("provinces: [", ["cannot read"]),
    ],
)
def test_invalid_files_are_refused_naming_province_and_field(tmp_path, content, named):
    path = write(tmp_path, content)
    with pytest.raises(ProvincesFileError) as error:
        load_provinces(path)
    message = str(error.value)
    assert "PARINDEX_PROVINCES_FILE" in message and path in message
    for text in named:
        assert text in message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ProvincesFileError, match="cannot read .*absent.yaml"):
        load_provinces(tmp_path / "absent.yaml")


def test_a_province_run_takes_the_settings_of_its_entry():
    deployment = ProvincesFile.model_validate(DEPLOYMENT)
    environ = {
        "CENTRAL_URL": "postgresql+psycopg://parindex:pw@db.example:5432/central",
        "K07_DVC_ID": "client-k07",
        "K07_KEY": "key-k07",
        "PARINDEX_EXPORT_DIR": "out",
    }
    settings = province_settings(deployment, "K07", environ)
    assert settings.environment(environ) == {
        # The spec: the database <central db>_<code lower> on the central server.
        "PARINDEX_WAREHOUSE_URL": "postgresql+psycopg://parindex:pw@db.example:5432/central_k07",
        "PARINDEX_DVC_URL": "http://127.0.0.1:8101/dvc",
        "PARINDEX_HR_DIR": "data/K07/hr",
        # Sources the entry does not name are unset, whatever the environment says.
        "PARINDEX_QLVB_URL": None,
        "PARINDEX_ECABINET_URL": None,
        "PARINDEX_EDXML_DIR": None,
        "PARINDEX_EXPORT_DIR": os.path.join("out", "K07"),
        "PARINDEX_AGENCY_TABLE": "agencies/K07.csv",
        "PARINDEX_CATALOGUE": "template-so@2026.1",
        "PARINDEX_ECABINET_OWNER": "K07.01",
        "PARINDEX_DVC_CLIENT_ID": "client-k07",
        "PARINDEX_PSEUDONYM_KEY": "key-k07",
    }
    # Not PostgreSQL: the province's own DuckDB file.
    other = province_settings(deployment, "T12", {})
    assert other.values["PARINDEX_WAREHOUSE_URL"] == "duckdb:///data/provinces/T12/warehouse.duckdb"
    # What its entry does not give is unset (the built-in defaults), whatever the environment says.
    assert other.environment({"PARINDEX_AGENCY_TABLE": "agencies/K07.csv"})["PARINDEX_AGENCY_TABLE"] is None
    assert other.values["PARINDEX_CATALOGUE"] is None and other.values["PARINDEX_ECABINET_OWNER"] is None
    assert "CENTRAL_URL" not in repr(settings) and "pw" not in repr(settings)
    # The central PostgreSQL warehouse its run publishes into (the variable's value, captured before a run
    # sets PARINDEX_WAREHOUSE_URL to the province's own), given to the warehouse resource with the code; none
    # for a province on DuckDB.
    assert settings.central_url == environ["CENTRAL_URL"]
    warehouse = build_resources(province=settings)["warehouse"]
    assert (warehouse.central_url, warehouse.province) == (environ["CENTRAL_URL"], "K07")
    assert other.central_url is None and build_resources(province=other)["warehouse"].central_url is None


def test_a_missing_secret_variable_names_province_and_variable():
    deployment = ProvincesFile.model_validate(DEPLOYMENT)
    settings = province_settings(deployment, "K07", {})
    with pytest.raises(ProvincesFileError, match="province K07: the variable K07_DVC_ID is not set"):
        settings.environment({"K07_KEY": "k"})


def test_an_unknown_code_is_named():
    deployment = ProvincesFile.model_validate(DEPLOYMENT)
    with pytest.raises(ProvincesFileError, match="--province X99: no such province .*K07, T12"):
        deployment.province("X99")


def test_the_resources_of_a_run_are_those_of_its_province(monkeypatch):
    monkeypatch.setenv("K07_DVC_ID", "client-k07")
    monkeypatch.setenv("K07_KEY", "key-k07")
    monkeypatch.delenv("CENTRAL_URL", raising=False)
    monkeypatch.delenv("PARINDEX_CATALOGUE", raising=False)
    resources = province_resources(ProvincesFile.model_validate(DEPLOYMENT))
    # A backfill's run carries only Dagster's partition tags; the province comes from them.
    run = DagsterRun(job_name="assessment_year", tags={"dagster/partition/province": "K07"})
    with dg.build_resources(resources, dagster_run=run) as built:
        assert built.warehouse.url == "duckdb:///data/provinces/K07/warehouse.duckdb"
        assert built.dvc.base_url == "http://127.0.0.1:8101/dvc"
        assert built.dvc.client_id == "client-k07"  # read from the variable the entry names
        assert built.qlvb.base_url is None
        assert built.settings.pseudonym_key == "key-k07"
        assert built.settings.agency_table == "agencies/K07.csv"
        # What is read from the environment below the resources is the province's while its step runs.
        assert os.environ["PARINDEX_CATALOGUE"] == "template-so@2026.1"
    assert "PARINDEX_CATALOGUE" not in os.environ
    run = DagsterRun(job_name="assessment_year", tags={"parindex/province": "T12"})
    with dg.build_resources(resources, dagster_run=run) as built:
        assert built.warehouse.url == "duckdb:///data/provinces/T12/warehouse.duckdb"
        assert built.dvc.base_url is None
    monkeypatch.delenv("K07_DVC_ID")
    run = DagsterRun(job_name="assessment_year", tags={"parindex/province": "K07"})
    with pytest.raises(dg.DagsterResourceFunctionError) as error:
        with dg.build_resources(resources, dagster_run=run):
            pass
    assert "province K07: the variable K07_DVC_ID is not set" in str(error.value.__cause__)


def test_run_province_without_the_file_names_the_variable(monkeypatch, capsys):
    monkeypatch.delenv("PARINDEX_PROVINCES_FILE", raising=False)
    for command in ("run", "export", "report"):
        assert main([command, "--year", "2025", "--province", "H35"]) == 2
        assert "--province H35: PARINDEX_PROVINCES_FILE is not set" in capsys.readouterr().err


# Loaded in a process of its own: the definitions read PARINDEX_PROVINCES_FILE once, when they load.
DESCRIBE = textwrap.dedent(
    """
    import json
    from assets.definitions import defs
    from assets.marts import metric_value
    partitions = metric_value.partitions_def
    print(json.dumps({
        "partitions": type(partitions).__name__,
        "dimensions": [d.name for d in getattr(partitions, "partitions_defs", [])],
        "keys": sorted(str(k) for k in partitions.get_partition_keys())[:3],
        "schedules": sorted(s.name for s in defs.schedules),
        "sensors": sorted(s.name for s in defs.sensors),
    }))
    """
)


def describe_definitions(env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", DESCRIBE], env=env, capture_output=True, text=True, check=True, timeout=300
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_definitions_with_and_without_the_file(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PARINDEX_PROVINCES_FILE"}
    assert describe_definitions(env) == {
        "partitions": "TimeWindowPartitionsDefinition",
        "dimensions": [],
        "keys": ["2024", "2025", "2026"],
        "schedules": ["nightly_assessment_year"],
        "sensors": ["source_folders_sensor"],
    }
    env["PARINDEX_PROVINCES_FILE"] = write(tmp_path, DEPLOYMENT)
    assert describe_definitions(env) == {
        "partitions": "MultiPartitionsDefinition",
        "dimensions": ["province", "year"],
        "keys": ["K07|2024", "K07|2025", "K07|2026"],
        "schedules": ["nightly_assessment_year_k07", "nightly_assessment_year_t12"],
        "sensors": ["source_folders_sensor_k07", "source_folders_sensor_t12"],
    }
    # `parindex run` (and `export`, `report`) with the file: the province is required, and an unknown one is
    # named.
    for command, args, message in (
        ("run", [], "lists the provinces K07, T12: name the one with --province CODE"),
        ("run", ["--province", "X99"], "--province X99: no such province"),
        ("export", [], "lists the provinces K07, T12: name the one with --province CODE"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "assets.cli", command, "--year", "2025", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, done.stderr
        assert message in done.stderr


def test_the_example_file_is_valid():
    example = load_provinces(Path(__file__).parents[2] / "deploy" / "provinces.example.yaml")
    assert example.codes == ["H35", "T12"]
    assert all(set(p.secrets) == set(SECRET_VARIABLES) for p in example.provinces)


# A run of one partition of the Dagster definitions, as a backfill launches it (no tag but the partition's).
RUN_ONE_PARTITION = textwrap.dedent(
    """
    import dagster as dg
    from assets.definitions import defs
    from assets.partitions import partition_key
    job = defs.resolve_implicit_global_asset_job_def()
    step = job.get_subset(asset_selection={dg.AssetKey(["staging", "cfg_agency"])})
    result = step.execute_in_process(
        partition_key=partition_key(2025, "T12"), instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    """
)


def test_a_partition_run_writes_its_own_province_warehouse_only(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARINDEX_")}
    env.update(PARINDEX_PROVINCES_FILE=write(tmp_path, DEPLOYMENT), DAGSTER_HOME=str(tmp_path / "home"))
    env.update(K07_DVC_ID="id", K07_KEY="key")
    done = subprocess.run(
        [sys.executable, "-c", RUN_ONE_PARTITION], env=env, cwd=tmp_path, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # The spec's DuckDB place for a province; no other warehouse file was created.
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.duckdb")) == [
        "data/provinces/T12/warehouse.duckdb"
    ]


def test_a_province_schedule_requests_its_own_partitions_tagged_with_it():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from assets.automation import province_nightly_schedule

    schedule = province_nightly_schedule("K07")
    # In January the year just ended is refreshed too (automation.years_still_changing).
    moment = datetime(2026, 1, 5, 1, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    requests = schedule(dg.build_schedule_context(scheduled_execution_time=moment))
    assert schedule.name == "nightly_assessment_year_k07"
    assert [(r.partition_key, r.tags["parindex/province"], r.run_key) for r in requests] == [
        ("K07|2025", "K07", "K07-2025"),
        ("K07|2026", "K07", "K07-2026"),
    ]


def test_the_own_environment_is_the_process_s_inside_applied_provinces(monkeypatch):
    """A step's resources are set up one inside the other, each applying its province's variables; the
    next reads the central warehouse from the process's own environment, not the province's database (on
    Celery workers this made `<db>_k07_k07`)."""
    from assets.provinces import applied_environment, own_environment

    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", "postgresql+psycopg://host/central")
    monkeypatch.delenv("PARINDEX_HR_DIR", raising=False)
    province = {"PARINDEX_WAREHOUSE_URL": "postgresql+psycopg://host/central_k07", "PARINDEX_HR_DIR": "/hr"}
    with applied_environment(province), applied_environment(province):
        own = own_environment()
        assert os.environ["PARINDEX_WAREHOUSE_URL"].endswith("central_k07")
    assert own["PARINDEX_WAREHOUSE_URL"] == "postgresql+psycopg://host/central"
    assert "PARINDEX_HR_DIR" not in own
