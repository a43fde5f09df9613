"""QLVB extraction: the documents API (one cursor traversal per direction) and the edXML folder, landed into
their raw and staging tables (assets/automation.py starts a run when a package arrives in
`PARINDEX_EDXML_DIR`)."""

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    multi_asset,
)

from assets.dvc import assessment_year
from assets.landing import land_batches
from assets.progress import progress
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import PipelineSettings, QlvbSource, WarehouseResource, releases_warehouse
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.files import list_folder
from etl.qlvb.client import QlvbClient, QlvbSettings
from etl.qlvb.context import QlvbContext
from etl.qlvb.edxml import MAX_FILE_BYTES
from etl.qlvb.entities import DIRECTIONS, DOCUMENTS, EDXML, SOURCE, document_spec
from etl.qlvb.extract import QlvbExtractor, watermark_entity
from etl.qlvb.files import LOADED, EdxmlReader, FileOutcome
from etl.qlvb.normalise import normalise_documents
from etl.timeparse import local_now
from warehouse import cursors, processed_files, quarantine, reading, reference, schema
from warehouse.landing import land_batch
from warehouse.qlvb_orphans import refresh_edxml_orphans

GROUP = "qlvb"
# The name of the edXML folder in the processed-file registry.
FILES_SOURCE = "edxml"
# Reasons that depend on the agency table or the code mappings: re-evaluated on every run (sources.md §1.10).
REEVALUATED_REASONS = ("unknown_agency", "unknown_code")


def _key(table) -> AssetKey:
    return AssetKey([table.schema, table.name])


_DOCUMENTS = schema.landing_target(SOURCE, DOCUMENTS)
_PACKAGES = schema.landing_target(SOURCE, EDXML)
DOCUMENT_RAW_KEY, DOCUMENT_KEY = _key(_DOCUMENTS.raw), _key(_DOCUMENTS.staging)
SIGNATURE_KEY = _key(_DOCUMENTS.children["stg_qlvb__signature"])
HANDLING_KEY = _key(_DOCUMENTS.children["stg_qlvb__handling"])
PACKAGE_RAW_KEY, PACKAGE_KEY = _key(_PACKAGES.raw), _key(_PACKAGES.staging)
ORPHANS_KEY = AssetKey(["quarantine", "qlvb_edxml_orphans"])
DVC_AGENCY_KEY = AssetKey(["staging", "stg_dvc__agency"])


def qlvb_context(engine, settings: PipelineSettings) -> QlvbContext:
    agencies = AgencyResolver.from_rows(reference.agency_rows(engine), "agency_code", "old_code")
    return QlvbContext(
        pseudonym_key=settings.require_pseudonym_key(),
        agencies=agencies,
        codes=CodeMappings.load(SOURCE),
        timezone=ZoneInfo(settings.timezone),
    )


def _release(engine, held: list[dict], still: set[tuple], batch_id: str) -> int:
    """Release the held rows that the new reading no longer rejects, by (key, field, reason)."""
    passed = [
        row["fingerprint"]
        for row in held
        if (row["record_key"], row["field"], row["reason_code"]) not in still
    ]
    return quarantine.release(engine, passed, batch_id) if passed else 0


def _rejected(batch) -> set[tuple]:
    q = batch.quarantine
    columns = (q.column(name).to_pylist() for name in ("record_key", "field", "reason_code"))
    return set(zip(*columns, strict=True))


