"""HR extraction: the monthly Excel exports of `PARINDEX_HR_DIR` (sources.md §5), landed file by file, then
the transfer rule over every export (assets/automation.py starts a run when a file arrives)."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, multi_asset

from assets.extraction import (
    EXTRACTION_STEP,
    extraction_results,
    extraction_spec,
    skipped,
    source_context,
    table_key,
)
from assets.landing import EngineFileRegistry
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import HrSource, PipelineSettings, WarehouseResource, releases_warehouse
from etl.hr.context import HrContext
from etl.hr.entities import SOURCE
from etl.hr.extract import HrExtractor
from etl.hr.source import HrExportsSource
from etl.source import ExtractionReport
from warehouse.hr_baseline import set_baseline_year
from warehouse.hr_transfers import refresh_duplicate_persons
from warehouse.tables_hr import cfg_hr_baseline, raw_hr__nhansu, stg_hr__export

GROUP = "hr"

RAW_KEY = table_key(raw_hr__nhansu)
EXPORT_KEY = table_key(stg_hr__export)
BASELINE_KEY = table_key(cfg_hr_baseline)
DUPLICATES_KEY = AssetKey(["quarantine", "hr_duplicate_persons"])
CHILD_KEYS = {
    name: AssetKey(["staging", name])
    for name in ("stg_hr__staff", "stg_hr__quota", "stg_hr__training", "stg_hr__discipline", "stg_hr__rating")
}
CHILD_DESCRIPTIONS = {
    "stg_hr__staff": "Sheet CanBo: one row per person listed in an export (agency, month, person).",
    "stg_hr__quota": "Sheet BienChe: the staffing quota rows of each export.",
    "stg_hr__training": "Sheet DaoTao: the year-to-date courses of each export.",
    "stg_hr__discipline": "Sheet KyLuat: the discipline decisions of each export (form, violation: class R).",
    "stg_hr__rating": "Sheet DanhGia: the annual ratings of each export.",
}


def hr_source(engine, folder: Path, context: HrContext, workers: int = 1, full_refresh: bool = False):
    """The HR folder as a source, read in `workers` processes: its registry of processed files, and the
    transfer rule applied once every export has landed."""
    return HrExportsSource(
        HrExtractor(context, workers=workers),
        folder,
        EngineFileRegistry(engine, SOURCE),
        full_refresh,
        lambda batch_id: refresh_duplicate_persons(engine, batch_id),
    )


def hr_layout(report: ExtractionReport) -> dict:
    """Every count of the folder's reading on the raw table."""
    totals = {
        "files": report.files,
        "raw": report.received,
        "staged": report.staged,
        "quarantined": report.quarantined,
        "released": report.released,
    }
    return {RAW_KEY: {**totals, **report.details}}


def _spec(key: AssetKey, description: str, deps):
    return extraction_spec(key, GROUP, description, deps)


@multi_asset(
    name="hr_exports",
    specs=[
        _spec(
            RAW_KEY,
            "As landed, append-only: one row per sheet row of every HR export read (names, phones and home "
            "towns dropped, identifiers pseudonymised, sensitive columns never read).",
            [AGENCY_CONFIG_KEY],
        ),
        _spec(
            EXPORT_KEY,
            "HR exports (nhansu_{MaDonVi}_{YYYYMM}.xlsx): one row per agency and month, the newest content.",
            [RAW_KEY],
        ),
        *(_spec(key, CHILD_DESCRIPTIONS[name], [EXPORT_KEY]) for name, key in CHILD_KEYS.items()),
        _spec(
            DUPLICATES_KEY,
            "CanBo rows quarantined as duplicate_person by the transfer rule (sources.md §5.9, Q15), and "
            "released when a re-issued export removes the conflict.",
            [CHILD_KEYS["stg_hr__staff"]],
        ),
        _spec(BASELINE_KEY, "The baseline year of hr.civil_servant_reduction (default 2025).", []),
    ],
    **EXTRACTION_STEP,
)
@releases_warehouse
def hr_exports(
    context: AssetExecutionContext, warehouse: WarehouseResource, hr: HrSource, settings: PipelineSettings
):
    keys = [RAW_KEY, EXPORT_KEY, *CHILD_KEYS.values(), DUPLICATES_KEY, BASELINE_KEY]
    if not hr.configured:
        yield from skipped(context, keys, "PARINDEX_HR_DIR", "HR source")
        return
    engine = warehouse.engine()
    set_baseline_year(engine, hr.baseline_year)
    hr_context = source_context(engine, settings, SOURCE, HrContext)
    source = hr_source(engine, Path(hr.folder), hr_context, hr.reader_processes, settings.full_refresh)
    yield from extraction_results(context, settings, engine, source, keys, hr_layout)
