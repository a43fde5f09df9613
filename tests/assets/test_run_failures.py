"""A run whose source cannot be reached fails with a message that names the step, the source's request
and the cause, without the credentials (issue 5: run failures name the source, request or check)."""

import socket
from types import SimpleNamespace

import pytest
from dagster_shared.error import SerializableErrorInfo

from assets.resources import DvcSource, EcabinetSource, QlvbSource
from assets.runner import MAX_CAUSE_CHARS, cause_line, failure_message, run_year
from tests.e2e.pipeline import environment

SECRET = "not-to-be-printed"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _failure(error: SerializableErrorInfo):
    return SimpleNamespace(step_failure_data=SimpleNamespace(error=error))


def test_the_message_of_a_step_that_ran_out_of_retries_is_its_cause():
    # The shape Dagster 1.13 gives a step whose retry policy is exhausted (seen in a real run).
    cause = SerializableErrorInfo(
        "etl.http.RequestFailed: POST http://127.0.0.1:1/dvc/oauth2/token failed after 1 attempts\n",
        [],
        "RequestFailed",
    )
    exhausted = SerializableErrorInfo("Exceeded max_retries of 2\n", [], "RetryRequestedFromPolicy", cause)
    assert failure_message(_failure(exhausted)) == (
        "etl.http.RequestFailed: POST http://127.0.0.1:1/dvc/oauth2/token failed after 1 attempts"
        " (Exceeded max_retries of 2)"
    )
    wrapped = SerializableErrorInfo("Error occurred", [], "DagsterExecutionStepExecutionError", cause)
    assert failure_message(_failure(wrapped)).endswith("failed after 1 attempts")


def test_a_cause_is_shown_on_one_line_and_an_assets_failure_without_dagsters_class_path():
    failure = SerializableErrorInfo(
        "dagster._core.definitions.events.Failure: Blocking quality checks failed:\n a\n b\n", [], "Failure"
    )
    assert cause_line(failure) == "Blocking quality checks failed: a; b"
    long = cause_line(SerializableErrorInfo("x" * 1000, [], "ValueError"))
    assert len(long) == MAX_CAUSE_CHARS and long.endswith("…")


def test_duckdb_running_out_of_memory_is_told_as_the_variable_to_raise():
    # The shape of the step error of issue 10's failed demo: Dagster's wrapper around DuckDB's exception.
    duckdb_error = SerializableErrorInfo(
        "duckdb.duckdb.OutOfMemoryException: Out of Memory Error: could not allocate block of size 32.0 KiB "
        "(244.1 MiB/244.1 MiB used)\n",
        [],
        "OutOfMemoryException",
    )
    wrapper = SerializableErrorInfo(
        "dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op\n",
        [],
        "DagsterExecutionStepExecutionError",
        cause=duckdb_error,
    )
    # Twice the 244.1 MiB limit the message states, rounded up to whole MB (warehouse/memory.py).
    assert "PARINDEX_DUCKDB_MEMORY_LIMIT=512MB" in cause_line(wrapper)


# Slow: the extraction assets' own retry policy (2 retries, 10 s apart) runs out before the run fails.
@pytest.mark.slow
def test_an_unreachable_source_fails_the_run_naming_the_step_and_the_request(tmp_path, capsys):
    port = _closed_port()
    dvc = DvcSource(
        base_url=f"http://127.0.0.1:{port}/dvc",
        client_id="parindex",
        client_secret=SECRET,
        connect_timeout_s=0.5,
        read_timeout_s=0.5,
        max_attempts=1,
        backoff_initial_s=0.01,
        backoff_cap_s=0.01,
    )
    with environment(
        PARINDEX_WAREHOUSE_URL=f"duckdb:///{tmp_path / 'warehouse.duckdb'}",
        PARINDEX_PSEUDONYM_KEY="test-key-not-secret",
        PARINDEX_EXPORT_DIR=str(tmp_path / "exports"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
    ):
        outcome = run_year(
            2025,
            resource_overrides={"dvc": dvc, "qlvb": QlvbSource(), "ecabinet": EcabinetSource()},
        )
    assert not outcome.success
    assert outcome.report() == 1
    printed = capsys.readouterr().err
    # Every DVC extraction step failed on its first request, the OAuth2 token: the line names the step
    # (its source), the request and the cause.
    assert outcome.failed_steps
    assert all(line.startswith("dvc_") for line in outcome.failed_steps)
    assert f"127.0.0.1:{port}/dvc" in outcome.failed_steps[0]
    assert "ConnectionError" in outcome.failed_steps[0] and "max_retries" in outcome.failed_steps[0]
    assert "step failed: dvc_" in printed and SECRET not in printed
