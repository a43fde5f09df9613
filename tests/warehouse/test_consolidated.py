"""The central marts of many provinces (warehouse.consolidated) and the province-restricted analyst role.

Two province warehouses (PostgreSQL databases of their own, migrated, models built on empty staging) get a
few mart rows inserted here, different per province; what the central database must hold is those rows with
their province's code, written out in the test, not read back through the code under test.
"""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from tests.warehouse.conftest import rows, scalar
from warehouse import consolidated, schema
from warehouse.engine import make_engine
from warehouse.grants import grant_analyst
from warehouse.models import run_models

pytestmark = pytest.mark.postgres

PROVINCES = ("H35", "H36")
YEAR_START, YEAR_END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
NEXT_YEAR = dt.datetime(2026, 1, 1)


@pytest.fixture(scope="module")
def server(postgres_url):
    """A connection to the test server, an empty province warehouse (migrated, models built) that each
    test's provinces are copied from: CREATE DATABASE … TEMPLATE copies files, migrating runs every DDL."""
    server = make_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    template = f"parindex_province_{uuid.uuid4().hex[:8]}"
    with server.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {template}")
    try:
        engine = make_engine(server.url.set(database=template))
        schema.ensure_schema(engine)
        run_models(engine)
        engine.dispose()
        yield server, template
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        server.dispose()


@pytest.fixture
def warehouses(server):
    """Engines on an empty central database and one filled warehouse per province, dropped after."""
    server, template = server
    base = f"parindex_consolidated_{uuid.uuid4().hex[:8]}"
    names = {key: f"{base}_{key.lower()}" for key in ("central", *PROVINCES)}
    with server.connect() as conn:
        for key, name in names.items():
            conn.exec_driver_sql(
                f"CREATE DATABASE {name}" + ("" if key == "central" else f" TEMPLATE {template}")
            )
    engines = {key: make_engine(server.url.set(database=name)) for key, name in names.items()}
    try:
        for code in PROVINCES:
            _fill(engines[code], code)
        yield engines
    finally:
        for engine in engines.values():
            engine.dispose()
        with server.connect() as conn:
            for name in names.values():
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _agency(code: str) -> str:
    return f"{code}.01"


def _fill(engine: sa.Engine, code: str) -> None:
    """Rows of a province: two metrics of one agency (numerators differ per province), the year as the
    computed period, and two HR export months, which the view dd_hr_snapshot reduces to December."""
    numerator = 7 if code == "H35" else 9
    with engine.begin() as conn:
        for metric, count in (("dvc.received", numerator), ("dvc.on_time_rate", numerator - 1)):
            conn.execute(
                sa.text(
                    "INSERT INTO marts.metric_value (agency_code, year, period_start, period_end, "
                    "metric_code, numerator, denominator) "
                    "VALUES (:agency, 2025, :start, :end, :metric, :n, 10)"
                ),
                {"agency": _agency(code), "start": YEAR_START, "end": YEAR_END, "metric": metric, "n": count},
            )
        conn.execute(
            sa.text(
                "INSERT INTO marts.metric_period (year, period_start, period_end, period_start_at, "
                "period_end_at, as_of) VALUES (2025, :start, :end, :start_at, :end_at, :end_at)"
            ),
            {"start": YEAR_START, "end": YEAR_END, "start_at": dt.datetime(2025, 1, 1), "end_at": NEXT_YEAR},
        )
        for month in (dt.date(2025, 11, 1), dt.date(2025, 12, 1)):
            conn.execute(
                sa.text(
                    "INSERT INTO marts.fct_hr_export (agency_code, export_month) VALUES (:agency, :month)"
                ),
                {"agency": _agency(code), "month": month},
            )


def _central_metrics(engine: sa.Engine) -> list[tuple]:
    return rows(
        engine,
        "SELECT province_code, agency_code, metric_code, numerator FROM marts.metric_value ORDER BY 1, 2, 3",
    )


