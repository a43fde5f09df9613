"""Automation that keeps the index current (issue 10): the nightly schedule and the sensor on the HR and edXML
folders launch the `assessment_year` job for the local year in progress (the schedule, in January, for the
year just ended too), so that every run that lands new data ends with that year's metrics, scores, exports
and read copy refreshed, not only the marts.

Both are off until the data team turns them on (Dagster UI → Automation, or `dagster schedule start` /
`dagster sensor start`): a run extracts from the province's production systems, which an instance must not
start doing merely because it was set up."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
from dagster import (
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SensorEvaluationContext,
    SensorResult,
    schedule,
    sensor,
)

from assets.partitions import FIRST_ASSESSMENT_YEAR, local_moment, local_timezone, year_in_progress
from assets.qlvb import FILES_SOURCE as EDXML_FILES_SOURCE
from assets.resources import HrSource, QlvbSource, WarehouseResource
from etl.files import display_name, list_folder
from etl.hr.context import MAX_FILE_BYTES as HR_MAX_FILE_BYTES
from etl.hr.entities import SOURCE as HR_SOURCE
from etl.hr.naming import is_lock_file
from etl.qlvb.edxml import MAX_FILE_BYTES as EDXML_MAX_FILE_BYTES
from etl.qlvb.files import is_package_name
from warehouse import processed_files
from warehouse.readers import reader_engine

# The job both launch: the whole graph for one assessment year (defined with the assets in definitions.py).
ASSESSMENT_YEAR_JOB = "assessment_year"
# Files named in one log line; a province's first drop can hold thousands.
NAMES_SHOWN = 10


@dataclass(frozen=True)
class WatchedFolder:
    source: str  # the folder's name in the processed-file registry
    path: Path
    accepts: Callable[[str], bool]  # the file names its extraction reads
    max_bytes: int  # larger files are never read, by the extraction nor here

    def listing(self) -> list[tuple[str, int, float]]:
        """(printable name, size, mtime) of the files its extraction reads; only the folder is listed."""
        return sorted(
            (display_name(entry.name), entry.stat().st_size, entry.stat().st_mtime)
            for entry in os.scandir(self.path)
            if entry.is_file(follow_symlinks=False) and self.accepts(entry.name)
        )


def watched_folders(hr: HrSource, qlvb: QlvbSource) -> list[WatchedFolder]:
    """The configured folders that exist. Excel's lock files and edXML packages still being written
    (`.part`) are not files of the source yet."""
    folders = []
    if hr.configured:
        folders.append(
            WatchedFolder(HR_SOURCE, Path(hr.folder), lambda name: not is_lock_file(name), HR_MAX_FILE_BYTES)
        )
    if qlvb.folder_configured:
        folders.append(
            WatchedFolder(EDXML_FILES_SOURCE, Path(qlvb.edxml_dir), is_package_name, EDXML_MAX_FILE_BYTES)
        )
    return [folder for folder in folders if folder.path.is_dir()]


def folders_signature(listings: dict[str, list[tuple[str, int, float]]]) -> str:
    """A digest of every watched file's (name, size, mtime): the sensor's cursor."""
    return hashlib.sha256(orjson.dumps(listings, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass
class Arrivals:
    new: dict[str, list[str]]  # source → names of files whose content no run has loaded
    duplicates: list[str]  # one message per file whose content was read under another name

    def summary(self) -> str:
        parts = []
        for source, names in self.new.items():
            shown = ", ".join(names[:NAMES_SHOWN])
            more = f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
            parts.append(f"{source}: {shown}{more}")
        return "; ".join(parts)


def find_arrivals(folders: list[WatchedFolder], warehouse_url: str) -> Arrivals:
    """The files whose content no run has loaded, by the processed-file registry as the read copy (or the
    PostgreSQL warehouse) shows it: never the DuckDB file a run may be writing. Only files the registry does
    not know by (name, size, mtime) are hashed."""
    arrivals = Arrivals({}, [])
    engine = reader_engine(warehouse_url)
    try:
        for folder in folders:
            registry = processed_files.PUBLISHED
            cache = processed_files.file_cache(engine, folder.source, registry) if engine else {}
            done = processed_files.done_files(engine, folder.source, registry) if engine else {}
            for file in list_folder(folder.path, cache, folder.max_bytes):
                if not folder.accepts(file.path.name):
                    continue
                if file.sha256 not in done:
                    arrivals.new.setdefault(folder.source, []).append(file.name)
                elif done[file.sha256] != file.name:
                    arrivals.duplicates.append(
                        f"{folder.source}: {file.name} skipped, its content was already read as "
                        f"{done[file.sha256]}"
                    )
    finally:
        if engine is not None:
            engine.dispose()
    return arrivals


@sensor(
    name="source_folders_sensor",
    job_name=ASSESSMENT_YEAR_JOB,
    minimum_interval_seconds=300,
    default_status=DefaultSensorStatus.STOPPED,
    description=(
        "Watches PARINDEX_HR_DIR and PARINDEX_EDXML_DIR; when files with content no run has loaded arrive, "
        "launches one run of assessment_year for the year in progress (files of both folders that arrive "
        "between two evaluations share it). A file whose content was loaded under another name is logged "
        "and launches nothing."
    ),
)
def source_folders_sensor(
    context: SensorEvaluationContext, hr: HrSource, qlvb: QlvbSource, warehouse: WarehouseResource
):
    folders = watched_folders(hr, qlvb)
    if not folders:
        return SensorResult(
            skip_reason="neither PARINDEX_HR_DIR nor PARINDEX_EDXML_DIR is an existing folder"
        )
    listings = {folder.source: folder.listing() for folder in folders}
    signature = folders_signature(listings)
    if signature == context.cursor:
        return SensorResult(skip_reason="no new or changed file", cursor=signature)
    arrivals = find_arrivals(folders, warehouse.url)
    for message in arrivals.duplicates:
        context.log.info(message)
    if not arrivals.new:
        return SensorResult(skip_reason="every file's content was already read", cursor=signature)
    context.log.info(f"new files: {arrivals.summary()}")
    # One run per state of the folders, even for a sensor reset while its run has not yet published the
    # read copy; a file touched again (new mtime) after a failed run starts another.
    request = RunRequest(run_key=signature, partition_key=year_in_progress())
    return SensorResult(run_requests=[request], cursor=signature)


@schedule(
    name="nightly_assessment_year",
    job_name=ASSESSMENT_YEAR_JOB,
    cron_schedule="30 1 * * *",
    execution_timezone=local_timezone(),
    default_status=DefaultScheduleStatus.STOPPED,
    description=(
        "Every night at 01:30 local time, after the sources' own nightly jobs: extracts what changed since "
        "each source's watermark and refreshes the year in progress (marts, metrics, scores, exports, read "
        "copy); in January the year just ended too, whose last exports arrive then."
    ),
)
def nightly_assessment_year(context: ScheduleEvaluationContext) -> list[RunRequest]:
    years = years_still_changing(context.scheduled_execution_time)
    return [RunRequest(run_key=year, partition_key=year) for year in years]


def years_still_changing(now: datetime | None) -> list[str]:
    """The year in progress at `now`, preceded in January by the year just ended: its December HR exports
    and late register entries arrive in January, when the officer prepares its self-assessment, and its
    last computed values would otherwise be those of the night of 31 December."""
    moment = local_moment(now)
    years = [moment.year - 1, moment.year] if moment.month == 1 else [moment.year]
    return [str(year) for year in years if year >= int(FIRST_ASSESSMENT_YEAR)]
