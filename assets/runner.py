"""Runs the asset graph in-process for one assessment year, through the same definitions the UI loads."""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, Definitions, RunsFilter
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

from assets.checks import ASSET_CHECKS
from assets.definitions import ALL_ASSETS
from assets.progress import progress
from assets.resources import build_resources
from warehouse.atomic import process_alive
from warehouse.engine import make_engine, warehouse_url
from warehouse.publish import publish_read_copy
from warehouse.schema import ensure_schema

DEFAULT_DAGSTER_HOME = Path("data/dagster_home")
# Default local storage (SQLite files in DAGSTER_HOME); no usage data leaves a government network. Every
# warehouse-writing asset is in the pool `warehouse` and the only pool, so a default limit of 1 per step
# ("op") serialises all writers of the one DuckDB file, across runs and within a run (DESIGN.md pitfalls).
INSTANCE_SETTINGS = """\
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
    granularity: op
"""


class UsageError(Exception):
    """Bad usage or configuration (exit code 2); the message names the variable or option."""


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    failed_checks: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)

    def report(self) -> int:
        """Prints what failed and returns the exit code of interface.md §2."""
        if self.success:
            progress(f"run {self.run_id} succeeded")
            return 0
        for line in self.failed_checks:
            print(f"blocking quality check failed: {line}", file=sys.stderr)
        for line in self.failed_steps:
            print(f"step failed: {line}", file=sys.stderr)
        return 1


# Dagster's wrappers around the user's exception; after the last retry the step's error is only
# "Exceeded max_retries of 2", and the request that failed is in its cause.
_WRAPPERS = ("DagsterExecutionStepExecutionError", "RetryRequested", "RetryRequestedFromPolicy")


def failure_message(event) -> str:
    """The cause of a STEP_FAILURE event, as the person who reads the run wants it."""
    top = error = event.step_failure_data.error
    while error is not None and error.cause is not None and error.cls_name in _WRAPPERS:
        error = error.cause
    if error is None:
        return ""
    if error is not top and top.cls_name.startswith("RetryRequested"):
        return f"{error.message.strip()} ({top.message.strip()})"
    return error.message.strip()


def dagster_instance() -> DagsterInstance:
    """The persistent instance of `DAGSTER_HOME` (default `data/dagster_home`), so that CLI runs show in the
    UI started with the same `DAGSTER_HOME`."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME.resolve())))
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        settings.write_text(INSTANCE_SETTINGS, encoding="utf-8")
    return DagsterInstance.get()


# Where a `parindex run` records which process runs it, so that a later run can tell whether it is alive.
PID_TAG = "parindex/pid"
HOST_TAG = "parindex/host"


def release_dead_runs(instance: DagsterInstance) -> list[str]:
    """Marks as failed the unfinished runs of `parindex run` on this machine whose process is gone (killed,
    machine restarted) and frees the `warehouse` slots they held. A killed run never releases its slot, and
    Dagster frees slots only for runs already marked as ended (the daemon's run monitoring): every later
    run would wait for the slot forever. Runs without the tags (UI, schedule, sensors) are left to Dagster.
    Returns the run ids released."""
    released = []
    host = socket.gethostname()
    filters = RunsFilter(statuses=NOT_FINISHED_STATUSES, tags={HOST_TAG: host})
    for run in instance.get_runs(filters=filters):
        pid = run.tags.get(PID_TAG, "")
        if pid.isdigit() and process_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"the process of this run ({pid} on {host}) is gone")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        progress(
            f"run {run.run_id} was left unfinished by a process that is gone: marked failed, slots freed"
        )
        released.append(run.run_id)
    return released


def migrate() -> None:
    ensure_schema(make_engine())


def run_year(
    year: int,
    full_refresh: bool = False,
    export_agencies: list[str] | None = None,
    resource_overrides: dict | None = None,
) -> RunOutcome:
    if not os.environ.get("PARINDEX_PSEUDONYM_KEY"):
        raise UsageError("PARINDEX_PSEUDONYM_KEY is not set (a secret key for pseudonymising identifiers)")
    resources = build_resources(full_refresh, export_agencies)
    resources.update(resource_overrides or {})
    defs = Definitions(assets=ALL_ASSETS, asset_checks=ASSET_CHECKS, resources=resources)
    job = defs.resolve_implicit_global_asset_job_def()
    instance = dagster_instance()
    release_dead_runs(instance)
    try:
        result = job.execute_in_process(
            partition_key=str(year),
            instance=instance,
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    finally:
        publish_read_copy(warehouse_url())
    failed_checks = [
        f"{event.asset_check_evaluation_data.asset_key.to_user_string()}: "
        f"{event.asset_check_evaluation_data.check_name}: "
        f"{event.asset_check_evaluation_data.description}"
        for event in result.all_events
        if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
        and not event.asset_check_evaluation_data.passed
    ]
    failed_steps = [
        f"{event.step_key}: {failure_message(event)}"
        for event in result.all_events
        if event.event_type == DagsterEventType.STEP_FAILURE
    ]
    return RunOutcome(result.success, result.run_id, failed_checks, failed_steps)