def _province_rows(engine: sa.Engine, code: str) -> dict[str, list[tuple]]:
    """Every central table's rows of province `code` with their row versions (xmin): a row rewritten, even
    with the same values, gets a new one."""
    with engine.connect() as conn:
        relations = consolidated.marts_relations(conn)
    return {
        r.name: sorted(
            rows(engine, f"SELECT xmin::text, * FROM marts.{r.name} WHERE province_code = :code", code=code),
            key=repr,
        )
        for r in relations
    }


def test_publishing_replaces_one_provinces_rows_and_never_touches_the_others(warehouses):
    central = warehouses["central"]
    published = {code: consolidated.publish_province(warehouses[code], central, code) for code in PROVINCES}

    assert published["H35"]["metric_value"] == 2 and published["H36"]["dd_hr_snapshot"] == 1
    assert _central_metrics(central) == [
        ("H35", "H35.01", "dvc.on_time_rate", 6),
        ("H35", "H35.01", "dvc.received", 7),
        ("H36", "H36.01", "dvc.on_time_rate", 8),
        ("H36", "H36.01", "dvc.received", 9),
    ]
    # A drill-down view of the provinces is a partitioned table of its rows in the central database.
    assert rows(
        central, "SELECT province_code, agency_code, export_month FROM marts.dd_hr_snapshot ORDER BY 1"
    ) == [("H35", "H35.01", dt.date(2025, 12, 1)), ("H36", "H36.01", dt.date(2025, 12, 1))]
    assert rows(
        central,
        "SELECT c.relkind::text, p.partstrat::text FROM pg_class AS c JOIN pg_partitioned_table AS p "
        "ON p.partrelid = c.oid WHERE c.oid = 'marts.dd_hr_snapshot'::regclass",
    ) == [("p", "l")]
    assert rows(
        central,
        "SELECT DISTINCT tableoid::regclass::text FROM marts.metric_value WHERE province_code = 'H36'",
    ) == [("marts_partitions.metric_value_h36",)]
    # Every relation of a province's marts is published, views included.
    with warehouses["H35"].connect() as conn:
        assert set(published["H35"]) == {r.name for r in consolidated.marts_relations(conn)}

    h36_before = _province_rows(central, "H36")
    with warehouses["H35"].begin() as conn:
        conn.exec_driver_sql("UPDATE marts.metric_value SET numerator = 1 WHERE metric_code = 'dvc.received'")
        conn.exec_driver_sql("DELETE FROM marts.metric_value WHERE metric_code = 'dvc.on_time_rate'")
    consolidated.publish_province(warehouses["H35"], central, "H35")

    assert _central_metrics(central) == [
        ("H35", "H35.01", "dvc.received", 1),
        ("H36", "H36.01", "dvc.on_time_rate", 8),
        ("H36", "H36.01", "dvc.received", 9),
    ]
    assert _province_rows(central, "H36") == h36_before


