"""Where the warehouse lives and how to connect to it."""

import os
from pathlib import Path

import sqlalchemy as sa

from warehouse import dialect
from warehouse.file_lock import wait_when_locked
from warehouse.memory import duckdb_memory_limit

DEFAULT_URL = "duckdb:///data/warehouse.duckdb"
# DuckDB checkpoints when its WAL passes this size; at the default 16 MB every landed batch of dossiers
# (~30 MB of raw JSON) forced one, and checkpoints were a third of the landing time at `province`.
DUCKDB_CHECKPOINT_THRESHOLD = "256MB"


def warehouse_url() -> str:
    """The SQLAlchemy URL of the warehouse (`PARINDEX_WAREHOUSE_URL`, interface.md §1)."""
    return os.environ.get("PARINDEX_WAREHOUSE_URL") or DEFAULT_URL


def make_engine(url: str | None = None, duckdb_memory: str | None = None) -> sa.Engine:
    """An engine for `url` (default: `warehouse_url()`); no connection is opened until one is used.

    A DuckDB warehouse gets `duckdb_memory` (default: `duckdb_memory_limit()`) and spills beyond it to
    `<file>.tmp` beside the file, where it has the room of the warehouse's own disk.
    """
    parsed = dialect.normalise_url(url or warehouse_url())
    database_file = dialect.duckdb_file(parsed)
    if database_file is not None:
        # A relative DuckDB path is relative to the working directory, whose data/ may not exist yet.
        Path(database_file).parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == dialect.DUCKDB:
        config = {
            "memory_limit": duckdb_memory or duckdb_memory_limit(),
            "checkpoint_threshold": DUCKDB_CHECKPOINT_THRESHOLD,
        }
        if database_file is not None:
            config["temp_directory"] = f"{database_file}.tmp"
        engine = sa.create_engine(parsed, connect_args={"config": config})
        if database_file is not None:
            # Another process may hold the file for a while (interface.md §4): wait for it, not fail.
            wait_when_locked(engine, database_file)
        return engine
    return sa.create_engine(parsed)
