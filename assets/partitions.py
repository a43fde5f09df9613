"""Assessment years as Dagster partitions, and provinces × years with a provinces file (issue 16).

Dagster has no yearly partitions type (dagster issue 12415): a time-window definition with a yearly cron in
the local time zone (the default UTC would start years at 07:00 local), `%Y` keys, and `end_offset=1` so that
the year in progress exists."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    MultiPartitionKey,
    MultiPartitionsDefinition,
    PartitionsDefinition,
    StaticPartitionsDefinition,
    TimeWindowPartitionsDefinition,
)

from assets.provinces import configured_provinces
from parindex_facts.defaults import TIMEZONE as DEFAULT_TIMEZONE

FIRST_ASSESSMENT_YEAR = "2024"


def local_timezone() -> str:
    return os.environ.get("PARINDEX_TIMEZONE", DEFAULT_TIMEZONE)


assessment_years = TimeWindowPartitionsDefinition(
    start=FIRST_ASSESSMENT_YEAR,
    fmt="%Y",
    cron_schedule="0 0 1 1 *",
    timezone=local_timezone(),
    end_offset=1,
)

# The deployment file of PARINDEX_PROVINCES_FILE, read once when the definitions load; None: one province.
DEPLOYMENT = configured_provinces()
PROVINCE_DIMENSION, YEAR_DIMENSION = "province", "year"


def yearly_partitions(codes: list[str] | None) -> PartitionsDefinition:
    """The partitions of the year-partitioned assets: the years, or provinces × years for `codes`, so that a
    province's run, backfill or retry is its own partition."""
    if codes is None:
        return assessment_years
    return MultiPartitionsDefinition(
        {PROVINCE_DIMENSION: StaticPartitionsDefinition(codes), YEAR_DIMENSION: assessment_years}
    )


assessment_partitions = yearly_partitions(DEPLOYMENT.codes if DEPLOYMENT else None)


def partition_key(year: int | str, province: str | None) -> str:
    """The partition of `year` (and of `province` when there is a provinces file)."""
    if province is None:
        return str(year)
    return MultiPartitionKey({PROVINCE_DIMENSION: province, YEAR_DIMENSION: str(year)})


def partition_year(key: str) -> int:
    """The assessment year of a partition key: `2025`, or the year of `H35|2025`."""
    if isinstance(key, MultiPartitionKey):
        return int(key.keys_by_dimension[YEAR_DIMENSION])
    return int(key)


def local_moment(now: datetime | None = None) -> datetime:
    """`now` (default: this instant) in the local time zone of the sources."""
    zone = ZoneInfo(local_timezone())
    return datetime.now(zone) if now is None else now.astimezone(zone)


def year_in_progress(now: datetime | None = None) -> str:
    """The partition key of the local year in progress at `now` (default: this instant): a run that lands
    new data refreshes this year's metrics, scores and exports. Local, not UTC: between 00:00 and 07:00 on
    1 January local time, UTC is still in the year before."""
    return str(local_moment(now).year)
