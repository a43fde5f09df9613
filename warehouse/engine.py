"""Where the warehouse lives and how to connect to it."""

from pathlib import Path

import sqlalchemy as sa

from parindex_facts.defaults import TIMEZONE, WAREHOUSE_URL
from warehouse import dialect
from warehouse.clock import TIMEZONE_OPTION
from warehouse.file_lock import wait_when_locked
from warehouse.memory import duckdb_memory_limit

# DuckDB checkpoints when its WAL passes this size; at the default 16 MB every landed batch of dossiers
# (~30 MB of raw JSON) forced one, and checkpoints were a third of the landing time at `province`.
DUCKDB_CHECKPOINT_THRESHOLD = "256MB"


def make_engine(
    url: str = WAREHOUSE_URL, duckdb_memory: str | None = None, timezone: str = TIMEZONE
) -> sa.Engine:
    """An engine for `url` (`PARINDEX_WAREHOUSE_URL` as `assets/` read it); no connection is opened until
    one is used. Its rows are stamped in `timezone` (warehouse.clock).

    A DuckDB warehouse gets `duckdb_memory` (default: `duckdb_memory_limit(None)`, from the machine) and
    spills beyond it to `<file>.tmp` beside the file, where it has the room of the warehouse's own disk.
    """
    parsed = dialect.normalise_url(url)
    options = {TIMEZONE_OPTION: timezone}
    database_file = dialect.duckdb_file(parsed)
    if database_file is not None:
        # A relative DuckDB path is relative to the working directory, whose data/ may not exist yet.
        Path(database_file).parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == dialect.DUCKDB:
        config = {
            "memory_limit": duckdb_memory or duckdb_memory_limit(None),
            "checkpoint_threshold": DUCKDB_CHECKPOINT_THRESHOLD,
        }
        if database_file is not None:
            config["temp_directory"] = f"{database_file}.tmp"
        engine = sa.create_engine(parsed, connect_args={"config": config}, execution_options=options)
        if database_file is not None:
            # Another process may hold the file for a while (interface.md §4): wait for it, not fail.
            wait_when_locked(engine, database_file)
        return engine
    return sa.create_engine(parsed, execution_options=options)
