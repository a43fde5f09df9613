"""E-CABINET metrics (metrics.md §3): the agencies E-CABINET holds data of."""

import sqlalchemy as sa

from warehouse.periods import Period
from warehouse.tables_ecabinet import cfg_ecabinet_owner, fct_task


def agencies_with_data(conn: sa.Connection, period: Period) -> set[str]:
    """The owner, once an E-CABINET extraction stored it, and every lead agency of a task: any other agency
    has no E-CABINET data, and its metrics are undefined (metrics.md §0)."""
    query = sa.union(sa.select(cfg_ecabinet_owner.c.agency_code), sa.select(fct_task.c.agency_code))
    return set(conn.execute(query).scalars())
