"""Running the whole pipeline against a simulator, for end-to-end tests: environment, warehouse, snapshots."""

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from assets.provinces import province_warehouse_url
from assets.resources import DvcSource
from assets.runner import RunOutcome, run_year
from simulators import Simulation, SimulatorServer

PSEUDONYM_KEY = "e2e-test-key-not-secret"
# Load metadata and version columns differ between runs by design (sources.md §1.11).
RUN_SPECIFIC_COLUMNS = {"_batch_id", "_extracted_at", "_fetch_seq", "_version", "updated_at", "computed_at"}

STAGING_TABLES = (
    "staging.stg_dvc__agency",
    "staging.stg_dvc__procedure",
    "staging.stg_dvc__holiday",
    "staging.stg_dvc__dossier",
    "staging.stg_dvc__apology",
    "staging.stg_dvc__rating",
    "staging.stg_dvc__feedback",
)
# The timeouts and retry delays of a source in these runs: the simulator answers at once or fails on purpose.
SHORT_RETRIES = {
    "connect_timeout_s": 2.0,
    "read_timeout_s": 0.75,
    "backoff_initial_s": 0.01,
    "backoff_cap_s": 0.05,
}
MART_TABLES = ("marts.dim_agency", "marts.fct_dossier", "marts.fct_feedback", "marts.metric_value")


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards: the warehouse's schema names are fixed."""
    name = f"parindex_e2e_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def central_database(admin_url: str, provinces: list[str]) -> Iterator[str]:
    """A fresh central database for a provinces deployment and, afterwards, the databases of `provinces`
    that their runs create beside it (`<central db>_<code>`), dropped with it."""
    with postgres_database(admin_url) as url:
        try:
            yield url
        finally:
            admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                for code in provinces:
                    database = sa.make_url(province_warehouse_url(url, code)).database
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.dispose()


# Every end-to-end clean run runs on DuckDB and, where the test server is given, on PostgreSQL too.
BACKENDS = ["duckdb", *(["postgresql"] if os.environ.get("PARINDEX_TEST_POSTGRES_URL") else [])]


@contextlib.contextmanager
def warehouse_for(backend: str, work_dir: Path) -> Iterator[str]:
    """The URL of an empty warehouse on `backend` (one of BACKENDS): a DuckDB file in `work_dir`, or a
    fresh PostgreSQL database dropped afterwards."""
    if backend == "duckdb":
        yield f"duckdb:///{work_dir / 'warehouse.duckdb'}"
        return
    with postgres_database(os.environ["PARINDEX_TEST_POSTGRES_URL"]) as url:
        yield url


def run_against(
    sim: Simulation,
    warehouse_url: str,
    work_dir: Path,
    faults: float = 0.0,
    fault_seed: int = 0,
    resource_overrides: dict | None = None,
    full_refresh: bool = False,
    export_agencies: list[str] | None = None,
) -> RunOutcome:
    """One `parindex run --year` of the simulated year, over real HTTP, with short retry delays;
    `full_refresh` and `export_agencies` are the options `--full-refresh` and `--agency`.

    Every `PARINDEX_*` variable the simulator gives is set, so each configured source is extracted;
    `resource_overrides` replaces resources (e.g. a source with short timeouts) by name; a value may be a
    function of the simulator's variables, for a resource that needs its URL or credentials."""
    with SimulatorServer(sim, port=0, faults=faults, fault_seed=fault_seed, timeout_hold_s=1.5) as server:
        dvc = DvcSource(
            base_url=server.env["PARINDEX_DVC_URL"],
            client_id=server.env["PARINDEX_DVC_CLIENT_ID"],
            client_secret=server.env["PARINDEX_DVC_CLIENT_SECRET"],
            **SHORT_RETRIES,
        )
        with environment(
            **server.env,
            PARINDEX_WAREHOUSE_URL=warehouse_url,
            PARINDEX_PSEUDONYM_KEY=PSEUDONYM_KEY,
            PARINDEX_EXPORT_DIR=str(work_dir / "exports"),
            DAGSTER_HOME=str(work_dir / "dagster_home"),
        ):
            overrides = {
                name: resource(server.env) if callable(resource) else resource
                for name, resource in (resource_overrides or {}).items()
            }
            return run_year(
                sim.year,
                full_refresh=full_refresh,
                export_agencies=export_agencies,
                resource_overrides={"dvc": dvc, **overrides},
            )


def snapshot(
    url: str, tables=STAGING_TABLES + MART_TABLES, drop=RUN_SPECIFIC_COLUMNS
) -> dict[str, pd.DataFrame]:
    """Each table's rows in a stable order, without the columns that legitimately differ between runs."""
    engine = sa.create_engine(url)
    try:
        frames = {}
        with engine.connect() as conn:
            for table in tables:
                frame = pd.read_sql(sa.text(f"SELECT * FROM {table}"), conn)
                frame = frame.drop(columns=[c for c in frame.columns if c in drop])
                frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
        return frames
    finally:
        engine.dispose()


def query(url: str, sql: str) -> list[dict]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(row) for row in conn.execute(sa.text(sql)).mappings()]
    finally:
        engine.dispose()
