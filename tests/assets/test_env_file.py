"""`.env` in the working directory is read, and the environment wins over it (interface.md §1).

PARINDEX_TIMEZONE is the probe: `parindex` checks it before any command runs, and a name that is no time
zone is a usage error naming the variable (exit code 2), so which value was used shows without a run."""

import os

import pytest

from assets.cli import main

NOT_A_ZONE = "Nowhere/Atlantis"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Set, then deleted: monkeypatch restores a variable it set (unset, if it was), so whatever the file puts
    # into the environment is taken out again; deleting an unset one alone would register nothing.
    for name in ("PARINDEX_TIMEZONE", "PARINDEX_WAREHOUSE_URL", "PARINDEX_FROM_DOTENV"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    previous = os.umask(0o022)
    os.umask(previous)
    yield tmp_path
    os.umask(previous)


def test_a_value_of_the_file_is_used(workdir, capsys):
    (workdir / ".env").write_text(f'# comment\nexport PARINDEX_TIMEZONE="{NOT_A_ZONE}"\n', encoding="utf-8")
    assert main(["migrate"]) == 2
    assert f"PARINDEX_TIMEZONE: '{NOT_A_ZONE}' is not a time zone" in capsys.readouterr().err


def test_the_environment_wins_over_the_file(workdir, monkeypatch, capsys):
    (workdir / ".env").write_text(
        f"PARINDEX_TIMEZONE={NOT_A_ZONE}\nPARINDEX_FROM_DOTENV=yes\n", encoding="utf-8"
    )
    monkeypatch.setenv("PARINDEX_TIMEZONE", "Asia/Ho_Chi_Minh")
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", f"duckdb:///{workdir / 'warehouse.duckdb'}")
    assert main(["migrate"]) == 0
    assert os.environ["PARINDEX_TIMEZONE"] == "Asia/Ho_Chi_Minh"
    # The names the environment lacks still come from the file.
    assert os.environ["PARINDEX_FROM_DOTENV"] == "yes"
    assert "warehouse schema is up to date" in capsys.readouterr().out


def test_nothing_the_file_set_outlives_its_test():
    # Runs after the two above (file order): their .env values must be gone, or every later test would
    # start with a time zone that is none.
    assert os.environ.get("PARINDEX_TIMEZONE") != NOT_A_ZONE
    assert "PARINDEX_FROM_DOTENV" not in os.environ
