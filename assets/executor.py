"""Which Dagster executor runs the steps of a run launched from Dagster (UI, schedule, sensor, `dagster job
execute`): `PARINDEX_EXECUTOR`, read once by `assets.definitions`.

`in_process` (the default) runs the steps one after the other in the run's process, as on one machine;
`celery` sends each step to the Celery workers of the broker `PARINDEX_CELERY_BROKER` (README "Past one
machine").
`dagster_celery` comes with the extra `distributed` and is imported only when Celery is asked for, so the
default install does without it."""

from __future__ import annotations

from dagster import ExecutorDefinition, in_process_executor

from assets.resources import MissingConfiguration
from warehouse.dialect import DUCKDB

EXECUTOR_VARIABLE = "PARINDEX_EXECUTOR"
IN_PROCESS = "in_process"
CELERY = "celery"
# Names of the variables holding the broker's and the result backend's URLs (they may carry a password, so
# the executor is given the names and Dagster reads the values at run time). Unset, dagster-celery's
# defaults apply: RabbitMQ at pyamqp://guest@localhost// and results back over it (rpc://).
BROKER_VARIABLE = "PARINDEX_CELERY_BROKER"
BACKEND_VARIABLE = "PARINDEX_CELERY_BACKEND"
# The queue the steps are sent to and the workers listen on (`dagster-celery worker start -q`): deployments
# that share a broker keep their steps apart by it. Unset: dagster-celery's queue `dagster`.
QUEUE_VARIABLE = "PARINDEX_CELERY_QUEUE"


def run_executor(choice: str | None, warehouse_url: str, environment: dict[str, str]) -> ExecutorDefinition:
    """The executor named by `choice` (the value of PARINDEX_EXECUTOR; None or empty: in-process).

    Celery is refused with a DuckDB warehouse: its workers are separate processes, and a DuckDB file takes
    one writer process at a time while a run's independent steps would write it together."""
    name = (choice or IN_PROCESS).strip()
    if name == IN_PROCESS:
        return in_process_executor
    if name != CELERY:
        raise MissingConfiguration(
            f"{EXECUTOR_VARIABLE}: {choice!r} is not an executor; use {IN_PROCESS} (the default) or {CELERY}"
        )
    if warehouse_url.partition(":")[0].partition("+")[0] == DUCKDB:
        raise MissingConfiguration(
            f"{EXECUTOR_VARIABLE}={CELERY} needs a PostgreSQL warehouse (PARINDEX_WAREHOUSE_URL): Celery "
            "runs steps in several processes at once, and a DuckDB file takes one writer process"
        )
    try:
        from dagster_celery import celery_executor
    except ImportError:
        raise MissingConfiguration(
            f"{EXECUTOR_VARIABLE}={CELERY} needs the extra `distributed`: pip install "
            "'parindex[distributed]' (or -e '.[distributed]' in the repository)"
        ) from None
    config: dict = {
        field: {"env": variable}
        for field, variable in (("broker", BROKER_VARIABLE), ("backend", BACKEND_VARIABLE))
        if environment.get(variable)
    }
    if environment.get(QUEUE_VARIABLE):
        config["config_source"] = {"task_default_queue": environment[QUEUE_VARIABLE]}
    return celery_executor.configured(config) if config else celery_executor