def reevaluate_documents(engine, context: QlvbContext, batch_id: str, now: datetime) -> int:
    """Normalise again the entries held back for an unknown agency or code; land those that pass."""
    held = quarantine.open_records(engine, SOURCE, DOCUMENTS, REEVALUATED_REASONS)
    if not held:
        return 0
    batch = normalise_documents([orjson.loads(row["record"]) for row in held], document_spec(context))
    land_batch(
        engine,
        batch_id,
        now,
        SOURCE,
        DOCUMENTS,
        batch.raw.slice(0, 0),
        batch.rows,
        batch.quarantine,
        batch.children,
    )
    return _release(engine, held, _rejected(batch), batch_id)


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
    name="qlvb_documents",
    specs=[
        _spec(
            DOCUMENT_RAW_KEY,
            "As landed, append-only: every register entry served by the QLVB documents API (signer names "
            "dropped).",
            [AGENCY_CONFIG_KEY, DVC_AGENCY_KEY],
        ),
        _spec(
            DOCUMENT_KEY,
            "QLVB register entries (văn bản đi/đến), latest version per (agency, direction, DocumentId), "
            "read by a cursor traversal per direction from each direction's watermark.",
            [DOCUMENT_RAW_KEY],
        ),
        _spec(SIGNATURE_KEY, "Digital signatures (ChuKySo) of each register entry.", [DOCUMENT_KEY]),
        _spec(HANDLING_KEY, "Handling assignments (XuLy) of each incoming register entry.", [DOCUMENT_KEY]),
    ],
    pool="warehouse",
    retry_policy=RetryPolicy(max_retries=2, delay=10),
)
@releases_warehouse
def qlvb_documents(
    context: AssetExecutionContext, warehouse: WarehouseResource, qlvb: QlvbSource, settings: PipelineSettings
):
    keys = [DOCUMENT_RAW_KEY, DOCUMENT_KEY, SIGNATURE_KEY, HANDLING_KEY]
    if not qlvb.api_configured:
        context.log.warning("PARINDEX_QLVB_URL is not set: the QLVB documents API is skipped")
        for key in keys:
            yield MaterializeResult(asset_key=key, metadata={"skipped": "PARINDEX_QLVB_URL is not set"})
        return
    engine = warehouse.engine()
    tz = ZoneInfo(settings.timezone)
    qlvb_ctx = qlvb_context(engine, settings)
    run_tag = context.run.run_id.split("-")[0]
    released = reevaluate_documents(engine, qlvb_ctx, f"{run_tag}-qlvb-re", local_now(tz))
    client = QlvbClient(
        QlvbSettings(qlvb.base_url, qlvb.api_key or "", settings.timezone), qlvb.retry_policy()
    )
    extractor = QlvbExtractor(client, qlvb_ctx, limit=qlvb.page_limit)
    start = datetime.combine(settings.first_extract_start(assessment_year(context, tz), SOURCE), time())
    totals = {"received_this_run": 0, "staged_this_run": 0, "quarantined_this_run": 0}
    watermarks = {}
    try:
        for direction in DIRECTIONS:
            entity = watermark_entity(direction)
            watermark = None if settings.full_refresh else cursors.get_watermark(engine, SOURCE, entity)
            batches = extractor.extract(direction, watermark, start)
            landed = land_batches(engine, batches, SOURCE, DOCUMENTS, run_tag, tz, label=direction)
            totals["received_this_run"] += landed["raw"]
            totals["staged_this_run"] += landed["staged"]
            totals["quarantined_this_run"] += landed["quarantined"]
            if extractor.new_watermark is not None:
                cursors.set_watermark(engine, SOURCE, entity, extractor.new_watermark)
                if watermark is None:
                    # C of metrics.md §7.3: the lower bound the register is known from
                    cursors.keep_first_start(engine, SOURCE, entity, start)
            watermarks[entity] = str(extractor.new_watermark or watermark or "")
    finally:
        client.close()
    tables = [".".join(key.path) for key in keys]
    counts = reading.table_counts(engine, tables)
    for key in keys:
        table = ".".join(key.path)
        metadata: dict = {"row_count": counts[table]}
        if key == DOCUMENT_RAW_KEY:
            metadata.update(totals, unknown_fields_records=sum(extractor.drift_counts.values()))
        if key == DOCUMENT_KEY:
            metadata.update(
                released_from_quarantine=released,
                cursor_restarts=extractor.restarts,
                **{f"watermark_{name}": value for name, value in watermarks.items()},
                preview=MetadataValue.md(
                    reading.preview(engine, table, ["_key", "_version"]).to_markdown(index=False)
                ),
            )
        yield MaterializeResult(asset_key=key, metadata=metadata)


def _record(engine, outcomes: list[FileOutcome], batch_id: str) -> None:
    processed_files.record_files(
        engine,
        FILES_SOURCE,
        [
            {
                "file_name": outcome.file.name,
                "size_bytes": outcome.file.size,
                "modified_at": outcome.file.modified_at,
                "sha256": outcome.file.sha256,
                "status": outcome.status,
                "reason_code": outcome.reason_code,
                "batch_id": batch_id,
            }
            for outcome in outcomes
        ],
    )


def _release_loaded_files(engine, outcomes: list[FileOutcome], batch, batch_id: str) -> int:
    """Open rows of files held back for configuration (§1.10) that now loaded."""
    loaded = {outcome.file.name for outcome in outcomes if outcome.status == LOADED}
    held = [
        row
        for row in quarantine.open_records(engine, SOURCE, EDXML, REEVALUATED_REASONS)
        if str(row["locator"]).split("#", 1)[0] in loaded
    ]
    return _release(engine, held, _rejected(batch), batch_id) if held else 0


