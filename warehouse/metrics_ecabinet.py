"""E-CABINET metrics (metrics.md §3), registered as a metric source of `warehouse.metric_values`."""

import sqlalchemy as sa

from warehouse.metric_values import RATE, SOURCES, Metric, MetricSource, Period
from warehouse.tables_ecabinet import cfg_ecabinet_owner, fct_task

ECABINET_METRICS = (
    Metric("ecabinet.paperless_rate", RATE),
    Metric("ecabinet.poll_response_rate", RATE),
    Metric("ecabinet.task_on_time_rate", RATE),
)


def agencies_with_data(conn: sa.Connection, period: Period) -> set[str]:
    """The owner, once an E-CABINET extraction stored it, and every lead agency of a task: any other agency
    has no E-CABINET data, and its metrics are undefined (metrics.md §0)."""
    query = sa.union(sa.select(cfg_ecabinet_owner.c.agency_code), sa.select(fct_task.c.agency_code))
    return set(conn.execute(query).scalars())


SOURCES.append(MetricSource("ecabinet", ECABINET_METRICS, agencies_with_data))
