"""The folder extractions as their assets run them (`assets.hr.hr_source`, `assets.qlvb.edxml_source`
through `etl.source.run_extraction`), returning the metadata the asset puts on its raw table, so that tests
read the counts by the names the data team sees."""

from datetime import datetime
from pathlib import Path

from assets.hr import RAW_KEY, hr_layout, hr_source
from assets.landing import EngineWarehouse
from assets.qlvb import PACKAGE_RAW_KEY, edxml_layout, edxml_source
from etl.source import RunSettings, run_extraction
from etl.timeparse import local_now


def _run(run_tag: str, full_refresh: bool, context) -> RunSettings:
    # A folder has no cursor: the start of a first incremental extraction plays no part.
    return RunSettings(run_tag, datetime(2025, 1, 1), full_refresh, lambda: local_now(context.timezone))


def load_folder(engine, folder: Path, context, run_tag: str, workers: int = 1, full_refresh: bool = False):
    source = hr_source(engine, folder, context, workers, full_refresh)
    report = run_extraction(source, EngineWarehouse(engine), _run(run_tag, full_refresh, context))
    return hr_layout(report)[RAW_KEY]


def load_edxml_folder(engine, folder: Path, context, run_tag: str, full_refresh: bool = False):
    source = edxml_source(engine, folder, context, full_refresh)
    report = run_extraction(source, EngineWarehouse(engine), _run(run_tag, full_refresh, context))
    return edxml_layout(report)[PACKAGE_RAW_KEY]
