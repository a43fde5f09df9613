"""An analyst really connected: on PostgreSQL as the role of `grant-analyst` (given LOGIN here; the test
server trusts local connections), on DuckDB through the read copy opened read-only (the documented way)."""

import uuid

import duckdb
import pytest
import sqlalchemy as sa

from tests.warehouse.conftest import scalar
from warehouse.engine import make_engine
from warehouse.grants import grant_analyst
from warehouse.models import run_models
from warehouse.publish import publish_read_copy

REFUSED = ("raw.dvc__ho_so", "staging.stg_dvc__dossier", "quarantine.rejected_record")
INSERT_METRIC = (
    "INSERT INTO marts.metric_value (year, period_start, period_end, agency_code, metric_code)"
    " VALUES (2025, DATE '2025-01-01', DATE '2025-12-31', 'H35.01', 'dvc.received')"
)


def _pg_analyst(engine: sa.Engine):
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    grant_analyst(engine, role)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ALTER ROLE {role} LOGIN")
    return role, make_engine(engine.url.set(username=role, password=None))


def test_the_analyst_connection_reads_marts_and_is_refused_elsewhere(engine, tmp_path):
    run_models(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(INSERT_METRIC)
    if engine.dialect.name == "duckdb":
        read_copy = publish_read_copy(engine.url.render_as_string(hide_password=False))
        analyst = duckdb.connect(str(read_copy), read_only=True)
        try:
            assert analyst.execute("SELECT COUNT(*) FROM marts.metric_value").fetchall() == [(1,)]
            with pytest.raises(duckdb.InvalidInputException, match="read-only"):
                analyst.execute(INSERT_METRIC)
        finally:
            analyst.close()
        return
    role, analyst = _pg_analyst(engine)
    try:
        with analyst.connect() as conn:
            assert conn.exec_driver_sql("SELECT current_user").scalar_one() == role
            # One row inserted above by the pipeline's role; views are readable as well as tables.
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM marts.metric_value").scalar_one() == 1
            conn.exec_driver_sql("SELECT COUNT(*) FROM marts.dd_dvc_on_time_rate").scalar_one()
        for table in REFUSED:
            with analyst.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}")
        with analyst.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            conn.exec_driver_sql(INSERT_METRIC)
    finally:
        analyst.dispose()
        with engine.begin() as conn:
            if scalar(engine, "SELECT COUNT(*) FROM pg_roles WHERE rolname = :role", role=role):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
