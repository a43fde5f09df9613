"""Metric parameters of the catalogues and HR leader levels (metrics.md §8, §9.7; issue 12).

Revision ID: 0007_hrcrit
Revises: 0007_docreq
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0007_hrcrit"
down_revision = "0007_docreq"
branch_labels = None
depends_on = None

TABLES = ("staging.cfg_metric_parameter", "staging.cfg_hr_leader_level")


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
