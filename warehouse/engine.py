"""Where the warehouse lives and how to connect to it."""

import os
from pathlib import Path

import sqlalchemy as sa

from warehouse import dialect
from warehouse.file_lock import wait_when_locked

DEFAULT_URL = "duckdb:///data/warehouse.duckdb"
# DuckDB would otherwise take up to 80 % of the machine's memory for its buffers; beyond this it spills to
# disk, so a year's load stays within the memory budget of a shared server.
DEFAULT_DUCKDB_MEMORY_LIMIT = "256MB"
# DuckDB checkpoints when its WAL passes this size; at the default 16 MB every landed batch of dossiers
# (~30 MB of raw JSON) forced one, and checkpoints were a third of the landing time at `province`.
DUCKDB_CHECKPOINT_THRESHOLD = "256MB"


def warehouse_url() -> str:
    """The SQLAlchemy URL of the warehouse (`PARINDEX_WAREHOUSE_URL`, interface.md §1)."""
    return os.environ.get("PARINDEX_WAREHOUSE_URL") or DEFAULT_URL


def make_engine(url: str | None = None) -> sa.Engine:
    """An engine for `url` (default: `warehouse_url()`); no connection is opened until one is used."""
    parsed = dialect.normalise_url(url or warehouse_url())
    database_file = dialect.duckdb_file(parsed)
    if database_file is not None:
        # A relative DuckDB path is relative to the working directory, whose data/ may not exist yet.
        Path(database_file).parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == dialect.DUCKDB:
        limit = os.environ.get("PARINDEX_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT
        config = {"memory_limit": limit, "checkpoint_threshold": DUCKDB_CHECKPOINT_THRESHOLD}
        engine = sa.create_engine(parsed, connect_args={"config": config})
        if database_file is not None:
            # Another process may hold the file for a while (interface.md §4): wait for it, not fail.
            wait_when_locked(engine, database_file)
        return engine
    return sa.create_engine(parsed)
