"""What processes other than a run (sensors, the webserver) read, so that they never open the DuckDB file a
run writes (interface.md §4)."""

from pathlib import Path

import sqlalchemy as sa

from warehouse import dialect
from warehouse.engine import make_engine
from warehouse.publish import READ_COPY_NAME


def reader_engine(url: str) -> sa.Engine | None:
    """An engine on the warehouse as other processes may read it: on DuckDB the read copy published by the
    last run, opened read-only (None while no run has published one); on PostgreSQL the warehouse itself,
    which serves readers beside a writing run."""
    if sa.make_url(url).get_backend_name() != dialect.DUCKDB:
        return make_engine(url)
    database_file = dialect.duckdb_file(url)
    if database_file is None:  # in memory: nothing another process could read
        return None
    copy = Path(database_file).with_name(READ_COPY_NAME)
    if not copy.exists():
        return None
    return sa.create_engine(f"duckdb:///{copy}", connect_args={"read_only": True})
