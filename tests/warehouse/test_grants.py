import uuid

import pytest

from tests.warehouse.conftest import scalar
from warehouse.grants import grant_analyst
from warehouse.models import run_models


def test_the_analyst_role_reads_marts_only_even_after_a_rebuild(engine):
    if engine.dialect.name == "duckdb":
        with pytest.raises(ValueError, match="PostgreSQL"):
            grant_analyst(engine, "analyst")
        return
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    try:
        run_models(engine)
        grant_analyst(engine, role)
        grant_analyst(engine, role)  # updating an existing role is fine
        run_models(engine)  # recreates every drill-down view

        def can_read(table):
            return scalar(
                engine, "SELECT has_table_privilege(:role, :table, 'SELECT')", role=role, table=table
            )

        assert can_read("marts.metric_value") and can_read("marts.dd_dvc_on_time_rate")
        assert not can_read("staging.stg_dvc__dossier")
        assert not can_read("quarantine.rejected_record")
        assert not scalar(engine, "SELECT has_schema_privilege(:role, 'raw', 'USAGE')", role=role)
    finally:
        with engine.begin() as conn:
            if scalar(engine, "SELECT COUNT(*) FROM pg_roles WHERE rolname = :role", role=role):
                conn.exec_driver_sql(f"DROP OWNED BY {role}")
                conn.exec_driver_sql(f"DROP ROLE {role}")
