"""Schema evolution (issue 5): a warehouse at revision 0001 (the DVC foundation) keeps its rows when it is
upgraded to the newest revision, and a warehouse created by `create_all` before migrations existed is
stamped with the revision its tables match, on DuckDB and on PostgreSQL."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.warehouse.conftest import scalar
from warehouse import schema
from warehouse.cursors import get_watermark, set_watermark
from warehouse.engine import make_engine
from warehouse.migrations import SchemaMismatch, current_revision, revision_tables, upgrade

FIRST, NEWEST = revision_tables()[0][0], revision_tables()[-1][0]
FOUNDATION_TABLES = revision_tables()[0][1]


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty(request, tmp_path):
    """An engine on a warehouse without any of parindex's schemas."""
    if request.param == "duckdb":
        engine = make_engine(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    else:
        engine = make_engine(request.getfixturevalue("postgres_url"))
        with engine.begin() as conn:
            for name in schema.SCHEMAS:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
    yield engine
    engine.dispose()


def _revision(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return current_revision(conn)


def _exists(engine: sa.Engine, name: str) -> bool:
    table = schema.metadata.tables[name]
    return sa.inspect(engine).has_table(table.name, schema=table.schema)


def test_every_table_is_created_by_exactly_one_revision():
    names = [name for _, tables in revision_tables() for name in tables]
    assert sorted(names) == sorted(schema.metadata.tables)


def test_a_foundation_warehouse_keeps_its_rows_when_upgraded(empty):
    upgrade(empty, FIRST)
    assert _revision(empty) == FIRST
    assert not _exists(empty, "staging.stg_qlvb__document")
    set_watermark(empty, "dvc", "ho-so", datetime(2025, 3, 2, 12, 0))
    with empty.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO marts.metric_value (year, period_start, period_end, agency_code, metric_code)"
            " VALUES (2025, DATE '2025-01-01', DATE '2025-12-31', 'H35.01', 'dvc.received')"
        )

    schema.ensure_schema(empty)

    assert _revision(empty) == NEWEST
    assert all(_exists(empty, name) for name in schema.metadata.tables)
    assert get_watermark(empty, "dvc", "ho-so") == datetime(2025, 3, 2, 12, 0)
    assert scalar(empty, "SELECT COUNT(*) FROM marts.metric_value") == 1
    schema.ensure_schema(empty)  # at the newest revision, nothing to do
    assert _revision(empty) == NEWEST


def _create_all(engine: sa.Engine, names) -> None:
    """What `ensure_schema` did before migrations: schemas, then `create_all` of the tables of the day."""
    with engine.begin() as conn:
        for name in schema.SCHEMAS:
            conn.execute(sa.schema.CreateSchema(name, if_not_exists=True))
        schema.metadata.create_all(conn, tables=[schema.metadata.tables[n] for n in names])


def test_an_unversioned_foundation_warehouse_is_stamped_then_upgraded(empty):
    _create_all(empty, FOUNDATION_TABLES)
    set_watermark(empty, "dvc", "pakn", datetime(2025, 1, 1))
    assert _revision(empty) is None

    schema.ensure_schema(empty)

    assert _revision(empty) == NEWEST
    assert _exists(empty, "marts.fct_hr_staff")
    assert get_watermark(empty, "dvc", "pakn") == datetime(2025, 1, 1)


def test_an_unversioned_current_warehouse_is_stamped_at_the_newest_revision(empty):
    _create_all(empty, list(schema.metadata.tables))
    schema.ensure_schema(empty)
    assert _revision(empty) == NEWEST


def test_an_unversioned_warehouse_whose_tables_differ_is_refused(empty):
    _create_all(empty, [name for name in FOUNDATION_TABLES if name != "staging.extraction_cursor"])
    with empty.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE staging.extraction_cursor (source TEXT)")
    with pytest.raises(SchemaMismatch, match="staging.extraction_cursor"):
        schema.ensure_schema(empty)
    assert _revision(empty) is None


EXPLANATION_COLUMNS = ("explanation", "risk_down", "gain_up", "fix_up")


def _columns(engine: sa.Engine, name: str) -> set[str]:
    table = schema.metadata.tables[name]
    return {column["name"] for column in sa.inspect(engine).get_columns(table.name, schema=table.schema)}


def _drop_explanation_columns(engine: sa.Engine) -> None:
    """Revisions create tables from today's definitions: a warehouse made before 0004 lacked these."""
    with engine.begin() as conn:
        for column in EXPLANATION_COLUMNS:
            conn.exec_driver_sql(f"ALTER TABLE marts.criterion_score DROP COLUMN {column}")


def test_0004_adds_the_explanation_columns_and_keeps_the_scores(empty):
    upgrade(empty, "0003")
    _drop_explanation_columns(empty)
    with empty.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO marts.criterion_score (agency_code, year, catalogue_id, criterion_code, score)"
            " VALUES ('H35.02', 2026, 'template-so@2026.1', '3.3', 3.00)"
        )

    schema.ensure_schema(empty)

    assert _revision(empty) == NEWEST
    assert set(EXPLANATION_COLUMNS) <= _columns(empty, "marts.criterion_score")
    assert scalar(empty, "SELECT COUNT(*) FROM marts.criterion_score WHERE risk_down IS NULL") == 1


