"""QLVB metrics (metrics.md §2) over the drill-down views `marts.dd_qlvb_*`; agency = `MaDonViQuanLy`."""

from datetime import date

import sqlalchemy as sa

from warehouse.periods import Period
from warehouse.tables_docreq import cfg_docreq_item
from warehouse.tables_qlvb import cfg_qlvb_plan_deadline, fct_document


def agencies_with_data(conn: sa.Connection, period: Period) -> set[str]:
    """Agencies with any register entry: without one, every QLVB metric is undefined (metrics.md §0)."""
    return set(conn.execute(sa.select(fct_document.c.agency_code).distinct()).scalars())


def set_plan_deadline(engine: sa.Engine, year: int, deadline: date | None) -> None:
    """The catalogue's deadline for the year's CCHC plan (qlvb.plan_on_time); None restores the default
    Y-1-12-31. The item of requirement `plan` (metrics.md §7.6) takes it at once, if already declared."""
    with engine.begin() as conn:
        conn.execute(sa.delete(cfg_qlvb_plan_deadline).where(cfg_qlvb_plan_deadline.c.year == year))
        if deadline is not None:
            conn.execute(sa.insert(cfg_qlvb_plan_deadline).values(year=year, deadline_date=deadline))
        plan = sa.and_(cfg_docreq_item.c.year == year, cfg_docreq_item.c.requirement_id == "plan")
        conn.execute(
            sa.update(cfg_docreq_item).where(plan).values(deadline_date=deadline or date(year - 1, 12, 31))
        )
