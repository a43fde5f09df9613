"""DVC extraction assets: one multi-asset per contract resource, landing its raw table and merging its
staging table, plus the orphan re-evaluation that runs once every DVC resource of the run has landed."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import orjson
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    multi_asset,
)

from assets.landing import land_batches
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import DvcSource, PipelineSettings, WarehouseResource, releases_warehouse
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.dvc.client import CredentialsRefused, DvcClient
from etl.dvc.context import DvcContext, ProcedureCodes
from etl.dvc.extract import DvcExtractor
from etl.dvc.normalise import normalise_records
from etl.settings import DvcSettings
from etl.timeparse import local_now
from warehouse import cursors, quarantine, reading, reference, schema
from warehouse.landing import land_batch

SOURCE = "dvc"
GROUP = "dvc"
# Reasons that depend on reference data or configuration: re-evaluated on every run (sources.md §1.10).
REEVALUATED_REASONS = ("unknown_agency", "unknown_code", "unknown_procedure")

# Extraction order matters through the reference data each entity's normaliser needs.
ENTITY_UPSTREAM: dict[str, tuple[str, ...]] = {
    "don-vi": (),
    "ngay-nghi": (),
    "thu-tuc": ("don-vi",),
    "ho-so": ("don-vi", "thu-tuc"),
    "phieu-xin-loi": (),
    "danh-gia": (),
    "pakn": ("don-vi",),
}

ENTITY_DESCRIPTIONS = {
    "don-vi": "Danh mục đơn vị (agencies) served by DVC, pulled in full on every run.",
    "ngay-nghi": "Holiday calendar (ngày nghỉ) served by DVC; defines working days for deadlines.",
    "thu-tuc": "Procedure catalogue (thủ tục hành chính), pulled in full on every run.",
    "ho-so": "Dossiers (hồ sơ TTHC), extracted incrementally by verified NgayCapNhat windows.",
    "phieu-xin-loi": "Apology slips (phiếu xin lỗi) for late dossiers, extracted incrementally.",
    "danh-gia": "Citizens' satisfaction ratings (đánh giá) of dossiers, extracted incrementally.",
    "pakn": "Feedback and petitions (phản ánh, kiến nghị), extracted incrementally.",
}


def table_keys(entity: str) -> tuple[AssetKey, AssetKey]:
    target = schema.landing_target(SOURCE, entity)
    return (
        AssetKey([target.raw.schema, target.raw.name]),
        AssetKey([target.staging.schema, target.staging.name]),
    )


def build_context(engine, settings: PipelineSettings) -> DvcContext:
    agencies = AgencyResolver.from_rows(reference.agency_rows(engine), "agency_code", "old_code")
    codes = reference.procedure_codes(engine)
    return DvcContext(
        pseudonym_key=settings.require_pseudonym_key(),
        agencies=agencies,
        procedures=ProcedureCodes(codes.full_codes, codes.short_to_full),
        codes=CodeMappings.load(SOURCE),
        timezone=ZoneInfo(settings.timezone),
    )


def assessment_year(context: AssetExecutionContext, tz: ZoneInfo) -> int:
    """The run's partition when it has one (a `parindex run --year Y`), else the current local year."""
    tag = context.run.tags.get("dagster/partition")
    return int(tag) if tag and tag.isdigit() else local_now(tz).year


def reevaluate_quarantine(engine, entity: str, dvc_context: DvcContext, batch_id: str, now: datetime) -> int:
    """Normalise again the records held back for a missing reference or mapping; load those that pass."""
    held = quarantine.open_records(engine, SOURCE, entity, REEVALUATED_REASONS)
    if not held:
        return 0
    batch = normalise_records(entity, [orjson.loads(row["record"]) for row in held], dvc_context)
    passed = set(batch.rows.column("_key").to_pylist())
    land_batch(engine, batch_id, now, SOURCE, entity, batch.raw.slice(0, 0), batch.rows, batch.quarantine)
    released = [row["fingerprint"] for row in held if row["record_key"] in passed]
    return quarantine.release(engine, released, batch_id)


