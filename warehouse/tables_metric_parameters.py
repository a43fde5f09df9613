"""Configuration the drill-down views read: the catalogues' metric parameters (metrics.md §7.1, §9.7) and
the leader levels of HR's `ChucVuLanhDao` (sources.md §5.4). Written by a run before the metrics."""

import sqlalchemy as sa

from warehouse.tables_common import column, state_table

cfg_metric_parameter = state_table(
    "cfg_metric_parameter",
    column("year", sa.Integer, "the assessment year the values are for", nullable=False),
    column("metric_code", sa.Text, "the metric the parameter shapes", nullable=False),
    column("name", sa.Text, "the parameter, e.g. agency_deputies", nullable=False),
    column(
        "item_key", sa.Text, "the entry of a mapping or list of pairs (an agency code, a band); '' if none"
    ),
    column("value", sa.Text, "the value as text: a number, or a date yyyy-mm-dd"),
    comment="grain: one row per year, metric, parameter and entry: every parameter, defaults included",
)

cfg_hr_leader_level = state_table(
    "cfg_hr_leader_level",
    column("leader_post", sa.Text, "ChucVuLanhDao, canonical spelling", nullable=False),
    column("leader_level", sa.Text, "agency_head, agency_deputy, division_head or division_deputy"),
    comment="grain: one row per ChucVuLanhDao value: its level (sources.md §5.4), how deputies are counted",
)
