"""Explanations and points at risk (metrics.md §10): four last columns of `marts.criterion_score`.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from warehouse import schema, tables_shared

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ()
# Columns this revision adds to tables of earlier ones: an unversioned warehouse is matched without them
# against the earlier revisions (warehouse.migrations).
COLUMNS = {"marts.criterion_score": tuple(c.name for c in tables_shared.criterion_explanation_columns())}


def upgrade() -> None:
    bind = op.get_bind()
    table = schema.criterion_score
    present = {column["name"] for column in sa.inspect(bind).get_columns(table.name, schema=table.schema)}
    # A warehouse adopted at an earlier revision may have been created with these columns already.
    for column in tables_shared.criterion_explanation_columns():
        if column.name not in present:
            op.add_column(table.name, column, schema=table.schema)
