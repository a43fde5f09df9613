"""A province's PostgreSQL database is created on first use (issue 16), once."""

import os
import uuid

import pytest
import sqlalchemy as sa

from warehouse.databases import ensure_database

POSTGRES_URL = os.environ.get("PARINDEX_TEST_POSTGRES_URL")


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


def test_a_duckdb_warehouse_is_left_to_its_engine(tmp_path):
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    assert ensure_database(url) is False
    assert not (tmp_path / "warehouse.duckdb").exists()
