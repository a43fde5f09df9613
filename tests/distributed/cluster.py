"""A throw-away Dagster deployment past one machine, for the tests of `tests/distributed`: an instance whose
run, event and schedule storage is a fresh PostgreSQL database (dagster-postgres, `deploy/dagster.yaml` as
shipped), Celery worker processes started as the README says (`dagster-celery worker start`), and job runs
launched with `dagster job execute` under `PARINDEX_EXECUTOR=celery`, one run per province.

A province is given as the environment its run needs (its `PARINDEX_*` settings) and the tags of its run (the
partition): the workers build the pipeline's resources from their own environment, so it is given to them
too, at start."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance, DagsterRun, RunsFilter

from assets.automation import ASSESSMENT_YEAR_JOB
from assets.executor import BACKEND_VARIABLE, BROKER_VARIABLE, CELERY, EXECUTOR_VARIABLE, QUEUE_VARIABLE
from tests.e2e.pipeline import environment

REPOSITORY = Path(__file__).resolve().parents[2]
INSTANCE_FILE = REPOSITORY / "deploy" / "dagster.yaml"
WORKER_FILE = REPOSITORY / "deploy" / "celery.yaml"
# How long the workers get to answer a ping after their start (importing Dagster and the pipeline).
WORKER_START_S = 120
# A run of one `small` province takes about three minutes on a loaded two-core machine; past this something
# hangs (a step that no worker takes).
RUN_TIMEOUT_S = 600


@dataclass(frozen=True)
class Broker:
    """A broker that answered, with the result backend that goes with it."""

    name: str
    url: str
    backend: str


def answering_broker() -> tuple[Broker | None, str]:
    """RabbitMQ at its default port if it answers, else Redis at its default port; None and why when
    neither does."""
    candidates = [
        Broker("RabbitMQ", "pyamqp://guest@127.0.0.1:5672//", "rpc://"),
        Broker("Redis", "redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/1"),
    ]
    from kombu import Connection  # comes with the extra `distributed`, which the caller has checked

    reasons = []
    for broker in candidates:
        try:
            with Connection(broker.url, connect_timeout=2) as connection:
                connection.ensure_connection(max_retries=1)
            return broker, ""
        except Exception as error:  # kombu raises the transport's own errors
            reasons.append(f"{broker.name} at {broker.url}: {error}")
    return None, "no Celery broker answers: " + "; ".join(reasons)


@dataclass(frozen=True)
class ProvinceRun:
    """One province's run: its label (for messages), the environment of its settings and its run's tags."""

    label: str
    environment: Mapping[str, str]
    tags: Mapping[str, str]


# Tells the run of one launch among the instance's runs.
LAUNCH_TAG = "parindex-test/launch"


@dataclass
class Launch:
    province: ProvinceRun
    launch_id: str
    process: subprocess.Popen


@dataclass
class RunResult:
    label: str
    run: DagsterRun
    step_pids: set[int]  # the processes that ran the run's steps
    run_pids: set[int]  # the process that orchestrated the run
    output: str = field(repr=False)


@dataclass
class CeleryDeployment:
    home: Path
    broker: Broker
    queue: str
    storage_url: str  # DAGSTER_PG_URL: the instance's own database
    workers: list[subprocess.Popen] = field(default_factory=list)
    launches: list[Launch] = field(default_factory=list)

    def base_environment(self) -> dict[str, str]:
        return {
            "DAGSTER_HOME": str(self.home),
            "DAGSTER_PG_URL": self.storage_url,
            EXECUTOR_VARIABLE: CELERY,
            BROKER_VARIABLE: self.broker.url,
            BACKEND_VARIABLE: self.broker.backend,
            QUEUE_VARIABLE: self.queue,
        }

    def process_environment(self, settings: Mapping[str, str]) -> dict[str, str]:
        """This process's environment without its PARINDEX_* and DAGSTER_* variables, then `settings` and the
        deployment's; the project's environment first on the PATH (dagster-celery starts `celery` from it)."""
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("PARINDEX_", "DAGSTER_"))
        }
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
        return {**inherited, "PATH": path, **settings, **self.base_environment()}

    def start_workers(self, count: int, settings: Mapping[str, str]) -> None:
        """`count` Celery workers of one process each, as the README starts them, in process groups of their
        own (the dagster-celery command starts `celery` as its child), logging to files in the instance."""
        env = self.process_environment(settings)
        for number in range(1, count + 1):
            log = open(self.home / f"worker{number}.log", "wb")  # noqa: SIM115 (closed with the worker)
            command = [
                str(Path(sys.executable).with_name("dagster-celery")),
                "worker",
                "start",
                "-A",
                "dagster_celery.app",
                "-y",
                str(WORKER_FILE),
                "-q",
                self.queue,
                "-i",
                "assets.definitions",
                "-n",
                f"parindex{number}-{self.queue}",
                "--",
                "--concurrency=1",
            ]
            worker = subprocess.Popen(
                command, env=env, cwd=REPOSITORY, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            log.close()
            self.workers.append(worker)
        self._wait_for_workers(count)

    def _wait_for_workers(self, count: int) -> None:
        from dagster_celery.make_app import make_app

        app = make_app({"broker": self.broker.url, "backend": self.broker.backend})
        deadline = time.monotonic() + WORKER_START_S
        answered: list = []
        while time.monotonic() < deadline:
            exited = any(worker.poll() is not None for worker in self.workers)
            assert not exited, f"a Celery worker exited at its start; see {self.home}/worker*.log"
            answered = [
                name
                for reply in app.control.ping(timeout=1.0)
                for name in reply
                if name.endswith(f"-{self.queue}@{socket.gethostname()}")
            ]
            if len(answered) >= count:
                return
            time.sleep(1)
        raise AssertionError(
            f"{len(answered)} of {count} Celery workers answered within {WORKER_START_S} s; "
            f"see {self.home}/worker*.log"
        )

    def stop_workers(self) -> None:
        """SIGTERM to each worker's process group (Celery's warm shutdown), SIGKILL to those still there."""
        for worker in self.workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        self.workers.clear()

    def remove_queue(self) -> None:
        """Deletes the deployment's queue from the broker, which keeps a declared queue after its workers."""
        from kombu import Connection

        with Connection(self.broker.url, connect_timeout=2) as connection:
            connection.default_channel.queue_delete(self.queue)

    def launch(self, province: ProvinceRun) -> Launch:
        """Starts the province's run of the job `assessment_year` as one `dagster job execute`, which returns
        when the run ends: its process orchestrates, the steps go to the workers."""
        launch_id = uuid.uuid4().hex
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("dagster")),
                "job",
                "execute",
                "-m",
                "assets.definitions",
                "-j",
                ASSESSMENT_YEAR_JOB,
                "--tags",
                json.dumps({**province.tags, LAUNCH_TAG: launch_id}),
            ],
            env=self.process_environment(province.environment),
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.launches.append(Launch(province, launch_id, process))
        return self.launches[-1]

    def wait(self, launch: Launch) -> RunResult:
        """The launched run once it has ended, with the processes that ran its steps."""
        output, _ = launch.process.communicate(timeout=RUN_TIMEOUT_S)
        with self._instance() as instance:
            runs = instance.get_runs(RunsFilter(tags={LAUNCH_TAG: launch.launch_id}))
            assert len(runs) == 1, f"{launch.province.label}: {len(runs)} runs were created:\n{output}"
            events = [entry.dagster_event for entry in instance.all_logs(runs[0].run_id)]

        def pids(event_type: DagsterEventType) -> set[int]:
            return {event.pid for event in events if event is not None and event.event_type == event_type}

        return RunResult(
            launch.province.label,
            runs[0],
            pids(DagsterEventType.STEP_START),
            pids(DagsterEventType.RUN_START),
            output,
        )

    def stop_launches(self) -> None:
        """Ends the runs' processes still there (a test that failed before waiting for them)."""
        for launch in self.launches:
            if launch.process.poll() is None:
                launch.process.kill()
                launch.process.communicate()
        self.launches.clear()

    @contextlib.contextmanager
    def _instance(self) -> Iterator[DagsterInstance]:
        with environment(DAGSTER_HOME=str(self.home), DAGSTER_PG_URL=self.storage_url):
            instance = DagsterInstance.get()
            try:
                yield instance
            finally:
                instance.dispose()


