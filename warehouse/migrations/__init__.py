"""Versioned warehouse migrations (Alembic), applied by `parindex migrate` and at the start of every run.

Table definitions stay in `warehouse/schema.py` and `warehouse/tables_*.py`; each revision creates the
tables of its frozen list of names from them (`create_tables`). A change to an existing table is a new
revision with explicit `op` calls that lists the columns it adds in `COLUMNS`. A warehouse created by
`metadata.create_all` before migrations existed has no version table: it is stamped with the newest revision
whose tables it already holds, column for column (without the columns later revisions add), and then
upgraded.
"""

from pathlib import Path

import sqlalchemy as sa
from alembic import command, op
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

# Alembic finds its DuckDB implementation only if the module is imported; duckdb-sqlalchemy registers it
# by itself only when Alembic was imported first.
from duckdb_sqlalchemy import alembic_impl  # noqa: F401

from warehouse import dialect, schema

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


def revision_columns() -> dict[str, dict[str, tuple[str, ...]]]:
    """revision → {table name: the columns it adds to a table of an earlier revision}."""
    script = ScriptDirectory(str(Path(__file__).parent))
    return {
        revision.revision: getattr(revision.module, "COLUMNS", {}) for revision in script.walk_revisions()
    }


def create_tables(bind: sa.Connection, names: tuple[str, ...]) -> None:
    """Create the named tables of the schema, skipping those that exist (an adopted warehouse)."""
    schema.metadata.create_all(bind, tables=[schema.metadata.tables[name] for name in names], checkfirst=True)


def add_missing_columns(bind: sa.Connection, table: sa.Table, columns: list[sa.Column]) -> None:
    """Adds the columns a revision brings to a table of an earlier one, unless present: a warehouse adopted
    at an earlier revision may have been created with them already."""
    present = {column["name"] for column in sa.inspect(bind).get_columns(table.name, schema=table.schema)}
    for column in columns:
        if column.name not in present:
            op.add_column(table.name, column, schema=table.schema)


def current_revision(conn: sa.Connection) -> str | None:
    context = MigrationContext.configure(
        conn, opts={"version_table": VERSION_TABLE, "version_table_schema": VERSION_TABLE_SCHEMA}
    )
    return context.get_current_revision()


def _present_columns(inspector: sa.Inspector, name: str) -> set[str] | None:
    table = schema.metadata.tables[name]
    if not inspector.has_table(table.name, schema=table.schema):
        return None
    return {column["name"] for column in inspector.get_columns(table.name, schema=table.schema)}


def _matches(inspector: sa.Inspector, name: str, later: frozenset[str] = frozenset()) -> bool:
    """The table exists with the columns of its definition, leaving aside `later` (added by later
    revisions, which it may or may not have yet)."""
    present = _present_columns(inspector, name)
    expected = {column.name for column in schema.metadata.tables[name].columns}
    return present is not None and present - later == expected - later


def _has_added_columns(inspector: sa.Inspector, added: dict[str, tuple[str, ...]]) -> bool:
    return all(
        set(columns) <= (_present_columns(inspector, name) or set()) for name, columns in added.items()
    )


def _columns_added_after(
    revisions: list[tuple[str, tuple[str, ...]]], added: dict[str, dict[str, tuple[str, ...]]], position: int
) -> dict[str, frozenset[str]]:
    """table name → the columns that the revisions after `revisions[position]` add to it."""
    later: dict[str, set[str]] = {}
    for newer, _ in revisions[position + 1 :]:
        for name, columns in added[newer].items():
            later.setdefault(name, set()).update(columns)
    return {name: frozenset(columns) for name, columns in later.items()}


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
    revisions = revision_tables()
    added = revision_columns()
    for position, (revision, names) in enumerate(revisions):
        later = _columns_added_after(revisions, added, position)
        if not all(_matches(inspector, name, later.get(name, frozenset())) for name in names):
            break
        if not _has_added_columns(inspector, added[revision]):
            break
        adopted = revision
    if adopted is None:
        later = _columns_added_after(revisions, added, 0)
        differing = [
            name for name in revisions[0][1] if not _matches(inspector, name, later.get(name, frozenset()))
        ]
        raise SchemaMismatch(
            "the warehouse has tables but no migration version, and these tables differ from the first "
            f"revision: {', '.join(differing)}"
        )
    return adopted


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Bring the warehouse to `revision` (default: the newest) in one transaction; safe on every run."""
    with engine.begin() as conn:
        # Processes upgrading one database at once (a province's first steps on several Celery workers) take
        # turns: CREATE SCHEMA IF NOT EXISTS and the migrations are not safe side by side on PostgreSQL, the
        # second fails on pg_namespace's unique name.
        dialect.transaction_lock(conn, "parindex.migrations.upgrade")
        for name in schema.SCHEMAS:
            conn.execute(sa.schema.CreateSchema(name, if_not_exists=True))
        config = _config(conn)
        if current_revision(conn) is None:
            adopted = _adopted_revision(conn)
            if adopted is not None:
                command.stamp(config, adopted)
        command.upgrade(config, revision)
