"""Runs the asset graph in-process for one assessment year, through the same definitions the UI loads."""

from __future__ import annotations

import logging
import os
import socket
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    Definitions,
    Field,
    RunsFilter,
    logger,
)

from assets.automation import province_tags
from assets.checks import ASSET_CHECKS
from assets.definitions import ALL_ASSETS
from assets.file_modes import make_private
from assets.partitions import DEPLOYMENT, partition_key
from assets.phases import PhaseProgress, steps_of
from assets.preflight import UsageError, check_run, resource_value  # noqa: F401  (UsageError: callers import it from here)
from assets.progress import progress
from assets.provinces import ProvinceSettings, applied_environment, chosen_province
from assets.resources import build_resources
from assets.settings import duckdb_memory, warehouse_engine, warehouse_url
from parindex_facts.files import process_alive
from warehouse.databases import ensure_database
from warehouse.dialect import duckdb_file
from warehouse.memory import describe_out_of_memory
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

# Longest cause shown on the terminal; the whole error is in the run's log file.
MAX_CAUSE_CHARS = 300

# What to change when a step of a source fails, by the step's name prefix (the assets' names).
SOURCE_SETTINGS = {
    "dvc_": "the DVC source: PARINDEX_DVC_URL, PARINDEX_DVC_CLIENT_ID, PARINDEX_DVC_CLIENT_SECRET",
    "qlvb_documents": "the QLVB source: PARINDEX_QLVB_URL, PARINDEX_QLVB_API_KEY",
    "qlvb_edxml": "the edXML folder: PARINDEX_EDXML_DIR",
    "ecabinet_": (
        "the E-CABINET source: PARINDEX_ECABINET_URL, PARINDEX_ECABINET_USER, PARINDEX_ECABINET_PASSWORD"
    ),
    "hr_": "the HR folder: PARINDEX_HR_DIR",
}


@dataclass
class RunOutcome:
    success: bool
    run_id: str
    failed_checks: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)  # "step: cause in one line"
    log_file: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def report(self) -> int:
        """Prints the run's summary on standard error and returns the exit code of interface.md §2: one
        paragraph, with the failed steps and checks, what to change, and the log file with the details."""
        for line in self.warnings:
            print(f"warning: {line}", file=sys.stderr)
        if self.success:
            progress(f"run {self.run_id} succeeded")
            return 0
        lines = [f"parindex run {self.run_id} failed; no read copy was published (the last good one stays)."]
        steps_by_cause: dict[str, list[str]] = {}
        for line in self.failed_steps:
            step, _, cause = line.partition(": ")
            steps_by_cause.setdefault(cause, []).append(step)
        lines += [f"  step failed: {', '.join(steps)}: {cause}" for cause, steps in steps_by_cause.items()]
        lines += [f"  blocking quality check failed: {line}" for line in self.failed_checks]
        lines += [
            f"  what to change: {hint}" for hint in what_to_change(self.failed_steps, self.failed_checks)
        ]
        if self.log_file is not None:
            lines.append(f"  details (Dagster's full output): {self.log_file}")
        print("\n".join(lines), file=sys.stderr)
        return 1


def what_to_change(failed_steps: list[str], failed_checks: list[str]) -> list[str]:
    hints = []
    for prefix, settings in SOURCE_SETTINGS.items():
        if any(line.startswith(prefix) for line in failed_steps):
            hints.append(
                f"if the source is at fault, check {settings}, or unset its URL or folder to skip the "
                "source; then run again"
            )
    if failed_checks:
        hints.append(
            "the data failed a blocking check, so no scores or exports were computed: see the check in the "
            "Dagster UI or in marts.quality_check_result, correct the data at its source, then run again"
        )
    return hints


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
    cause = cause_line(error)
    if error is not top and top.cls_name.startswith("RetryRequested"):
        return f"{cause} ({top.message.strip()})"
    return cause


class StepError(Protocol):
    """What a failed step's error carries (Dagster's serialised error info)."""

    message: str
    cls_name: str | None
    cause: StepError | None


def cause_line(error: StepError) -> str:
    """The cause of a failed step in one line for the terminal (the full error goes to the log file).
    This is the one place where a known cause is turned into a message that says what to change, e.g.
    DuckDB's out-of-memory error into one naming PARINDEX_DUCKDB_MEMORY_LIMIT."""
    out_of_memory = describe_out_of_memory(error, duckdb_memory())
    if out_of_memory is not None:
        return out_of_memory
    message = error.message.strip()
    if error.cls_name == "Failure":
        # Raised by the assets with a message that is the whole story; Dagster's class path adds nothing.
        message = message.split(": ", 1)[-1]
    text = ""
    for line in (line.strip() for line in message.splitlines()):
        if line:
            text += ("" if not text else " " if text.endswith(":") else "; ") + line
    text = text or error.cls_name
    return text if len(text) <= MAX_CAUSE_CHARS else text[: MAX_CAUSE_CHARS - 1] + "…"


