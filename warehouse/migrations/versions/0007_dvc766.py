"""Decision 766 as the national portal scores it (metrics.md §11): the dossier columns its metrics read and
the marts `fct_dossier_portal` and `fct_procedure_agency`.

Dossiers landed before this revision keep null in the new columns until a newer version of them is landed:
their staged content is unchanged, so re-reading them does not replace them.

Revision ID: 0007_dvc766
Revises: 0006
"""

from alembic import op

from warehouse import schema
from warehouse.migrations import add_missing_columns, create_tables

revision = "0007_dvc766"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("marts.fct_dossier_portal", "marts.fct_procedure_agency")
# Columns this revision adds to a table of an earlier one (warehouse.migrations).
COLUMNS = {"staging.stg_dvc__dossier": tuple(c.name for c in schema.dvc_portal_dossier_columns())}


def upgrade() -> None:
    bind = op.get_bind()
    add_missing_columns(bind, schema.stg_dvc__dossier, schema.dvc_portal_dossier_columns())
    create_tables(bind, TABLES)
