"""The baseline year of hr.civil_servant_reduction (metrics.md §4: a parameter, by default
parindex_facts.defaults.HR_BASELINE_YEAR), kept in the warehouse so that the drill-down view reads it."""

import sqlalchemy as sa

from warehouse.tables_hr import cfg_hr_baseline


def set_baseline_year(engine: sa.Engine, year: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(cfg_hr_baseline))
        conn.execute(sa.insert(cfg_hr_baseline).values(baseline_year=year))
