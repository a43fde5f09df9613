"""The read copy of a DuckDB warehouse for other processes (interface.md §4)."""

import os
import shutil
from pathlib import Path

from warehouse import dialect
from warehouse.atomic import temporary_beside
from warehouse.engine import make_engine

READ_COPY_NAME = "warehouse.read.duckdb"


def publish_read_copy(url: str) -> Path | None:
    """Copy the DuckDB file at `url` to `warehouse.read.duckdb` beside it; None (nothing to do) otherwise.

    Readers never see a half-written copy: the copy goes to a temporary name first, then replaces the
    previous one in one atomic rename. Call it when the run's writes are committed.
    """
    database_file = dialect.duckdb_file(url)
    if database_file is None:
        return None
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            dialect.checkpoint(conn)
    finally:
        engine.dispose()
    source = Path(database_file)
    target = source.with_name(READ_COPY_NAME)
    temporary = temporary_beside(target, suffix=".tmp")
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
