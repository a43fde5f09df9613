"""Alembic's entry point: always given an open connection by `warehouse.migrations.upgrade`."""

from alembic import context

from warehouse import schema
from warehouse.migrations import VERSION_TABLE, VERSION_TABLE_SCHEMA

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=schema.metadata,
    version_table=VERSION_TABLE,
    version_table_schema=VERSION_TABLE_SCHEMA,
)
with context.begin_transaction():
    context.run_migrations()