def test_an_unversioned_warehouse_from_before_0004_is_stamped_at_0003_then_upgraded(empty):
    _create_all(empty, list(schema.metadata.tables))
    _drop_explanation_columns(empty)

    schema.ensure_schema(empty)

    assert _revision(empty) == NEWEST
    assert set(EXPLANATION_COLUMNS) <= _columns(empty, "marts.criterion_score")


def test_0006_keys_metric_period_by_its_dates_so_a_year_holds_its_months(empty):
    upgrade(empty, "0005")
    with empty.begin() as conn:
        if empty.dialect.name == "postgresql":  # the key of revision 0001's time (DuckDB declares none)
            conn.exec_driver_sql("ALTER TABLE marts.metric_period DROP CONSTRAINT metric_period_pkey")
            conn.exec_driver_sql("ALTER TABLE marts.metric_period ADD PRIMARY KEY (year)")
        conn.exec_driver_sql(
            "INSERT INTO marts.metric_period VALUES"
            " (2025, '2025-01-01', '2025-12-31', '2025-01-01', '2026-01-01', '2026-01-02')"
        )

    schema.ensure_schema(empty)

    with empty.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO marts.metric_period VALUES"
            " (2025, '2025-01-01', '2025-01-31', '2025-01-01', '2025-02-01', '2026-01-02')"
        )
    assert _revision(empty) == NEWEST
    assert scalar(empty, "SELECT COUNT(*) FROM marts.metric_period WHERE year = 2025") == 2


PORTAL_COLUMNS = [column.name for column in schema.dvc_portal_dossier_columns()]


def test_0007_adds_the_decision_766_dossier_columns_and_marts_and_keeps_the_dossiers(empty):
    upgrade(empty, "0006")
    with empty.begin() as conn:
        # Revision 0006 creates the table from today's definition: take away what 0007 adds.
        for name in PORTAL_COLUMNS:
            conn.exec_driver_sql(f"ALTER TABLE staging.stg_dvc__dossier DROP COLUMN {name}")
        conn.exec_driver_sql("INSERT INTO staging.stg_dvc__dossier (dossier_code, _key) VALUES ('D1', 'D1')")

    schema.ensure_schema(empty)

    assert _revision(empty) == NEWEST
    assert set(PORTAL_COLUMNS) <= _columns(empty, "staging.stg_dvc__dossier")
    assert _exists(empty, "marts.fct_dossier_portal") and _exists(empty, "marts.fct_procedure_agency")
    # Landed before 0007: kept, with the new columns empty until a newer version of the dossier is landed.
    kept = "SELECT COUNT(*) FROM staging.stg_dvc__dossier WHERE reused_component_count IS NULL"
    assert scalar(empty, kept) == 1


def test_0008_indexes_the_parent_key_of_every_child_table_on_postgresql(empty):
    upgrade(empty, "0007_hrcrit")
    children = [child for target in schema.LANDING_TARGETS.values() for child in target.children.values()]
    with empty.begin() as conn:
        # Revision 0007_hrcrit creates the tables from today's definitions: take away what 0008 adds.
        for child in children:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {child.schema}.ix_{child.name}_parent_key")

    schema.ensure_schema(empty)

    assert _revision(empty) == NEWEST
    inspector = sa.inspect(empty)
    indexed = {
        child.name: [
            index["column_names"] for index in inspector.get_indexes(child.name, schema=child.schema)
        ]
        for child in children
    }
    # On PostgreSQL (landing replaces entries by `_parent_key`, docs/layers.md §2); DuckDB gets no index.
    expected = [] if empty.dialect.name == "duckdb" else [["_parent_key"]]
    assert children and indexed == {child.name: expected for child in children}
