"""PARINDEX_EXECUTOR picks the executor of runs launched from Dagster (README "Past one machine"): in-process
by default, Celery on request, refused with a message naming the variable when it cannot work."""

import sys

import pytest
from dagster import in_process_executor

from assets.executor import run_executor
from assets.resources import MissingConfiguration

POSTGRES = "postgresql+psycopg://parindex@db.example:5432/parindex"


@pytest.mark.parametrize("choice", [None, "", "in_process"])
def test_without_a_choice_steps_run_in_the_runs_process_as_on_one_machine(choice):
    assert run_executor(choice, "duckdb:///data/warehouse.duckdb", {}) is in_process_executor


def test_celery_reads_the_broker_and_backend_from_their_variables_when_a_run_starts(monkeypatch):
    pytest.importorskip("dagster_celery", reason="the extra `distributed` is not installed")
    names = {
        "PARINDEX_CELERY_BROKER": "set",
        "PARINDEX_CELERY_BACKEND": "set",
        "PARINDEX_CELERY_QUEUE": "runs",
    }
    executor = run_executor("celery", POSTGRES, names)
    assert executor.name == "celery"
    # The URLs may carry a password: the executor holds the variables' names, and their values are read
    # when a run resolves its configuration, here after the definitions were built.
    monkeypatch.setenv("PARINDEX_CELERY_BROKER", "redis://:secret@127.0.0.1:6379/0")
    monkeypatch.setenv("PARINDEX_CELERY_BACKEND", "redis://:secret@127.0.0.1:6379/1")
    resolved = executor.config_schema.resolve_config({})
    assert resolved.success, resolved.errors
    assert resolved.value["config"]["broker"] == "redis://:secret@127.0.0.1:6379/0"
    assert resolved.value["config"]["backend"] == "redis://:secret@127.0.0.1:6379/1"
    assert resolved.value["config"]["config_source"] == {"task_default_queue": "runs"}


def test_celery_without_broker_variables_is_dagster_celerys_own_executor_with_its_defaults():
    dagster_celery = pytest.importorskip("dagster_celery", reason="the extra `distributed` is not installed")
    assert run_executor("celery", POSTGRES, {}) is dagster_celery.celery_executor


def test_celery_with_a_duckdb_warehouse_is_refused_naming_both_variables():
    with pytest.raises(MissingConfiguration, match="PARINDEX_EXECUTOR=celery.*PARINDEX_WAREHOUSE_URL"):
        run_executor("celery", "duckdb:///data/warehouse.duckdb", {})


def test_an_unknown_executor_is_refused_naming_the_variable_and_the_choices():
    with pytest.raises(MissingConfiguration, match="PARINDEX_EXECUTOR: 'dask' is not an executor"):
        run_executor("dask", POSTGRES, {})


def test_celery_without_the_extra_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dagster_celery", None)  # what `import` meets when it is not installed
    with pytest.raises(MissingConfiguration, match=r"extra `distributed`"):
        run_executor("celery", POSTGRES, {})
