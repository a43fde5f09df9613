"""The DVC foundation: the tables of the first release (DVC raw, staging, quarantine, marts, scoring).

Revision ID: 0001
Revises:
"""

from alembic import op

from warehouse.migrations import create_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "raw.dvc__danh_gia",
    "raw.dvc__don_vi",
    "raw.dvc__ho_so",
    "raw.dvc__ngay_nghi",
    "raw.dvc__pakn",
    "raw.dvc__phieu_xin_loi",
    "raw.dvc__thu_tuc",
    "staging.cfg_agency",
    "staging.extraction_cursor",
    "staging.stg_dvc__agency",
    "staging.stg_dvc__apology",
    "staging.stg_dvc__dossier",
    "staging.stg_dvc__feedback",
    "staging.stg_dvc__holiday",
    "staging.stg_dvc__procedure",
    "staging.stg_dvc__rating",
    "quarantine.rejected_record",
    "marts.criterion_score",
    "marts.dim_agency",
    "marts.dim_date",
    "marts.dim_procedure",
    "marts.fct_dossier",
    "marts.fct_feedback",
    "marts.metric_period",
    "marts.metric_value",
    "marts.quality_check_result",
)


def upgrade() -> None:
    create_tables(op.get_bind(), TABLES)
