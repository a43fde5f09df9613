"""The catalogue's scored leaves with their rule parameters, for analysts (issue 10).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("marts.catalogue_leaf",)


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