def load_edxml_folder(
    engine, folder: Path, context: QlvbContext, run_tag: str, full_refresh: bool = False
) -> dict[str, int]:
    """Land every package of `folder` whose content was not processed before (every package with
    `full_refresh`); files rejected for their agency or a code are read again on every run (sources.md
    §3.7)."""
    done = set() if full_refresh else processed_files.done_hashes(engine, FILES_SOURCE)
    files = [
        file
        for file in list_folder(folder, processed_files.file_cache(engine, FILES_SOURCE), MAX_FILE_BYTES)
        if file.sha256 not in done
    ]
    totals = {"files_read": 0, "files_loaded": 0, "raw": 0, "staged": 0, "quarantined": 0, "released": 0}
    for number, (batch, outcomes) in enumerate(EdxmlReader(context).read(files), start=1):
        batch_id = f"{run_tag}-edxml-{number}"
        result = land_batch(
            engine,
            batch_id,
            local_now(context.timezone),
            SOURCE,
            EDXML,
            batch.raw,
            batch.rows,
            batch.quarantine,
            batch.children,
        )
        totals["released"] += _release_loaded_files(engine, outcomes, batch, batch_id)
        _record(engine, outcomes, batch_id)
        totals["files_read"] += len(outcomes)
        totals["files_loaded"] += sum(outcome.status == LOADED for outcome in outcomes)
        totals["raw"] += result.raw_rows
        totals["staged"] += result.staged_rows
        totals["quarantined"] += result.quarantined_rows
        progress(f"edxml: {totals['files_read']:,} files read")
    return totals


@multi_asset(
    name="qlvb_edxml",
    specs=[
        _spec(
            PACKAGE_RAW_KEY,
            "As landed, append-only: the header of every edXML package read from PARINDEX_EDXML_DIR, once "
            "per receiving agency in the agency table.",
            [AGENCY_CONFIG_KEY, DVC_AGENCY_KEY],
        ),
        _spec(
            PACKAGE_KEY,
            "edXML packages (national axis), one row per package file and receiving agency; merged with the "
            "API's register entries in marts.fct_document, the API winning field by field.",
            [PACKAGE_RAW_KEY],
        ),
        _spec(
            ORPHANS_KEY,
            "Recall and update packages whose document is neither in the API's register nor received as a "
            "package, quarantined as orphan_reference and released when it arrives (sources.md §3.5, Q10).",
            [PACKAGE_KEY, DOCUMENT_KEY],
        ),
    ],
    pool="warehouse",
    retry_policy=RetryPolicy(max_retries=2, delay=10),
)
@releases_warehouse
def qlvb_edxml(
    context: AssetExecutionContext, warehouse: WarehouseResource, qlvb: QlvbSource, settings: PipelineSettings
):
    keys = [PACKAGE_RAW_KEY, PACKAGE_KEY, ORPHANS_KEY]
    if not qlvb.folder_configured:
        context.log.warning("PARINDEX_EDXML_DIR is not set: the edXML folder is skipped")
        for key in keys:
            yield MaterializeResult(asset_key=key, metadata={"skipped": "PARINDEX_EDXML_DIR is not set"})
        return
    engine = warehouse.engine()
    run_tag = context.run.run_id.split("-")[0]
    totals = load_edxml_folder(
        engine, Path(qlvb.edxml_dir), qlvb_context(engine, settings), run_tag, settings.full_refresh
    )
    orphans = refresh_edxml_orphans(engine, f"{run_tag}-edxml-orphans")
    counts = reading.table_counts(engine, [".".join(PACKAGE_RAW_KEY.path), ".".join(PACKAGE_KEY.path)])
    yield MaterializeResult(
        asset_key=PACKAGE_RAW_KEY, metadata={"row_count": counts[".".join(PACKAGE_RAW_KEY.path)], **totals}
    )
    yield MaterializeResult(asset_key=PACKAGE_KEY, metadata={"row_count": counts[".".join(PACKAGE_KEY.path)]})
    yield MaterializeResult(asset_key=ORPHANS_KEY, metadata={k: int(v) for k, v in orphans.items()})


QLVB_ASSETS = [qlvb_documents, qlvb_edxml]
