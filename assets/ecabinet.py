"""E-CABINET extraction assets (sources.md §4): one multi-asset per resource, landing its raw table and
merging its staging table (polls also their members), from verified `thoiGianCapNhat` windows."""

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

from assets.dvc import assessment_year
from assets.dvc import table_keys as dvc_table_keys
from assets.landing import land_batches
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import EcabinetSource, PipelineSettings, WarehouseResource, releases_warehouse
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.ecabinet.client import EcabinetClient
from etl.ecabinet.context import EcabinetContext
from etl.ecabinet.extract import EcabinetExtractor
from etl.ecabinet.normalise import normalise_records
from etl.ecabinet.settings import OWNER_VARIABLE, EcabinetSettings, configured_owner
from etl.timeparse import local_now
from warehouse import cursors, quarantine, reading, reference, schema
from warehouse import ecabinet as ecabinet_state
from warehouse.landing import land_batch

SOURCE = "ecabinet"
GROUP = "ecabinet"
# Reasons that depend on reference data or configuration: re-evaluated on every run (sources.md §1.10).
REEVALUATED_REASONS = ("unknown_agency", "unknown_code")

ENTITY_DESCRIPTIONS = {
    "cuoc-hop": (
        "Meetings (cuộc họp) of the E-CABINET owner, with their detail (agenda, documents, attendees) "
        "fetched for every new version; khongGiay corrected by the documents (Q19)."
    ),
    "phieu-lay-y-kien": "Member polls (phiếu lấy ý kiến) of the E-CABINET owner, one row per member asked.",
    "nhiem-vu": "Tasks assigned in conclusions (nhiệm vụ), counted towards their lead agency.",
}
# Tasks come last: their maNguon is checked against the meetings and polls of the same run.
ENTITY_UPSTREAM: dict[str, tuple[str, ...]] = {
    "cuoc-hop": (),
    "phieu-lay-y-kien": (),
    "nhiem-vu": ("cuoc-hop", "phieu-lay-y-kien"),
}


def table_keys(entity: str) -> list[AssetKey]:
    """Raw, staging, then child table keys of ``entity``."""
    target = schema.landing_target(SOURCE, entity)
    tables = [target.raw, target.staging, *target.children.values()]
    return [AssetKey([table.schema, table.name]) for table in tables]


def owner_agency(source: EcabinetSource, agencies: AgencyResolver) -> str:
    """The owner's canonical code: `PARINDEX_ECABINET_OWNER`, else the deployment's `ecabinet_owner`."""
    configured = source.owner or configured_owner()
    canonical = agencies.resolve(configured) if configured else None
    if canonical is None:
        raise Failure(
            description=f"{OWNER_VARIABLE} ({configured!r}) names no agency of the agency table "
            "in either code format"
        )
    return canonical


def reevaluate_quarantine(engine, entity: str, context: EcabinetContext, batch_id: str, now: datetime) -> int:
    """Normalise again the records held back for an unknown agency or code; land those that pass and release
    the quarantine rows whose field no longer fails."""
    held = quarantine.open_records(engine, SOURCE, entity, REEVALUATED_REASONS)
    if not held:
        return 0
    items = [(row["locator"], orjson.loads(row["record"])) for row in held]
    batch = normalise_records(entity, items, context)
    passed = set(batch.rows.column("_key").to_pylist())
    rejected = batch.quarantine
    failing = set(
        zip(rejected.column("record_key").to_pylist(), rejected.column("field").to_pylist(), strict=True)
    )
    land_batch(
        engine,
        batch_id,
        now,
        SOURCE,
        entity,
        batch.raw.slice(0, 0),
        batch.rows,
        batch.quarantine,
        batch.children,
    )
    released = [
        row["fingerprint"]
        for row in held
        if row["record_key"] in passed and (row["record_key"], row["field"]) not in failing
    ]
    return quarantine.release(engine, released, batch_id)


