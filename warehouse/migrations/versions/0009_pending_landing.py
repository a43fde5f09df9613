"""Landing whose cost does not grow with staging on DuckDB too (issue 15): the pending twin of every staging
table and child table, where batches wait to be merged into staging every so many rows
(`warehouse.tables_common.pending_twin`, `warehouse.landing`).

Revision ID: 0009_pending_landing
Revises: 0008_landing_index
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0009_pending_landing"
down_revision = "0008_landing_index"
branch_labels = None
depends_on = None

TABLES = (
    "staging.stg_dvc__procedure__pending",
    "staging.stg_dvc__agency__pending",
    "staging.stg_dvc__holiday__pending",
    "staging.stg_dvc__dossier__pending",
    "staging.stg_dvc__apology__pending",
    "staging.stg_dvc__rating__pending",
    "staging.stg_dvc__feedback__pending",
    "staging.stg_qlvb__document__pending",
    "staging.stg_qlvb__signature__pending",
    "staging.stg_qlvb__handling__pending",
    "staging.stg_qlvb__edxml_package__pending",
    "staging.stg_ecabinet__meeting__pending",
    "staging.stg_ecabinet__poll__pending",
    "staging.stg_ecabinet__poll_member__pending",
    "staging.stg_ecabinet__task__pending",
    "staging.stg_hr__export__pending",
    "staging.stg_hr__staff__pending",
    "staging.stg_hr__quota__pending",
    "staging.stg_hr__training__pending",
    "staging.stg_hr__discipline__pending",
    "staging.stg_hr__rating__pending",
)


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
