"""Incremental raw-table checks: how far each suite has read its append-only table.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("staging.quality_check_progress",)


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
