"""`marts.catalogue_leaf`: the scored leaves of the catalogues scoring used, with their rule parameters."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow


def replace_catalogue_leaves(
    engine: sa.Engine, catalogue_ids: Iterable[str], rows: Iterable[Mapping[str, Any]], computed_at: datetime
) -> int:
    """Replace the rows of `catalogue_ids` with `rows` in one transaction. Other catalogues' rows stay: the
    scores of earlier years may have been computed with them."""
    table = schema.catalogue_leaf
    records = [{**row, "computed_at": computed_at} for row in rows]
    with engine.begin() as conn:
        conn.execute(sa.delete(table).where(table.c.catalogue_id.in_(list(catalogue_ids))))
        return load_arrow(conn, table, rows_to_arrow(table, records))
