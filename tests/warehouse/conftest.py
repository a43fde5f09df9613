"""One engine fixture, run on DuckDB always and on PostgreSQL when PARINDEX_TEST_POSTGRES_URL is set.

PostgreSQL tests get a database of their own for the session (created and dropped here), and the four
schemas are dropped before each test, so nothing is shared with other suites using the same server.
"""

import os
import uuid

import pytest
import sqlalchemy as sa

from warehouse import schema
from warehouse.engine import make_engine

POSTGRES_URL_VARIABLE = "PARINDEX_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_url():
    admin_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not admin_url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    database = f"parindex_warehouse_{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {database}")
    yield make_engine(admin_url).url.set(database=database).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    if request.param == "postgres":
        with engine.begin() as conn:
            for name in schema.SCHEMAS:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    schema.ensure_schema(engine)
    yield engine
    engine.dispose()


def scalar(engine: sa.Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def rows(engine: sa.Engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql), params)]


def year_period(year: int) -> str:
    """SQL condition keeping the whole year's rows of `marts.metric_value` or a drill-down view: the rows
    of its months have other period dates (warehouse.metric_values.month_periods)."""
    return f"period_start = DATE '{year}-01-01' AND period_end = DATE '{year}-12-31'"