def psycopg2_url(sqlalchemy_url: str) -> str:
    """dagster-postgres needs the psycopg2 driver named: SQLAlchemy 2.1 takes a bare `postgresql://` as
    psycopg 3, on which dagster-postgres's `NOTIFY run_events, %(id)s` fails (psycopg 3 binds parameters on
    the server)."""
    import sqlalchemy as sa

    url = sa.make_url(sqlalchemy_url).set(drivername="postgresql+psycopg2")
    return url.render_as_string(hide_password=False)


@contextlib.contextmanager
def celery_deployment(home: Path, broker: Broker, storage_url: str) -> Iterator[CeleryDeployment]:
    """An instance in `home` from `deploy/dagster.yaml` on the database `storage_url`, on a queue of its own
    (other runs on the same broker never take its steps); the workers it starts are stopped at the end."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(INSTANCE_FILE, home / "dagster.yaml")
    deployment = CeleryDeployment(home, broker, f"parindex-test-{uuid.uuid4().hex[:8]}", storage_url)
    # The storage's tables are created here, once, before several processes open the instance together; so
    # is the limit of the steps' pool, as the README asks: Dagster would create it when a step first asks,
    # and two workers asking at once fail one step on its unique key (seen in CI).
    with deployment._instance() as instance:
        instance.event_log_storage.initialize_concurrency_limit_to_default("warehouse")
    try:
        yield deployment
    finally:
        deployment.stop_launches()
        deployment.stop_workers()
        deployment.remove_queue()