def test_what_cannot_be_published_is_refused_leaving_the_last_publication_and_new_columns_added(
    warehouses,
):
    # Neither a single-province warehouse nor a malformed code is published to.
    with pytest.raises(ValueError, match=r"marts\.\w+ is not partitioned by province"):
        consolidated.publish_province(warehouses["H35"], warehouses["H36"], "H35")
    with pytest.raises(ValueError, match="not partitioned by province"):
        grant_analyst(warehouses["H35"], f"analyst_{uuid.uuid4().hex[:8]}", province="H35")
    with pytest.raises(ValueError, match="province code 'h35'"):
        consolidated.publish_province(warehouses["H35"], warehouses["central"], "h35")
    central = warehouses["central"]
    consolidated.publish_province(warehouses["H36"], central, "H36")
    h36_before = _province_rows(central, "H36")
    with warehouses["H35"].begin() as conn:
        conn.exec_driver_sql("ALTER TABLE marts.fct_hr_export ADD COLUMN source_file text")
        conn.exec_driver_sql("UPDATE marts.fct_hr_export SET source_file = 'bc_' || agency_code")
    consolidated.publish_province(warehouses["H35"], central, "H35")
    assert rows(central, "SELECT province_code, source_file FROM marts.fct_hr_export ORDER BY 1, 2") == [
        ("H35", "bc_H35.01"),
        ("H35", "bc_H35.01"),
        ("H36", None),
        ("H36", None),
    ]
    # Adding a nullable column rewrites no row of the other province (their row versions are the same).
    assert {k: v for k, v in _province_rows(central, "H36").items() if k != "fct_hr_export"} == {
        k: v for k, v in h36_before.items() if k != "fct_hr_export"
    }
    assert [r[:4] for r in _province_rows(central, "H36")["fct_hr_export"]] == [
        r[:4] for r in h36_before["fct_hr_export"]
    ]

    h35_before = _province_rows(central, "H35")
    with warehouses["H36"].begin() as conn:
        conn.exec_driver_sql("ALTER TABLE marts.metric_value ALTER COLUMN numerator TYPE numeric")
    with pytest.raises(ValueError, match=r"marts\.metric_value\.numerator: the province's type numeric"):
        consolidated.publish_province(warehouses["H36"], central, "H36")
    assert _province_rows(central, "H35") == h35_before
    assert _province_rows(central, "H36")["metric_value"] == h36_before["metric_value"]
    assert not rows(central, "SELECT relname FROM pg_class WHERE right(relname, 5) = '_load'")


def _login(engine: sa.Engine, role: str) -> sa.Engine:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ALTER ROLE {role} LOGIN")
    return make_engine(engine.url.set(username=role, password=None))


def test_a_province_role_reads_its_province_only_and_no_partition(warehouses):
    central = warehouses["central"]
    one, every = (f"analyst_{uuid.uuid4().hex[:8]}" for _ in range(2))
    # Granted before anything is published: the central tables made later carry its policy.
    grant_analyst(central, one, province="H35")
    for code in PROVINCES:
        consolidated.publish_province(warehouses[code], central, code)
    grant_analyst(central, every)
    analysts = {role: _login(central, role) for role in (one, every)}
    try:
        with analysts[one].connect() as conn:
            assert conn.exec_driver_sql("SELECT current_user").scalar_one() == one
            seen = conn.exec_driver_sql("SELECT DISTINCT province_code FROM marts.metric_value").all()
            assert [tuple(r) for r in seen] == [("H35",)]
            other = "SELECT COUNT(*) FROM marts.dd_hr_snapshot WHERE province_code = 'H36'"
            assert conn.exec_driver_sql(other).scalar_one() == 0
        for partition in ("metric_value_h36", "metric_value_h35"):
            with (
                analysts[one].connect() as conn,
                pytest.raises(sa.exc.ProgrammingError, match="permission denied"),
            ):
                conn.exec_driver_sql(f"SELECT COUNT(*) FROM marts_partitions.{partition}")
        with analysts[every].connect() as conn:
            seen = conn.exec_driver_sql(
                "SELECT province_code, COUNT(*) FROM marts.metric_value GROUP BY 1 ORDER BY 1"
            ).all()
            assert [tuple(r) for r in seen] == [("H35", 2), ("H36", 2)]
        # The restricted role widened to every province, the policy replaced rather than added to.
        grant_analyst(central, one)
        with analysts[one].connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM marts.metric_value").scalar_one() == 4
    finally:
        for analyst in analysts.values():
            analyst.dispose()
        with central.begin() as conn:
            for role in (one, every):
                if scalar(central, "SELECT COUNT(*) FROM pg_roles WHERE rolname = :role", role=role):
                    conn.exec_driver_sql(f"DROP OWNED BY {role}")
                    conn.exec_driver_sql(f"DROP ROLE {role}")
