"""Automation that keeps the index current (issue 10): the nightly schedule and the sensor on the HR and edXML
folders launch the `assessment_year` job for the local year in progress (the schedule, in January, for the
year just ended too), so that every run that lands new data ends with that year's metrics, scores, exports
and read copy refreshed, not only the marts.

With a provinces file (issue 16) each province has its own schedule and sensor, whose runs are that
province's partitions and carry the tag `parindex/province`.

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
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    schedule,
    sensor,
)

from assets.partitions import (
    FIRST_ASSESSMENT_YEAR,
    local_moment,
    local_timezone,
    partition_key,
    year_in_progress,
)
from assets.provinces import PROVINCE_TAG, ProvinceSettings
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


def _folders_sensor_result(
    context: SensorEvaluationContext,
    hr: HrSource,
    qlvb: QlvbSource,
    warehouse_url: str,
    province: str | None,
) -> SensorResult:
    folders = watched_folders(hr, qlvb)
    if not folders:
        return SensorResult(
            skip_reason="neither PARINDEX_HR_DIR nor PARINDEX_EDXML_DIR is an existing folder"
        )
    listings = {folder.source: folder.listing() for folder in folders}
    signature = folders_signature(listings)
    if signature == context.cursor:
        return SensorResult(skip_reason="no new or changed file", cursor=signature)
    arrivals = find_arrivals(folders, warehouse_url)
    for message in arrivals.duplicates:
        context.log.info(message)
    if not arrivals.new:
        return SensorResult(skip_reason="every file's content was already read", cursor=signature)
    context.log.info(f"new files: {arrivals.summary()}")
    # One run per state of the folders, even for a sensor reset while its run has not yet published the
    # read copy; a file touched again (new mtime) after a failed run starts another.
    request = RunRequest(
        run_key=signature,
        partition_key=partition_key(year_in_progress(), province),
        tags=province_tags(province),
    )
    return SensorResult(run_requests=[request], cursor=signature)


SENSOR_DESCRIPTION = (
    "Watches PARINDEX_HR_DIR and PARINDEX_EDXML_DIR; when files with content no run has loaded arrive, "
    "launches one run of assessment_year for the year in progress (files of both folders that arrive "
    "between two evaluations share it). A file whose content was loaded under another name is logged "
    "and launches nothing."
)


@sensor(
    name="source_folders_sensor",
    job_name=ASSESSMENT_YEAR_JOB,
    minimum_interval_seconds=300,
    default_status=DefaultSensorStatus.STOPPED,
    description=SENSOR_DESCRIPTION,
)
def source_folders_sensor(
    context: SensorEvaluationContext, hr: HrSource, qlvb: QlvbSource, warehouse: WarehouseResource
):
    return _folders_sensor_result(context, hr, qlvb, warehouse.url, None)


def province_folders_sensor(province: ProvinceSettings, resources: dict) -> SensorDefinition:
    """The folder sensor of one province: its folders (the entry's `hr_dir`, `edxml_dir`), its warehouse, its
    runs. The folders and warehouse are the province's values, given here: a sensor has no run whose
    province would pick its resources."""

    @sensor(
        name=f"source_folders_sensor_{province.code.lower()}",
        job_name=ASSESSMENT_YEAR_JOB,
        minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.STOPPED,
        description=f"Province {province.code}: {SENSOR_DESCRIPTION}",
    )
    def province_sensor(context: SensorEvaluationContext):
        warehouse_url = province.values["PARINDEX_WAREHOUSE_URL"]
        return _folders_sensor_result(
            context, resources["hr"], resources["qlvb"], warehouse_url, province.code
        )

    return province_sensor


def province_tags(province: str | None) -> dict[str, str]:
    return {} if province is None else {PROVINCE_TAG: province}


def _nightly_requests(now: datetime | None, province: str | None) -> list[RunRequest]:
    return [
        RunRequest(
            run_key=year if province is None else f"{province}-{year}",
            partition_key=partition_key(year, province),
            tags=province_tags(province),
        )
        for year in years_still_changing(now)
    ]


SCHEDULE_DESCRIPTION = (
    "Every night at 01:30 local time, after the sources' own nightly jobs: extracts what changed since "
    "each source's watermark and refreshes the year in progress (marts, metrics, scores, exports, read "
    "copy); in January the year just ended too, whose last exports arrive then."
)


@schedule(
    name="nightly_assessment_year",
    job_name=ASSESSMENT_YEAR_JOB,
    cron_schedule="30 1 * * *",
    execution_timezone=local_timezone(),
    default_status=DefaultScheduleStatus.STOPPED,
    description=SCHEDULE_DESCRIPTION,
)
def nightly_assessment_year(context: ScheduleEvaluationContext) -> list[RunRequest]:
    return _nightly_requests(context.scheduled_execution_time, None)


def province_nightly_schedule(code: str) -> ScheduleDefinition:
    """The nightly schedule of one province: its partitions, runs tagged with it."""

    @schedule(
        name=f"nightly_assessment_year_{code.lower()}",
        job_name=ASSESSMENT_YEAR_JOB,
        cron_schedule="30 1 * * *",
        execution_timezone=local_timezone(),
        default_status=DefaultScheduleStatus.STOPPED,
        description=f"Province {code}: {SCHEDULE_DESCRIPTION}",
    )
    def province_schedule(context: ScheduleEvaluationContext) -> list[RunRequest]:
        return _nightly_requests(context.scheduled_execution_time, code)

    return province_schedule


def years_still_changing(now: datetime | None) -> list[str]:
    """The year in progress at `now`, preceded in January by the year just ended: its December HR exports
    and late register entries arrive in January, when the officer prepares its self-assessment, and its
    last computed values would otherwise be those of the night of 31 December."""
    moment = local_moment(now)
    years = [moment.year - 1, moment.year] if moment.month == 1 else [moment.year]
    return [str(year) for year in years if year >= int(FIRST_ASSESSMENT_YEAR)]
