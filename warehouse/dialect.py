"""Everything that differs between DuckDB and PostgreSQL; the rest of the warehouse is portable SQL."""

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa

DUCKDB = "duckdb"
POSTGRESQL = "postgresql"
_COPY_CHUNK_ROWS = 20_000


def normalise_url(url: str | sa.URL) -> sa.URL:
    """Pin PostgreSQL to psycopg 3: a bare `postgresql://` would ask SQLAlchemy for psycopg2."""
    parsed = sa.make_url(url)
    if parsed.drivername == POSTGRESQL:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def duckdb_file(url: str | sa.URL) -> str | None:
    """The database file of a DuckDB URL; None for PostgreSQL and in-memory DuckDB."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != DUCKDB or parsed.database in (None, "", ":memory:"):
        return None
    return parsed.database


def is_duckdb(bind: sa.Engine | sa.Connection) -> bool:
    return bind.dialect.name == DUCKDB


def bulk_insert(conn: sa.Connection, target: str, columns: Sequence[str], data: pa.Table) -> None:
    """Append `data` (whose column names are `columns`) to the table named `target` (already quoted).

    DuckDB scans the Arrow table in place, as one chunk: an insert that preserves insertion order keeps a
    buffer per column for every Arrow chunk until the statement ends, and it cannot spill them. A batch of
    500 edXML files (one chunk per file, 26 columns) needed more than 256 MB that way for 539 rows.
    PostgreSQL receives the table through COPY as CSV, which Arrow writes in C++ (null as an empty field, an
    empty string quoted, as PostgreSQL's CSV format expects).
    """
    column_list = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in columns)
    driver = conn.connection.driver_connection
    if is_duckdb(conn):
        view = "_parindex_arrow_load"
        driver.register(view, data.select(list(columns)).combine_chunks())
        try:
            driver.execute(f"INSERT INTO {target} ({column_list}) SELECT {column_list} FROM {view}")
        finally:
            driver.unregister(view)
        return
    options = pa_csv.WriteOptions(include_header=False)
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {target} ({column_list}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for batch in data.select(list(columns)).to_batches(max_chunksize=_COPY_CHUNK_ROWS):
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, options)
            copy.write(buffer.getvalue())


def stream_frames(
    conn: sa.Connection, query: sa.Select, columns: Sequence[str], batch_size: int
) -> Iterator[pd.DataFrame]:
    """The rows of `query` as DataFrames of at most `batch_size` rows, streamed from the server.

    DuckDB hands its result over as Arrow record batches, converted column by column in C++: building the
    frames from Python row tuples took a third of the quality checks' time at `province` scale.
    """
    if is_duckdb(conn):
        sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        try:
            # A relation's result is streamed chunk by chunk; `execute` would materialise all of it.
            reader = conn.connection.driver_connection.sql(sql).to_arrow_reader(batch_size)
        except duckdb.Error as error:
            raise sa.exc.DBAPIError.instance(sql, {}, error, duckdb.Error) from error
        for batch in reader:
            if batch.num_rows:
                yield batch.to_pandas()
        return
    result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(query)
    for rows in result.partitions(batch_size):
        yield pd.DataFrame.from_records(rows, columns=list(columns))


def json_text_field(bind: sa.Engine | sa.Connection, json_sql: str, field: str) -> str:
    """SQL for the text value of top-level `field` of the JSON text `json_sql`; `field` is a contract name."""
    if not field.isidentifier():
        raise ValueError(f"not a JSON field name: {field!r}")
    if is_duckdb(bind):
        return f"json_extract_string({json_sql}, '$.{field}')"
    return f"(({json_sql})::json ->> '{field}')"


@contextmanager
def keyed_lookups(conn: sa.Connection) -> Iterator[None]:
    """Within the block, PostgreSQL joins a batch to a large table through that table's index on the join
    key (a nested loop over index scans) instead of hashing all of the table, so that the cost of merging
    a landed batch does not grow with staging: with 720 k dossiers in staging, its planner still chose to
    scan staging whole for a batch of 20 k rows, even with the batch analysed (bench/landing_profile.py).
    Use it only where the large side of every join has such an index. DuckDB has no index joins (its ART
    serves constraints and constant lookups only), so there the block changes nothing.

    The settings are transaction-local, and are set back before the block's transaction goes on; after an
    error the rollback undoes them.
    """
    if is_duckdb(conn):
        yield
        return
    conn.exec_driver_sql("SET LOCAL enable_hashjoin = off")
    conn.exec_driver_sql("SET LOCAL enable_mergejoin = off")
    yield
    conn.exec_driver_sql("SET LOCAL enable_hashjoin TO DEFAULT")
    conn.exec_driver_sql("SET LOCAL enable_mergejoin TO DEFAULT")


def checkpoint(conn: sa.Connection) -> None:
    """Write DuckDB's WAL into the database file, so that a copy of the file holds everything."""
    if is_duckdb(conn):
        conn.exec_driver_sql("CHECKPOINT")


def transaction_lock(conn: sa.Connection, name: str) -> None:
    """Transactions that take the lock `name` take turns on PostgreSQL (an advisory lock, released with the
    transaction); DuckDB has one writer at a time anyway."""
    if not is_duckdb(conn):
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
