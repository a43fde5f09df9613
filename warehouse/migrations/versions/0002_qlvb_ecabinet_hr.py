"""QLVB, E-CABINET and HR: their raw, staging and mart tables, their configuration tables, and the
registry of processed files of the watched folders.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "raw.qlvb__documents",
    "raw.qlvb__edxml",
    "raw.ecabinet__cuoc_hop",
    "raw.ecabinet__nhiem_vu",
    "raw.ecabinet__phieu_lay_y_kien",
    "raw.hr__nhansu",
    "staging.processed_file",
    "staging.cfg_qlvb_plan_deadline",
    "staging.cfg_ecabinet_owner",
    "staging.cfg_hr_baseline",
    "staging.stg_qlvb__document",
    "staging.stg_qlvb__edxml_package",
    "staging.stg_qlvb__handling",
    "staging.stg_qlvb__signature",
    "staging.stg_ecabinet__meeting",
    "staging.stg_ecabinet__poll",
    "staging.stg_ecabinet__poll_member",
    "staging.stg_ecabinet__task",
    "staging.stg_hr__discipline",
    "staging.stg_hr__export",
    "staging.stg_hr__quota",
    "staging.stg_hr__rating",
    "staging.stg_hr__staff",
    "staging.stg_hr__training",
    "marts.fct_document",
    "marts.fct_document_handling",
    "marts.fct_meeting",
    "marts.fct_poll_answer",
    "marts.fct_task",
    "marts.fct_hr_discipline",
    "marts.fct_hr_export",
    "marts.fct_hr_quota",
    "marts.fct_hr_staff",
    "marts.fct_hr_training",
)


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
