"""The `parindex` command's exit codes and messages (interface.md §2)."""

import os
import socket
import stat
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assets.cli import main
from assets.preflight import check_catalogues, check_warehouse, manual_file_warnings
from tests.warehouse.conftest import rows, scalar
from warehouse import schema
from warehouse.engine import make_engine


@pytest.fixture(autouse=True)
def keep_umask():
    """`main` sets the umask of the process (assets/file_modes.py); the other tests keep theirs."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


def test_help_exits_zero(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--help"])
    assert exit_.value.code == 0
    assert "--year" in capsys.readouterr().out


def test_a_bad_year_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", "--year", "25"])
    assert exit_.value.code == 2
    assert "four-digit year" in capsys.readouterr().err


def test_run_without_a_pseudonym_key_names_the_variable(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PARINDEX_PSEUDONYM_KEY", raising=False)
    assert main(["run", "--year", "2025"]) == 2
    assert "PARINDEX_PSEUDONYM_KEY" in capsys.readouterr().err


def test_grant_analyst_on_duckdb_is_a_configuration_error(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", f"duckdb:///{tmp_path / 'w.duckdb'}")
    assert main(["grant-analyst", "analyst"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_the_console_script_loads_the_definitions_without_touching_anything(tmp_path):
    # `parindex migrate` in an empty folder: the default DuckDB warehouse is created there, nothing else.
    env = {**os.environ, "PARINDEX_WAREHOUSE_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "assets.cli", "migrate"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": os.getcwd()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # Created for its user alone: the warehouse holds personal data (issue 10).
    assert stat.S_IMODE((tmp_path / "data" / "warehouse.duckdb").stat().st_mode) == 0o600


def test_a_variable_the_definitions_read_at_import_is_a_configuration_error(tmp_path):
    # In a process of its own: the definitions read PARINDEX_EXECUTOR once, when first imported.
    env = {**os.environ, "PARINDEX_EXECUTOR": "dask", "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-m", "assets.cli", "run", "--year", "2025"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "parindex run: PARINDEX_EXECUTOR: 'dask' is not an executor; use in_process (the default) or celery"
    )


# Every usage or configuration error of `parindex run` exits 2 before anything runs, naming the option or
# variable (interface.md §2, issue 10).


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """An empty working folder and no PARINDEX_* setting but a pseudonymisation key."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("PARINDEX_") and not name.startswith("PARINDEX_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PARINDEX_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    return tmp_path


def _nothing_ran(folder) -> bool:
    return not (folder / "dagster_home").exists() and not (folder / "data" / "warehouse.duckdb").exists()


@pytest.mark.parametrize("year", ["1999", "2030"])
def test_a_year_outside_the_partitions_names_the_valid_years(clean_env, capsys, year):
    assert main(["run", "--year", year]) == 2
    message = capsys.readouterr().err
    # The partitions start in 2024 (assets/partitions.py) and end with the year in progress.
    local_year = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year
    assert f"--year {year}" in message and f"2024–{local_year}" in message
    assert _nothing_ran(clean_env)


def test_a_malformed_warehouse_url_names_the_variable(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", "not a url")
    assert main(["run", "--year", "2025"]) == 2
    assert "PARINDEX_WAREHOUSE_URL is not a database URL" in capsys.readouterr().err


def test_an_unreachable_warehouse_names_the_variable_without_the_password(clean_env, monkeypatch, capsys):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", f"postgresql://parindex:pw-not-shown@127.0.0.1:{port}/w")
    assert main(["run", "--year", "2025"]) == 2
    message = capsys.readouterr().err
    assert (
        f"PARINDEX_WAREHOUSE_URL: cannot connect to postgresql+psycopg://parindex:***@127.0.0.1:{port}/w"
        in (message)
    )
    assert "pw-not-shown" not in message and _nothing_ran(clean_env)


def test_a_malformed_catalogue_fails_before_any_extraction(clean_env, monkeypatch, capsys):
    shipped = Path(__file__).parents[2] / "scoring" / "catalogues" / "template-so@2026.1.yaml"
    bad = clean_env / "bad.yaml"
    bad.write_text(shipped.read_text(encoding="utf-8").replace("max_points: 9", "max_points: chín", 1))
    monkeypatch.setenv("PARINDEX_CATALOGUE", str(bad))
    assert main(["run", "--year", "2025"]) == 2
    message = capsys.readouterr().err
    assert "PARINDEX_CATALOGUE" in message and str(bad) in message and "max_points" in message
    assert _nothing_ran(clean_env)


@pytest.mark.parametrize("variable", ["PARINDEX_HR_DIR", "PARINDEX_EDXML_DIR"])
def test_a_source_folder_that_is_not_a_folder_names_the_variable(clean_env, monkeypatch, capsys, variable):
    not_a_folder = clean_env / "file.txt"
    not_a_folder.write_text("x")
    monkeypatch.setenv(variable, str(not_a_folder))
    assert main(["run", "--year", "2025"]) == 2
    assert f"{variable}: {not_a_folder} is not a folder" in capsys.readouterr().err
    assert _nothing_ran(clean_env)


def test_an_unknown_agency_is_refused(clean_env, capsys):
    # H35.01 is in the shipped agency table (etl/reference/agencies.csv), H99.99 is not.
    assert main(["run", "--year", "2025", "--agency", "H35.01", "H99.99"]) == 2
    message = capsys.readouterr().err
    # Only the unknown code is named.
    assert "--agency: H99.99 not in the agency table" in message
    assert _nothing_ran(clean_env)


def test_manual_files_are_read_up_front_and_a_bad_one_is_a_warning_for_its_agency(clean_env, monkeypatch):
    # A bad manual file costs only its agency's manual criteria (scoring leaves them missing with the
    # reason), so it does not stop the run: it is named before the extraction starts.
    folder = clean_env / "manual" / "2025"
    folder.mkdir(parents=True)
    header = "criterion_code,score,evidence,note\n"
    # 1.2.1 is a manual leaf worth 1 point in scoring/catalogues/template-so@2026.1.yaml.
    monkeypatch.setenv("PARINDEX_CATALOGUE", "template-so@2026.1")
    (folder / "H35.02.csv").write_text(header + "1.2.1,1,,\n", encoding="utf-8")
    (folder / "H35.03.csv").write_text(header + "1.2.1,5,,\n", encoding="utf-8")
    warnings = manual_file_warnings(2025, check_catalogues())
    assert len(warnings) == 1
    assert warnings[0].startswith("PARINDEX_MANUAL_DIR: the manual criteria of H35.03 will be missing")
    assert "H35.03.csv: row 2, field score: 5 is outside 0..1" in warnings[0]


@pytest.mark.parametrize("command", [["migrate"], ["export", "--year", "2025"]])
def test_the_other_commands_check_the_warehouse_url_too(clean_env, monkeypatch, capsys, command):
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", "not a url")
    assert main(command) == 2
    assert "PARINDEX_WAREHOUSE_URL is not a database URL" in capsys.readouterr().err


def test_export_refuses_an_unknown_agency(clean_env, capsys):
    assert main(["export", "--year", "2025", "--agency", "H99.99"]) == 2
    assert "--agency: H99.99 not in the agency table" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("variable", "value"), [("PARINDEX_TIMEZONE", "Mars/Base"), ("PARINDEX_EXTRACT_START", "2025-13-01")]
)
def test_a_malformed_time_setting_names_the_variable(clean_env, monkeypatch, capsys, variable, value):
    monkeypatch.setenv(variable, value)
    assert main(["run", "--year", "2025"]) == 2
    assert f"{variable}: {value!r} is not a" in capsys.readouterr().err
    assert _nothing_ran(clean_env)


