"""The `parindex` command's exit codes and messages (interface.md §2)."""

import os
import subprocess
import sys

import pytest

from assets.cli import main


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
    assert (tmp_path / "data" / "warehouse.duckdb").exists()
