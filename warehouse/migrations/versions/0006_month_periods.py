"""Month periods (issue 14): `marts.metric_period` holds the year and its months, keyed by their dates.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from warehouse import schema

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ()


def upgrade() -> None:
    bind = op.get_bind()
    # The key is declared on PostgreSQL only (warehouse.tables_common.primary_key): DuckDB has none to change.
    if bind.dialect.name != "postgresql":
        return
    table = schema.metric_period
    key = sa.inspect(bind).get_pk_constraint(table.name, schema=table.schema)
    if key["constrained_columns"] == ["period_start", "period_end"]:
        return  # created by this version's schema already
    if key["name"]:
        op.drop_constraint(key["name"], table.name, schema=table.schema, type_="primary")
    op.create_primary_key(
        f"{table.name}_pkey", table.name, ["period_start", "period_end"], schema=table.schema
    )
