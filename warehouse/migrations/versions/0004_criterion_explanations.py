"""Explanations and points at risk (metrics.md §10): four last columns of `marts.criterion_score`.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from warehouse import schema, tables_shared
from warehouse.migrations import add_missing_columns

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
    add_missing_columns(bind, schema.criterion_score, tables_shared.criterion_explanation_columns())
