"""Versioned warehouse migrations (Alembic), applied by `parindex migrate` and at the start of every run.

Table definitions stay in `warehouse/schema.py` and `warehouse/tables_*.py`; each revision creates the
tables of its frozen list of names from them (`create_tables`). A change to an existing table is a new
revision with explicit `op` calls. A warehouse created by `metadata.create_all` before migrations existed
has no version table: it is stamped with the newest revision whose tables it already holds, column for
column, and then upgraded.
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

# Alembic finds its DuckDB implementation only if the module is imported; duckdb-sqlalchemy registers it
# by itself only when Alembic was imported first.
from duckdb_sqlalchemy import alembic_impl  # noqa: F401

from warehouse import schema

VERSION_TABLE_SCHEMA = "staging"
VERSION_TABLE = "alembic_version"


class SchemaMismatch(Exception):
    """A warehouse without a version table whose tables are not those of any revision."""


def _config(conn: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = conn
    return config


def revision_tables() -> list[tuple[str, tuple[str, ...]]]:
    """(revision, table names it creates), oldest first."""
    script = ScriptDirectory(str(Path(__file__).parent))
    return [
        (revision.revision, revision.module.TABLES) for revision in reversed(list(script.walk_revisions()))
    ]


def create_tables(bind: sa.Connection, names: tuple[str, ...]) -> None:
    """Create the named tables of the schema, skipping those that exist (an adopted warehouse)."""
    schema.metadata.create_all(bind, tables=[schema.metadata.tables[name] for name in names], checkfirst=True)


def current_revision(conn: sa.Connection) -> str | None:
    context = MigrationContext.configure(
        conn, opts={"version_table": VERSION_TABLE, "version_table_schema": VERSION_TABLE_SCHEMA}
    )
    return context.get_current_revision()


def _matches(inspector: sa.Inspector, name: str) -> bool:
    table = schema.metadata.tables[name]
    if not inspector.has_table(table.name, schema=table.schema):
        return False
    present = {column["name"] for column in inspector.get_columns(table.name, schema=table.schema)}
    return present == {column.name for column in table.columns}


def _adopted_revision(conn: sa.Connection) -> str | None:
    """The revision an unversioned warehouse is at: None if it is empty, else the newest revision all of
    whose tables (and those of the revisions before it) it holds with the expected columns."""
    inspector = sa.inspect(conn)
    existing = [
        name
        for name in schema.metadata.tables
        if inspector.has_table(schema.metadata.tables[name].name, schema=schema.metadata.tables[name].schema)
    ]
    if not existing:
        return None
    adopted = None
    for revision, names in revision_tables():
        if not all(_matches(inspector, name) for name in names):
            break
        adopted = revision
    if adopted is None:
        differing = [name for name in revision_tables()[0][1] if not _matches(inspector, name)]
        raise SchemaMismatch(
            "the warehouse has tables but no migration version, and these tables differ from the first "
            f"revision: {', '.join(differing)}"
        )
    return adopted


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the warehouse to `revision` (default: the newest) in one transaction; safe on every run."""
    with engine.begin() as conn:
        for name in schema.SCHEMAS:
            conn.execute(sa.schema.CreateSchema(name, if_not_exists=True))
        config = _config(conn)
        if current_revision(conn) is None:
            adopted = _adopted_revision(conn)
            if adopted is not None:
                command.stamp(config, adopted)
        command.upgrade(config, revision)
