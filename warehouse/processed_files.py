"""Which files of a watched folder were processed, by content hash (sources.md §3.7, §5.1)."""

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from warehouse.clock import local_now
from warehouse.loading import load_arrow, rows_to_arrow
from warehouse.tables_shared import processed_file

LOADED, QUARANTINED, RETRY = "loaded", "quarantined", "retry"


# The registry as readers outside a run see it: the mart over it, which the read copy holds.
PUBLISHED = sa.Table(
    "dd_source_file",
    sa.MetaData(),
    *(sa.Column(c.name, c.type) for c in processed_file.columns),
    schema="marts",
)


def file_cache(
    engine: sa.Engine, source: str, table: sa.Table = processed_file
) -> dict[tuple[str, int, float], str]:
    """(name, size, mtime) → SHA-256 of every file seen before, so unchanged files are not hashed again.
    `table` is the registry, or `PUBLISHED` on a reader's engine."""
    query = sa.select(table.c.file_name, table.c.size_bytes, table.c.modified_at, table.c.sha256).where(
        table.c.source == source
    )
    with engine.connect() as conn:
        return {(name, size, mtime): sha for name, size, mtime, sha in conn.execute(query)}


def done_files(engine: sa.Engine, source: str, table: sa.Table = processed_file) -> dict[str, str]:
    """SHA-256 → file name of the contents already loaded or quarantined for good (the name it was processed
    under, the first by name where a content came under several); a file in `retry` (e.g. unknown_agency)
    is read again on every run until it loads. `table` as for `file_cache`."""
    query = (
        sa.select(table.c.sha256, table.c.file_name)
        .where(table.c.source == source, table.c.status.in_([LOADED, QUARANTINED]))
        .order_by(table.c.file_name.desc())
    )
    with engine.connect() as conn:
        return {sha: name for sha, name in conn.execute(query)}


def done_hashes(engine: sa.Engine, source: str) -> set[str]:
    """The contents of `done_files`."""
    return set(done_files(engine, source))


def record_files(engine: sa.Engine, source: str, files: Iterable[Mapping[str, Any]]) -> int:
    """Record the outcome of each file (dicts with `file_name, size_bytes, modified_at, sha256, status`, and
    optionally `reason_code`, `batch_id`); a file seen again replaces its earlier row."""
    table = processed_file
    now = local_now(engine)
    records = [{**dict(f), "source": source, "processed_at": now} for f in files]
    if not records:
        return 0
    # The rows are bulk-loaded once into a temporary twin, which both finds the rows they replace (a
    # semi-join) and is appended: a delete naming thousands of (name, hash) pairs as literals cost more
    # than reading an edXML package (about 26 µs of CPU a file on DuckDB).
    staged = sa.Table(
        "registry_files",
        sa.MetaData(),
        *(sa.Column(c.name, c.type) for c in table.columns),
        prefixes=["TEMPORARY"],
    )
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {staged.name}")
        staged.create(conn)
        added = load_arrow(conn, staged, rows_to_arrow(table, records))
        replaced = sa.exists().where(
            staged.c.file_name == table.c.file_name, staged.c.sha256 == table.c.sha256
        )
        conn.execute(sa.delete(table).where(table.c.source == source, replaced))
        conn.execute(sa.insert(table).from_select(list(staged.c.keys()), sa.select(staged)))
        staged.drop(conn)
        return added
