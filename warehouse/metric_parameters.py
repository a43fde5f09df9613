"""Writes the run's configuration the drill-down views read (warehouse.tables_metric_parameters)."""

from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from warehouse.tables_metric_parameters import cfg_hr_leader_level, cfg_metric_parameter

# sources.md §5.4, the levels of the values the HR exports carry (contract choice).
LEADER_LEVELS = {
    "Chánh Văn phòng": "agency_head",
    "Giám đốc Sở": "agency_head",
    "Chủ tịch UBND xã": "agency_head",
    "Chủ tịch UBND phường": "agency_head",
    "Phó Chánh Văn phòng": "agency_deputy",
    "Phó Giám đốc Sở": "agency_deputy",
    "Phó Chủ tịch UBND xã": "agency_deputy",
    "Phó Chủ tịch UBND phường": "agency_deputy",
    "Trưởng phòng": "division_head",
    "Giám đốc Trung tâm": "division_head",
    "Phó Trưởng phòng": "division_deputy",
    "Phó Giám đốc Trung tâm": "division_deputy",
}


def set_metric_parameters(engine: sa.Engine, year: int, rows: Iterable[Mapping[str, object]]) -> None:
    """Replace the year's parameter rows (`year, metric_code, name, item_key, value`) and the leader
    levels. Run before the metrics: the drill-down views read both."""
    with engine.begin() as conn:
        conn.execute(sa.delete(cfg_metric_parameter).where(cfg_metric_parameter.c.year == year))
        rows = [dict(row) for row in rows]
        if rows:
            conn.execute(sa.insert(cfg_metric_parameter), rows)
        conn.execute(sa.delete(cfg_hr_leader_level))
        conn.execute(
            sa.insert(cfg_hr_leader_level),
            [{"leader_post": post, "leader_level": level} for post, level in LEADER_LEVELS.items()],
        )
