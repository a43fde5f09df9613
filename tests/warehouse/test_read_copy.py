"""The read copy holds `marts` only (issue 10): a warehouse with personal data in `raw`, `staging` and
`quarantine` is published, and the copy, opened read-only as an analyst would, has no other schema, none of
those names, every view of the warehouse queryable with the warehouse's rows, and mode 0640."""

import grp
import os
import stat

import duckdb
import pytest
import sqlalchemy as sa

from simulators.people import full_name
from tests.e2e.privacy_scan import clear_text_hits
from warehouse.engine import make_engine
from warehouse.models import run_models
from warehouse.publish import READ_COPY_NAME, publish_read_copy
from warehouse.schema import ensure_schema

# Names the simulator would generate, planted where the pipeline keeps class-R text.
NAMES = [full_name(True, 1, 2), full_name(False, 3, 4), full_name(True, 5, 6)]
RAW_DOSSIER = (
    "INSERT INTO raw.dvc__ho_so (_batch_id, _extracted_at, _source, _key, _record) VALUES "
    "('b1', TIMESTAMP '2025-03-01 08:00', 'dvc', 'HS-1', :record)"
)
STAGING_DOCUMENT = "INSERT INTO staging.stg_qlvb__document (_key, subject) VALUES ('D-1', :subject)"
QUARANTINED = (
    "INSERT INTO quarantine.rejected_record (fingerprint, source, entity, record_key, reason_code, record,"
    " agency_code, quarantined_at) VALUES ('f1', 'dvc', 'ho-so', 'HS-2', 'missing_field', :record, 'H35.02',"
    " TIMESTAMP '2025-03-02 09:00')"
)
MARTS = [
    "INSERT INTO marts.metric_period VALUES (2025, DATE '2025-01-01', DATE '2025-12-31',"
    " TIMESTAMP '2025-01-01 00:00', TIMESTAMP '2026-01-01 00:00', TIMESTAMP '2026-01-01 00:00')",
    "INSERT INTO marts.metric_value (year, period_start, period_end, agency_code, metric_code, numerator,"
    " denominator, value) VALUES (2025, DATE '2025-01-01', DATE '2025-12-31', 'H35.02', 'dvc.on_time_rate',"
    " 3, 4, 0.75)",
    "INSERT INTO staging.cfg_hr_baseline VALUES (2025)",
]


@pytest.fixture
def warehouse(tmp_path) -> str:
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        with engine.begin() as conn:
            conn.execute(sa.text(RAW_DOSSIER), {"record": f'{{"TrichYeuHoSo": "Trợ cấp cho {NAMES[0]}"}}'})
            conn.execute(sa.text(STAGING_DOCUMENT), {"subject": f"Kế hoạch của {NAMES[1]}"})
            conn.execute(sa.text(QUARANTINED), {"record": f'{{"ChuHoSo": "{NAMES[2]}"}}'})
            for statement in MARTS:
                conn.exec_driver_sql(statement)
        run_models(engine)
    finally:
        engine.dispose()
    return url


def _relations(conn, kind: str) -> set[str]:
    name = "table_name" if kind == "duckdb_tables" else "view_name"
    return {
        row[0]
        for row in conn.execute(
            f"SELECT schema_name || '.' || {name} FROM {kind}() "
            "WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
    }


def test_the_copy_holds_marts_only_and_every_view_works(warehouse, tmp_path):
    copy = publish_read_copy(warehouse)

    assert copy == tmp_path / READ_COPY_NAME
    # No temporary file or WAL is left beside them.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([READ_COPY_NAME, "warehouse.duckdb"])
    with duckdb.connect(str(warehouse.removeprefix("duckdb:///")), read_only=True) as source:
        wanted_tables = {t for t in _relations(source, "duckdb_tables") if t.startswith("marts.")}
        wanted_views = {v for v in _relations(source, "duckdb_views") if v.startswith("marts.")}
        source_rows = {
            name: sorted(source.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
            for name in wanted_tables | wanted_views
        }
    # The views that read the pipeline's schemas become tables; every other one stays a view.
    materialised = {
        "marts.dd_quarantine_count",
        "marts.dd_source_file",
        "marts.dd_qlvb_plan_on_time",
        "marts.dd_hr_civil_servant_reduction",
        "marts.dd_qlvb_docreq_candidate",
        "marts.dd_qlvb_docreq_item",
        "marts.dd_qlvb_inspection_coverage",
        # metrics.md §8: staff details and the catalogues' parameters are read from staging
        "marts.dd_hr_serving_staff",
        "marts.dd_hr_rating_member",
        "marts.dd_hr_rating_on_time_rate",
        "marts.dd_hr_leaders_within_limit",
        "marts.dd_hr_public_employee_reduction",
    }
    with duckdb.connect(str(copy), read_only=True) as reader:
        schemas = {
            row[0]
            for row in reader.execute(
                "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()"
            ).fetchall()
        }
        assert schemas == {"main", "marts"}  # main: DuckDB's own, empty
        assert _relations(reader, "duckdb_tables") == wanted_tables | materialised
        assert _relations(reader, "duckdb_views") == wanted_views - materialised
        for name in wanted_tables | wanted_views:
            assert sorted(reader.execute(f"SELECT * FROM {name}").fetchall(), key=repr) == source_rows[name]
        # The quarantined dossier counts once for each of the 9 DVC metrics that read ho-so (the view's
        # mapping), so the comparison above compared rows that exist.
        assert reader.execute("SELECT COUNT(*), SUM(n) FROM marts.dd_quarantine_count").fetchall() == [(9, 9)]
        # Comments of the warehouse's columns travel with them.
        assert reader.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'metric_value' AND column_name = 'value'"
        ).fetchall() == [("rounded half-up; null when the denominator is 0 or there is no data",)]
    engine = sa.create_engine(f"duckdb:///{copy}", connect_args={"read_only": True})
    try:
        assert clear_text_hits(engine, NAMES) == []
    finally:
        engine.dispose()


def test_the_planted_names_are_in_the_warehouse_the_scan_reads(warehouse):
    """The scan above would find the names had the copy kept the pipeline's schemas."""
    engine = make_engine(warehouse)
    try:
        found = {needle for _, needle in clear_text_hits(engine, NAMES)}
    finally:
        engine.dispose()
    assert found == set(NAMES)


def test_the_copy_is_readable_by_the_analysts_group(warehouse, tmp_path):
    own = os.getegid()
    # A group the process may give files to: another one when running as root, else its own.
    other = next((g for g in grp.getgrall() if g.gr_gid != own), None) if os.geteuid() == 0 else None
    group = other or grp.getgrgid(own)
    copy = publish_read_copy(warehouse, analyst_group=group.gr_name)
    status = copy.stat()
    assert stat.S_IMODE(status.st_mode) == 0o640
    assert status.st_gid == group.gr_gid


def test_without_a_group_the_copy_keeps_the_processs_group(warehouse):
    copy = publish_read_copy(warehouse)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o640
    assert copy.stat().st_gid == os.getegid()


def test_an_unknown_group_is_named_and_nothing_is_published(warehouse, tmp_path):
    with pytest.raises(ValueError, match="'no-such-analysts' of the read copy does not exist"):
        publish_read_copy(warehouse, analyst_group="no-such-analysts")
    assert not (tmp_path / READ_COPY_NAME).exists()
