"""Landing whose cost does not grow with the warehouse (issue 15): on PostgreSQL, an index on `_parent_key`
of every child table of staging, through which landing replaces the entries of a batch's parents.

Warehouses created after this revision get the index with their tables; DuckDB gets none (no index joins).

Revision ID: 0008_landing_index
Revises: 0007_hrcrit
"""

from alembic import op

from warehouse import dialect, schema

revision = "0008_landing_index"
down_revision = "0007_hrcrit"
branch_labels = None
depends_on = None

TABLES = ()


def upgrade() -> None:
    bind = op.get_bind()
    if dialect.is_duckdb(bind):
        return
    for target in schema.LANDING_TARGETS.values():
        for child in target.children.values():
            for index in child.indexes:
                if [column.name for column in index.columns] == ["_parent_key"]:
                    index.create(bind, checkfirst=True)
