"""The read copy of a DuckDB warehouse for other processes (interface.md §4): the `marts` schema only.

Analysts, the Dagster webserver and sensors read the copy; `raw`, `staging` and `quarantine` hold class-R free
text and stay in the file the pipeline writes, as on PostgreSQL, where the analyst role reads `marts` alone.
"""

import grp
import os
import re
from pathlib import Path

import sqlalchemy as sa

from parindex_facts.files import temporary_beside
from warehouse import dialect
from warehouse.engine import make_engine
from warehouse.models import build_order

READ_COPY_NAME = "warehouse.read.duckdb"
READ_COPY_MODE = 0o640
PUBLISHED_SCHEMA = "marts"
_ATTACHED = "parindex_read_copy"
# A view that reads one of these schemas cannot be a view in the copy, which does not have them.
_PIPELINE_SCHEMAS = re.compile(r"\b(?:raw|staging|quarantine)\.", re.IGNORECASE)


def publish_read_copy(url: str, *, analyst_group: str | None = None) -> Path | None:
    """Write the `marts` of the DuckDB file at `url` to `warehouse.read.duckdb` beside it; None (nothing to
    do) for PostgreSQL and in-memory DuckDB.

    The copy is built in a new file, never a copy of the whole warehouse: tables are copied row by row,
    views recreated from their SQL, and the views that read `raw`, `staging` or `quarantine` are
    materialised as tables of their rows. Readers never see a half-written copy: it replaces the previous
    one in one atomic rename. The file is readable by its owner and `analyst_group` (mode 0640; without a
    group, the group it was created with, normally the process's). Call it when the run's writes are
    committed.
    """
    database_file = dialect.duckdb_file(url)
    if database_file is None:
        return None
    group_id = _group_id(analyst_group)
    target = Path(database_file).with_name(READ_COPY_NAME)
    temporary = temporary_beside(target, suffix=".tmp")
    # DuckDB refuses to open an empty file as a new database: the name is reserved, the file made by ATTACH.
    temporary.unlink()
    wal = temporary.with_name(temporary.name + ".wal")
    try:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                _write_marts(conn, temporary)
        finally:
            engine.dispose()
        os.chmod(temporary, READ_COPY_MODE)
        if group_id is not None:
            os.chown(temporary, -1, group_id)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
    return target


def reads_pipeline_schemas(view_sql: str) -> bool:
    """Whether a view reads `raw`, `staging` or `quarantine`: in the copy it becomes a table of its rows."""
    return _PIPELINE_SCHEMAS.search(view_sql) is not None


def _group_id(name: str | None) -> int | None:
    if not name:
        return None
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise ValueError(f"the analysts' group {name!r} of the read copy does not exist") from None


def _write_marts(conn: sa.Connection, path: Path) -> None:
    home = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    conn.exec_driver_sql(f"ATTACH {_literal(str(path))} AS {_ATTACHED}")
    conn.commit()
    try:
        conn.exec_driver_sql(f"CREATE SCHEMA {_ATTACHED}.{PUBLISHED_SCHEMA}")
        tables = _relations(conn, home, "duckdb_tables")
        views = _relations(conn, home, "duckdb_views")
        for name in tables:
            _copy_rows(conn, name)
        _copy_comments(conn, home)
        for name in build_order(views):
            if reads_pipeline_schemas(views[name]):
                _copy_rows(conn, name)
                comment = f"rows of the warehouse's view marts.{name}, which reads the pipeline's schemas"
                _comment(conn, f"TABLE {_ATTACHED}.{PUBLISHED_SCHEMA}.{name}", comment)
                continue
            # The view's SQL names `marts.…` without a database: run in the copy, it binds to the copy's.
            conn.exec_driver_sql(f"USE {_ATTACHED}")
            try:
                conn.exec_driver_sql(views[name])
            finally:
                conn.exec_driver_sql(f'USE "{home}"')
        conn.commit()
        conn.exec_driver_sql(f"CHECKPOINT {_ATTACHED}")
        conn.commit()
    finally:
        conn.rollback()
        conn.exec_driver_sql(f"DETACH {_ATTACHED}")
        conn.commit()


def _relations(conn: sa.Connection, database: str, catalog_function: str) -> dict[str, str]:
    """Name → SQL of the tables or views of `marts` in `database`."""
    name_column = "table_name" if catalog_function == "duckdb_tables" else "view_name"
    rows = conn.execute(
        sa.text(
            f"SELECT {name_column}, sql FROM {catalog_function}() "
            "WHERE database_name = :database AND schema_name = :schema AND NOT internal"
        ),
        {"database": database, "schema": PUBLISHED_SCHEMA},
    )
    return {name: sql for name, sql in rows}


def _copy_rows(conn: sa.Connection, name: str) -> None:
    conn.exec_driver_sql(
        f"CREATE TABLE {_ATTACHED}.{PUBLISHED_SCHEMA}.{name} AS SELECT * FROM {PUBLISHED_SCHEMA}.{name}"
    )


def _copy_comments(conn: sa.Connection, database: str) -> None:
    """The tables' and columns' comments, so that `duckdb_columns()` in the copy says what each one means."""
    tables = conn.execute(
        sa.text(
            "SELECT table_name, comment FROM duckdb_tables() "
            "WHERE database_name = :database AND schema_name = :schema AND comment IS NOT NULL"
        ),
        {"database": database, "schema": PUBLISHED_SCHEMA},
    ).all()
    for table, comment in tables:
        _comment(conn, f"TABLE {_ATTACHED}.{PUBLISHED_SCHEMA}.{table}", comment)
    columns = conn.execute(
        sa.text(
            "SELECT c.table_name, c.column_name, c.comment FROM duckdb_columns() AS c "
            "JOIN duckdb_tables() AS t USING (database_name, schema_name, table_name) "
            "WHERE c.database_name = :database AND c.schema_name = :schema AND c.comment IS NOT NULL"
        ),
        {"database": database, "schema": PUBLISHED_SCHEMA},
    ).all()
    for table, column, comment in columns:
        _comment(conn, f'COLUMN {_ATTACHED}.{PUBLISHED_SCHEMA}.{table}."{column}"', comment)


def _comment(conn: sa.Connection, target: str, text: str) -> None:
    # DuckDB takes no parameter in COMMENT ON: the text goes in as a quoted literal.
    conn.exec_driver_sql(f"COMMENT ON {target} IS {_literal(text)}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