def test_a_memory_limit_that_is_not_a_size_names_the_variable(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("PARINDEX_DUCKDB_MEMORY_LIMIT", "80%")
    assert main(["run", "--year", "2025"]) == 2
    assert "PARINDEX_DUCKDB_MEMORY_LIMIT: not a memory size: '80%'" in capsys.readouterr().err
    assert _nothing_ran(clean_env)


@pytest.mark.skipif(
    not os.environ.get("PARINDEX_TEST_POSTGRES_URL"), reason="needs PARINDEX_TEST_POSTGRES_URL"
)
def test_a_reachable_postgresql_warehouse_passes_the_check():
    check_warehouse(os.environ["PARINDEX_TEST_POSTGRES_URL"])


def test_a_province_code_not_of_the_provinces_file_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["grant-analyst", "analyst", "--province", "h35"])
    assert exit_.value.code == 2
    assert "e.g. H35" in capsys.readouterr().err


@pytest.mark.postgres
def test_grant_analyst_with_a_province_on_a_central_database(postgres_url, monkeypatch, tmp_path, capsys):
    """A fresh central database: granted with a province, never migrated (no `raw`), a later grant without
    one neither; the same command on a single-province warehouse is a usage error."""
    monkeypatch.chdir(tmp_path)
    server = make_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    central = f"parindex_central_{uuid.uuid4().hex[:8]}"
    roles = [f"analyst_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with server.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {central}")
    central_url = server.url.set(database=central).render_as_string(hide_password=False)
    engine = make_engine(central_url)
    try:
        monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", central_url)
        assert main(["grant-analyst", roles[0], "--province", "H35"]) == 0
        assert f"role {roles[0]} can read province H35's rows of marts" in capsys.readouterr().out
        assert main(["grant-analyst", roles[1]]) == 0
        scopes = rows(engine, "SELECT role, province_code FROM marts_partitions.analyst_scope")
        assert dict(scopes) == {roles[0]: "H35", roles[1]: None}
        assert scalar(engine, "SELECT to_regnamespace('raw') IS NULL")
        single = make_engine(postgres_url)
        schema.ensure_schema(single)
        single.dispose()
        monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", postgres_url)
        assert main(["grant-analyst", roles[0], "--province", "H35"]) == 2
        assert "single-province warehouse" in capsys.readouterr().err
        # With a provinces file: the central URL of the variable the file names, whatever
        # PARINDEX_WAREHOUSE_URL says (the single-province warehouse just refused), never migrated.
        provinces = tmp_path / "provinces.yaml"
        provinces.write_text(
            "warehouse_url_variable: CENTRAL_URL\n"
            "provinces: [{code: H35, name: H35}, {code: T12, name: T12}]\n"
        )
        monkeypatch.setenv("PARINDEX_PROVINCES_FILE", str(provinces))
        monkeypatch.setenv("CENTRAL_URL", central_url)
        assert main(["grant-analyst", roles[1], "--province", "T12"]) == 0
        scopes = rows(engine, "SELECT role, province_code FROM marts_partitions.analyst_scope")
        assert dict(scopes) == {roles[0]: "H35", roles[1]: "T12"}
        assert scalar(engine, "SELECT to_regnamespace('raw') IS NULL")
        capsys.readouterr()
        assert main(["grant-analyst", roles[1], "--province", "X99"]) == 2
        assert "--province X99: no such province" in capsys.readouterr().err
        monkeypatch.delenv("CENTRAL_URL")
        assert main(["grant-analyst", roles[1]]) == 2
        assert "CENTRAL_URL (the central warehouse of PARINDEX_PROVINCES_FILE) is not set" in (
            capsys.readouterr().err
        )
    finally:
        engine.dispose()
        with server.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {central} WITH (FORCE)")
            for role in roles:
                conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        server.dispose()
