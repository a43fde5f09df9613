"""Document requirements (metrics.md §7): the year's requirement items and the register entries matching them.

Revision ID: 0007_docreq
Revises: 0007_dvc766
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0007_docreq"
down_revision = "0007_dvc766"
branch_labels = None
depends_on = None

TABLES = ("staging.cfg_docreq_item", "staging.docreq_match")


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