def dagster_home() -> Path:
    return Path(os.environ.setdefault("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME.resolve())))


def dagster_instance() -> DagsterInstance:
    """The persistent instance of `DAGSTER_HOME` (default `data/dagster_home`), so that CLI runs show in the
    UI started with the same `DAGSTER_HOME`."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        settings.write_text(INSTANCE_SETTINGS, encoding="utf-8")
    return DagsterInstance.get()


# The statuses of a run that has not ended (Dagster keeps its own list private).
UNFINISHED = [
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.SUSPENDED,
    DagsterRunStatus.CANCELING,
]

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
    filters = RunsFilter(statuses=UNFINISHED, tags={HOST_TAG: host})
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
    ensure_schema(warehouse_engine())


def private_paths(url: str) -> list[Path]:
    """What a run writes that holds personal data or run history: a DuckDB warehouse file and its WAL, and
    DAGSTER_HOME (a private folder hides the SQLite files and logs inside it)."""
    paths = [dagster_home()]
    database_file = duckdb_file(url)
    if database_file is not None:
        paths += [Path(database_file), Path(f"{database_file}.wal")]
    return paths


RUN_LOGGER = "parindex.run"


class TerminalWarnings(logging.Handler):
    """The warnings the assets log themselves (a source skipped because its URL is unset, interface.md §1),
    one line each on standard error; Dagster's own events, errors included, stay in the log file."""

    def __init__(self):
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        if record.levelno != logging.WARNING or meta.get("dagster_event") is not None:
            return
        step = meta.get("step_key")
        message = meta.get("orig_message", record.getMessage())
        progress(f"warning: {step}: {message}" if step else f"warning: {message}")


@logger(Field(str, description="the file that receives every event of the run"))
def run_log_file(init_context) -> logging.Logger:
    """Dagster's events of one run, its errors with their stack traces included, into a file instead of the
    terminal, which gets progress lines, the assets' warnings and the run's summary."""
    run_logger = logging.getLogger(RUN_LOGGER)
    # Dagster initialises a run's loggers more than once; the handlers go on the first time only (the
    # phases' handler is there already: run_year puts it on before the run).
    if not any(isinstance(handler, logging.FileHandler) for handler in run_logger.handlers):
        handler = logging.FileHandler(init_context.logger_config, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        run_logger.addHandler(handler)
        run_logger.addHandler(TerminalWarnings())
    run_logger.setLevel(logging.DEBUG)
    run_logger.propagate = False
    return run_logger


def close_run_log() -> None:
    run_logger = logging.getLogger(RUN_LOGGER)
    for handler in list(run_logger.handlers):
        run_logger.removeHandler(handler)
        handler.close()


def run_year(
    year: int,
    full_refresh: bool = False,
    export_agencies: list[str] | None = None,
    resource_overrides: dict | None = None,
    province: str | None = None,
) -> RunOutcome:
    """Runs the whole graph for `year`, after the checks of `assets.preflight` (`UsageError` before anything
    starts). The read copy is published by the graph's last asset, so a failed run leaves the previous one
    in place. With a provinces file, the run is `province`'s: today's run with the settings of its entry,
    on its partition, tagged with it; on PostgreSQL the same last asset publishes its marts into the central
    warehouse."""
    settings = chosen_province(DEPLOYMENT, province)
    if settings is None:
        return _run_year(year, full_refresh, export_agencies, resource_overrides, None)
    with applied_environment(settings.environment(os.environ)):
        ensure_database(warehouse_url())
        return _run_year(year, full_refresh, export_agencies, resource_overrides, settings)


def _run_year(
    year: int,
    full_refresh: bool,
    export_agencies: list[str] | None,
    resource_overrides: dict | None,
    province: ProvinceSettings | None,
) -> RunOutcome:
    resources = build_resources(full_refresh, export_agencies, province)
    code = province.code if province else None
    resources.update(resource_overrides or {})
    warnings = check_run(year, export_agencies, resources)
    for line in warnings:
        progress(f"warning: {line}")
    defs = Definitions(
        assets=ALL_ASSETS, asset_checks=ASSET_CHECKS, resources=resources, loggers={"log_file": run_log_file}
    )
    job = defs.resolve_implicit_global_asset_job_def()
    for path in private_paths(resource_value(resources["warehouse"].url) or warehouse_url()):
        make_private(path)
    instance = dagster_instance()
    release_dead_runs(instance)
    run_id = str(uuid.uuid4())  # Dagster's own run ids are UUID4 too
    log_file = dagster_home() / "logs" / f"{run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    progress(f"run {run_id} started; Dagster's output goes to {log_file}")
    phases = PhaseProgress(steps_of([*ALL_ASSETS, *ASSET_CHECKS]))
    logging.getLogger(RUN_LOGGER).addHandler(phases)
    try:
        with phases:
            result = job.execute_in_process(
                partition_key=partition_key(year, code),
                instance=instance,
                run_id=run_id,
                tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), **province_tags(code)},
                raise_on_error=False,
                run_config={"loggers": {"log_file": {"config": str(log_file)}}},
            )
    finally:
        close_run_log()
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
    return RunOutcome(result.success, result.run_id, failed_checks, failed_steps, log_file, warnings)
