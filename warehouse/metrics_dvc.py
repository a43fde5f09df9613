"""DVC metrics (metrics.md §1): the agencies DVC holds data of."""

import sqlalchemy as sa

from warehouse.periods import Period
from warehouse.tables_dvc import fct_dossier, fct_feedback


def agencies_with_data(conn: sa.Connection, period: Period) -> set[str]:
    """Agencies with any dossier or PAKN (apologies and ratings reach an agency only through a dossier)."""
    query = sa.union(sa.select(fct_dossier.c.agency_code), sa.select(fct_feedback.c.agency_code))
    return set(conn.execute(query).scalars())
