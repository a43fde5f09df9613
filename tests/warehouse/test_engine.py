import duckdb
import pytest

from warehouse.engine import make_engine
from warehouse.publish import READ_COPY_NAME, publish_read_copy


def test_make_engine_creates_the_duckdb_folder_without_connecting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = make_engine()  # the default URL: data/warehouse.duckdb under the working directory
    assert (tmp_path / "data").is_dir()
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()  # no connection yet
    engine.dispose()


def test_postgres_urls_use_psycopg_3():
    engine = make_engine("postgresql://postgres@127.0.0.1:5432/test")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_publish_copies_the_marts_of_the_duckdb_file_beside_it(tmp_path):
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA marts")
        conn.exec_driver_sql("CREATE TABLE marts.t AS SELECT 42 AS answer")
    engine.dispose()

    copy = publish_read_copy(url)

    assert copy == tmp_path / READ_COPY_NAME
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb", READ_COPY_NAME]  # no temp left
    with duckdb.connect(str(copy), read_only=True) as reader:
        assert reader.execute("SELECT answer FROM marts.t").fetchall() == [(42,)]


@pytest.mark.parametrize("url", ["duckdb:///:memory:", "postgresql+psycopg://postgres@127.0.0.1:5432/test"])
def test_publish_is_a_no_op_without_a_duckdb_file(url):
    assert publish_read_copy(url) is None