def _ecabinet_entity_asset(entity: str):
    keys = table_keys(entity)
    raw_key, staging_key, *child_keys = keys
    upstream = [table_keys(name)[1] for name in ENTITY_UPSTREAM[entity]]
    description = ENTITY_DESCRIPTIONS[entity]
    specs = [
        AssetSpec(
            raw_key,
            group_name=GROUP,
            description=f"As landed, append-only. {description}",
            kinds={"python", "sql"},
            owners=["team:data"],
            deps=[AGENCY_CONFIG_KEY],
        ),
        AssetSpec(
            staging_key,
            group_name=GROUP,
            description=f"Typed and cleaned, latest version per key. {description}",
            kinds={"sql"},
            owners=["team:data"],
            # Agency codes resolve through the configuration and DVC don-vi.
            deps=[raw_key, dvc_table_keys("don-vi")[1], *upstream],
        ),
        *(
            AssetSpec(
                key,
                group_name=GROUP,
                description=f"Array entries of {staging_key.to_user_string()}, replaced with their parent.",
                kinds={"sql"},
                owners=["team:data"],
                deps=[staging_key],
            )
            for key in child_keys
        ),
    ]

    @multi_asset(
        name="ecabinet_" + entity.replace("-", "_"),
        specs=specs,
        pool="warehouse",
        retry_policy=RetryPolicy(max_retries=2, delay=10),
    )
    @releases_warehouse
    def extract_entity(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        ecabinet: EcabinetSource,
        settings: PipelineSettings,
    ):
        if not ecabinet.configured:
            context.log.warning("PARINDEX_ECABINET_URL is not set: the E-CABINET source is skipped")
            for key in keys:
                yield MaterializeResult(
                    asset_key=key, metadata={"skipped": "PARINDEX_ECABINET_URL is not set"}
                )
            return
        engine = warehouse.engine()
        tz = ZoneInfo(settings.timezone)
        agencies = AgencyResolver.from_rows(reference.agency_rows(engine), "agency_code", "old_code")
        owner = owner_agency(ecabinet, agencies)
        ecabinet_state.store_owner(engine, owner, local_now(tz))
        ec_context = EcabinetContext(
            settings.require_pseudonym_key(), agencies, CodeMappings.load(SOURCE), tz
        )
        run_tag = context.run.run_id.split("-")[0]
        released = reevaluate_quarantine(engine, entity, ec_context, f"{run_tag}-{entity}-re", local_now(tz))

        client = EcabinetClient(
            EcabinetSettings(
                ecabinet.base_url or "",
                ecabinet.user or "",
                ecabinet.password or "",
                owner,
                settings.timezone,
            ),
            ecabinet.retry_policy(),
        )
        known = ecabinet_state.meetings_with_detail(engine) if entity == "cuoc-hop" else None
        extractor = EcabinetExtractor(client, ec_context, known, detail_workers=ecabinet.detail_workers)
        watermark = None if settings.full_refresh else cursors.get_watermark(engine, SOURCE, entity)
        start = datetime.combine(settings.first_extract_start(assessment_year(context, tz)), time())
        try:
            batches = extractor.extract(entity, watermark, start, timedelta(seconds=ecabinet.lag_s))
            totals = land_batches(engine, batches, SOURCE, entity, run_tag, tz)
        finally:
            client.close()
        if extractor.new_watermark is not None:
            cursors.set_watermark(engine, SOURCE, entity, extractor.new_watermark)
        if extractor.missing_details:
            context.log.warning(
                f"{len(extractor.missing_details)} meeting(s) kept without their detail after a second 404; "
                f"fetched again next run: {', '.join(extractor.missing_details)}"
            )
        unknown_sources = ecabinet_state.tasks_with_unknown_source(engine) if entity == "nhiem-vu" else []
        if unknown_sources:
            context.log.warning(
                f"{len(unknown_sources)} task(s) name a meeting or poll (maNguon) E-CABINET did not serve; "
                f"loaded anyway: {', '.join(unknown_sources[:20])}"
            )

        names = [".".join(key.path) for key in keys]
        counts = reading.table_counts(engine, names)
        yield MaterializeResult(
            asset_key=raw_key,
            metadata={
                "received_this_run": totals["raw"],
                "row_count": counts[names[0]],
                "unknown_fields_records": extractor.drift_counts[entity],
            },
        )
        yield MaterializeResult(
            asset_key=staging_key,
            metadata={
                "row_count": counts[names[1]],
                "staged_this_run": totals["staged"],
                "quarantined_this_run": totals["quarantined"],
                "released_from_quarantine": released,
                "meetings_without_detail": len(extractor.missing_details),
                "tasks_with_unknown_source": len(unknown_sources),
                "owner": owner,
                "watermark": str(extractor.new_watermark or watermark or ""),
                "preview": MetadataValue.md(
                    reading.preview(engine, names[1], ["_key", "_version"]).to_markdown(index=False)
                ),
            },
        )
        for key, name in zip(child_keys, names[2:], strict=True):
            yield MaterializeResult(asset_key=key, metadata={"row_count": counts[name]})

    return extract_entity


ECABINET_ENTITY_ASSETS = [_ecabinet_entity_asset(entity) for entity in ENTITY_UPSTREAM]
