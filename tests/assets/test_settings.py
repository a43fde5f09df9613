"""The settings `assets/` read from the environment and pass down as values (assets/settings.py): each
variable, its default from parindex_facts.defaults, and that the engine carries the memory limit and the
time zone to the layer below."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from assets import settings
from warehouse.clock import local_now


def test_the_warehouse_url_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("PARINDEX_WAREHOUSE_URL", raising=False)
    assert settings.warehouse_url() == "duckdb:///data/warehouse.duckdb"  # interface.md §1's default
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", "postgresql://analyst@db/parindex")
    assert settings.warehouse_url() == "postgresql://analyst@db/parindex"


def test_the_catalogues_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("PARINDEX_CATALOGUE", raising=False)
    assert [c.id for c in settings.catalogues()] == ["template-so@2026.2", "qd766@2026"]  # interface.md §1
    monkeypatch.setenv("PARINDEX_CATALOGUE", "qd766@2022, template-so@2026.1")
    assert [c.id for c in settings.catalogues()] == ["qd766@2022", "template-so@2026.1"]


def test_the_manual_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("PARINDEX_MANUAL_DIR", raising=False)
    assert str(settings.manual_directory()) == "manual"
    monkeypatch.setenv("PARINDEX_MANUAL_DIR", str(tmp_path))
    assert settings.manual_directory() == tmp_path


def test_the_engine_gets_the_memory_limit_and_the_time_zone_of_the_environment(monkeypatch, tmp_path):
    database = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", f"duckdb:///{database}")
    monkeypatch.setenv("PARINDEX_DUCKDB_MEMORY_LIMIT", "300MB")
    # 14 hours ahead of UTC: its local time differs from the default zone's (UTC+7) by 7 hours.
    monkeypatch.setenv("PARINDEX_TIMEZONE", "Pacific/Kiritimati")
    engine = settings.warehouse_engine()
    with engine.connect() as conn:
        limit = conn.exec_driver_sql("SELECT current_setting('memory_limit')").scalar()
        stamped = local_now(conn)
    engine.dispose()
    assert limit == "286.1 MiB"  # 300 × 10⁶ bytes
    expected = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None)
    assert abs(stamped - expected) < timedelta(minutes=1)
