"""A province's PostgreSQL database is created on first use (issue 16), once."""

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from warehouse.databases import ensure_database

POSTGRES_URL = os.environ.get("PARINDEX_TEST_POSTGRES_URL")
# Processes creating the same database at once (a province's first steps on several workers).
CREATORS = 6


@pytest.mark.skipif(not POSTGRES_URL, reason="PARINDEX_TEST_POSTGRES_URL is not set")
def test_a_missing_province_database_is_created_once():
    name = f"parindex_province_{uuid.uuid4().hex[:8]}_h35"
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        assert ensure_database(url) is True
        assert ensure_database(url) is False
        with admin.connect() as conn:
            found = conn.execute(sa.text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": name})
            assert found.scalar() == 1
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="PARINDEX_TEST_POSTGRES_URL is not set")
def test_processes_creating_a_province_database_at_once_all_get_it():
    """Celery workers start steps of one province's first run together, each creating its database: the
    losers of the race see it created (one creation), none fails."""
    name = f"parindex_province_{uuid.uuid4().hex[:8]}_h35"
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    together = threading.Barrier(CREATORS)

    def create() -> bool:
        together.wait()
        return ensure_database(url)

    try:
        with ThreadPoolExecutor(CREATORS) as pool:
            created = list(pool.map(lambda _: create(), range(CREATORS)))
        assert sorted(created) == [False] * (CREATORS - 1) + [True]
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_a_duckdb_warehouse_is_left_to_its_engine(tmp_path):
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    assert ensure_database(url) is False
    assert not (tmp_path / "warehouse.duckdb").exists()
