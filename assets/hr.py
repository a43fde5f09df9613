"""HR extraction: the monthly Excel exports of `PARINDEX_HR_DIR` (sources.md §5), landed file by file, then
the transfer rule over every export (assets/automation.py starts a run when a file arrives)."""

from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    RetryPolicy,
    multi_asset,
)

from assets.progress import progress
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import HrSource, PipelineSettings, WarehouseResource, releases_warehouse
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.hr.context import HrContext
from etl.hr.entities import SOURCE
from etl.hr.extract import REEVALUATED, FileOutcome, HrExtractor, combine, in_bounded_groups
from etl.timeparse import local_now
from warehouse import processed_files, quarantine, reading, reference
from warehouse.hr_baseline import set_baseline_year
from warehouse.hr_transfers import refresh_duplicate_persons
from warehouse.landing import land_batch
from warehouse.tables_hr import cfg_hr_baseline, raw_hr__nhansu, stg_hr__export

GROUP = "hr"
TARGET = ("hr", "nhansu")
QUARANTINE_ENTITIES = ("nhansu", "can-bo", "bien-che", "dao-tao", "ky-luat", "xep-loai")


def _key(table) -> AssetKey:
    return AssetKey([table.schema, table.name])


RAW_KEY = _key(raw_hr__nhansu)
EXPORT_KEY = _key(stg_hr__export)
BASELINE_KEY = _key(cfg_hr_baseline)
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


def hr_context(engine, settings: PipelineSettings) -> HrContext:
    agencies = AgencyResolver.from_rows(reference.agency_rows(engine), "agency_code", "old_code")
    return HrContext(
        pseudonym_key=settings.require_pseudonym_key(),
        agencies=agencies,
        codes=CodeMappings.load(SOURCE),
        timezone=ZoneInfo(settings.timezone),
    )


def _held_by_file(engine) -> dict[str, list[dict]]:
    """Open rows held back for configuration (§1.10), by the file their locator names."""
    held: dict[str, list[dict]] = {}
    for entity in QUARANTINE_ENTITIES:
        for row in quarantine.open_records(engine, SOURCE, entity, REEVALUATED):
            held.setdefault(str(row["locator"]).split("#", 1)[0], []).append(row)
    return held


def _release_passed(engine, outcome: FileOutcome, held: list[dict], batch_id: str) -> int:
    """Release the held rows of a file that its new reading no longer rejects."""
    rejected = outcome.batch.quarantine.select(["record_key", "reason_code"]).to_pylist()
    still = {(row["record_key"], row["reason_code"]) for row in rejected}
    passed = [row["fingerprint"] for row in held if (row["record_key"], row["reason_code"]) not in still]
    return quarantine.release(engine, passed, batch_id) if passed else 0


def _file_record(outcome: FileOutcome, batch_id: str) -> dict:
    file = outcome.file
    return {
        "file_name": file.name,
        "size_bytes": file.size,
        "modified_at": file.modified_at,
        "sha256": file.sha256,
        "status": outcome.status,
        "reason_code": outcome.reason_code,
        "batch_id": batch_id,
    }


def load_folder(
    engine, folder: Path, context: HrContext, run_tag: str, workers: int = 1, full_refresh: bool = False
) -> dict[str, int]:
    """Land every file of `folder` not processed before (every file with `full_refresh`), a bounded group of
    files per batch; record each file's outcome once its group has landed; then apply the transfer rule.
    `workers` processes read."""
    extractor = HrExtractor(context, workers=workers)
    totals = {"files": 0, "raw": 0, "staged": 0, "quarantined": 0, "released": 0, "files_rejected": 0}
    held = _held_by_file(engine)
    outcomes = extractor.read_folder(
        folder,
        processed_files.file_cache(engine, SOURCE),
        set() if full_refresh else processed_files.done_hashes(engine, SOURCE),
    )
    for number, group in enumerate(in_bounded_groups(outcomes), start=1):
        batch_id = f"{run_tag}-hr-{number}"
        batch = combine(group)
        result = land_batch(
            engine,
            batch_id,
            local_now(context.timezone),
            SOURCE,
            batch.entity,
            batch.raw,
            batch.rows,
            batch.quarantine,
            batch.children,
        )
        for outcome in group:
            totals["released"] += _release_passed(engine, outcome, held.get(outcome.file.name, []), batch_id)
        processed_files.record_files(engine, SOURCE, [_file_record(outcome, batch_id) for outcome in group])
        totals["files"] += len(group)
        totals["files_rejected"] += sum(outcome.reason_code is not None for outcome in group)
        totals["raw"] += result.raw_rows
        totals["staged"] += result.staged_rows
        totals["quarantined"] += result.quarantined_rows
        progress(f"hr: {totals['files']} files read, {totals['raw']:,} rows received")
    transfers = refresh_duplicate_persons(engine, f"{run_tag}-hr-transfers")
    totals["duplicate_persons_quarantined"] = transfers["quarantined"]
    totals["duplicate_persons_released"] = transfers["released"]
    totals["footer_rows_ignored"] = extractor.footer_rows
    totals["lock_files_skipped"] = len(extractor.lock_files)
    totals["unknown_column_rows"] = extractor.drift_rows
    return totals


def _spec(key: AssetKey, description: str, deps) -> AssetSpec:
    return AssetSpec(
        key,
        group_name=GROUP,
        description=description,
        kinds={"python", "sql"},
        owners=["team:data"],
        deps=deps,
    )


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
    pool="warehouse",
    retry_policy=RetryPolicy(max_retries=2, delay=10),
)
@releases_warehouse
def hr_exports(
    context: AssetExecutionContext, warehouse: WarehouseResource, hr: HrSource, settings: PipelineSettings
):
    keys = [RAW_KEY, EXPORT_KEY, *CHILD_KEYS.values(), DUPLICATES_KEY, BASELINE_KEY]
    if not hr.configured:
        context.log.warning("PARINDEX_HR_DIR is not set: the HR source is skipped")
        for key in keys:
            yield MaterializeResult(asset_key=key, metadata={"skipped": "PARINDEX_HR_DIR is not set"})
        return
    engine = warehouse.engine()
    set_baseline_year(engine, hr.baseline_year)
    run_tag = context.run.run_id.split("-")[0]
    totals = load_folder(
        engine,
        Path(hr.folder),
        hr_context(engine, settings),
        run_tag,
        hr.reader_processes,
        settings.full_refresh,
    )
    tables = [".".join(key.path) for key in keys if key.path[0] in ("raw", "staging")]
    counts = reading.table_counts(engine, tables)
    for key in keys:
        table = ".".join(key.path)
        metadata = {"row_count": counts[table]} if table in counts else {}
        if key == RAW_KEY:
            metadata.update(totals)
        yield MaterializeResult(asset_key=key, metadata=metadata)