def _dvc_entity_asset(entity: str):
    raw_key, staging_key = table_keys(entity)
    upstream = [table_keys(name)[1] for name in ENTITY_UPSTREAM[entity]]
    name = "dvc_" + entity.replace("-", "_")

    @multi_asset(
        name=name,
        specs=[
            AssetSpec(
                raw_key,
                group_name=GROUP,
                description=f"As landed, append-only. {ENTITY_DESCRIPTIONS[entity]}",
                kinds={"python", "sql"},
                owners=["team:data"],
                deps=[AGENCY_CONFIG_KEY],
            ),
            AssetSpec(
                staging_key,
                group_name=GROUP,
                description=f"Typed and cleaned, latest version per key. {ENTITY_DESCRIPTIONS[entity]}",
                kinds={"sql"},
                owners=["team:data"],
                deps=[raw_key, *upstream],
            ),
        ],
        pool="warehouse",
        retry_policy=RetryPolicy(max_retries=2, delay=10),
    )
    @releases_warehouse
    def extract_entity(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        dvc: DvcSource,
        settings: PipelineSettings,
    ):
        if not dvc.configured:
            context.log.warning("PARINDEX_DVC_URL is not set: the DVC source is skipped")
            for key in (raw_key, staging_key):
                yield MaterializeResult(asset_key=key, metadata={"skipped": "PARINDEX_DVC_URL is not set"})
            return
        engine = warehouse.engine()
        tz = ZoneInfo(settings.timezone)
        dvc_context = build_context(engine, settings)
        run_tag = context.run.run_id.split("-")[0]
        now = local_now(tz)
        released = reevaluate_quarantine(engine, entity, dvc_context, f"{run_tag}-{entity}-re", now)

        client = DvcClient(
            DvcSettings(dvc.base_url, dvc.client_id or "", dvc.client_secret or "", settings.timezone),
            dvc.retry_policy(),
        )
        extractor = DvcExtractor(client, dvc_context)
        watermark = None if settings.full_refresh else cursors.get_watermark(engine, SOURCE, entity)
        start = datetime.combine(settings.first_extract_start(assessment_year(context, tz)), time())
        try:
            totals = land_batches(
                engine,
                extractor.extract(entity, watermark, start, timedelta(seconds=dvc.lag_s)),
                SOURCE,
                entity,
                run_tag,
                tz,
            )
        except CredentialsRefused as refused:
            # The step's retries would be refused alike: fail now, with what to change.
            raise Failure(description=str(refused), allow_retries=False) from refused
        finally:
            client.close()
        if extractor.new_watermark is not None:
            cursors.set_watermark(engine, SOURCE, entity, extractor.new_watermark)

        raw_table, staging_table = (".".join(key.path) for key in (raw_key, staging_key))
        counts = reading.table_counts(engine, [raw_table, staging_table])
        yield MaterializeResult(
            asset_key=raw_key,
            metadata={
                "received_this_run": totals["raw"],
                "row_count": counts[raw_table],
                "unknown_fields_records": extractor.drift_counts[entity],
            },
        )
        yield MaterializeResult(
            asset_key=staging_key,
            metadata={
                "row_count": counts[staging_table],
                "staged_this_run": totals["staged"],
                "quarantined_this_run": totals["quarantined"],
                "released_from_quarantine": released,
                "watermark": str(extractor.new_watermark or watermark or ""),
                "preview": MetadataValue.md(
                    reading.preview(engine, staging_table, ["_key", "_version"]).to_markdown(index=False)
                ),
            },
        )

    return extract_entity


DVC_ENTITY_ASSETS = [_dvc_entity_asset(entity) for entity in ENTITY_UPSTREAM]
ORPHANS_KEY = AssetKey(["quarantine", "dvc_orphans"])


@multi_asset(
    name="dvc_orphans",
    specs=[
        AssetSpec(
            ORPHANS_KEY,
            group_name=GROUP,
            description=(
                "Apology slips and ratings whose dossier the warehouse does not have, quarantined as "
                "orphan_reference once every DVC resource of the run has landed, and released when the "
                "dossier arrives (sources.md Q12)."
            ),
            kinds={"sql"},
            owners=["team:data"],
            deps=[table_keys(e)[1] for e in ("ho-so", "phieu-xin-loi", "danh-gia")],
        )
    ],
    pool="warehouse",
)
@releases_warehouse
def dvc_orphans(context: AssetExecutionContext, warehouse: WarehouseResource):
    counts = quarantine.refresh_orphans(warehouse.engine(), f"{context.run.run_id.split('-')[0]}-orphans")
    yield MaterializeResult(asset_key=ORPHANS_KEY, metadata={k: int(v) for k, v in counts.items()})
