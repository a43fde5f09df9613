"""E-CABINET extraction assets (sources.md §4): one multi-asset per resource, landing its raw table and
merging its staging table (polls also their members), from verified `thoiGianCapNhat` windows."""

from datetime import timedelta

from dagster import AssetExecutionContext, AssetKey, Failure, multi_asset

from assets.dvc import table_keys as dvc_table_keys
from assets.extraction import (
    EXTRACTION_STEP,
    entity_layout,
    entity_specs,
    extraction_results,
    landed_keys,
    skipped,
    source_context,
)
from assets.resources import EcabinetSource, PipelineSettings, WarehouseResource, releases_warehouse
from etl.agency_codes import AgencyResolver
from etl.ecabinet.context import EcabinetContext
from etl.ecabinet.extract import EcabinetExtractor
from etl.ecabinet.settings import OWNER_VARIABLE, configured_owner
from etl.ecabinet.source import EcabinetEntitySource
from etl.timeparse import local_now
from warehouse import ecabinet as ecabinet_state

SOURCE = "ecabinet"
GROUP = "ecabinet"

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
    return landed_keys(SOURCE, entity)


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


def _ecabinet_entity_asset(entity: str):
    keys = table_keys(entity)
    raw_key, staging_key, *child_keys = keys
    upstream = [table_keys(name)[1] for name in ENTITY_UPSTREAM[entity]]
    # Agency codes resolve through the configuration and DVC don-vi.
    staging_deps = [dvc_table_keys("don-vi")[1], *upstream]
    specs = entity_specs(SOURCE, entity, GROUP, ENTITY_DESCRIPTIONS[entity], staging_deps)

    @multi_asset(name="ecabinet_" + entity.replace("-", "_"), specs=specs, **EXTRACTION_STEP)
    @releases_warehouse
    def extract_entity(
        context: AssetExecutionContext,
        warehouse: WarehouseResource,
        ecabinet: EcabinetSource,
        settings: PipelineSettings,
    ):
        if not ecabinet.configured:
            yield from skipped(context, keys, "PARINDEX_ECABINET_URL", "E-CABINET source")
            return
        engine = warehouse.engine()
        ec_context = source_context(engine, settings, SOURCE, EcabinetContext)
        owner = owner_agency(ecabinet, ec_context.agencies)
        ecabinet_state.store_owner(engine, owner, local_now(ec_context.timezone))
        with ecabinet.client(settings.timezone, owner) as client:
            source = EcabinetEntitySource(
                EcabinetExtractor(client, ec_context, detail_workers=ecabinet.detail_workers),
                entity,
                timedelta(seconds=ecabinet.lag_s),
                owner,
                lambda: ecabinet_state.meetings_with_detail(engine),
                lambda: ecabinet_state.tasks_with_unknown_source(engine),
            )
            layout = entity_layout(raw_key, staging_key)
            yield from extraction_results(context, settings, engine, source, keys, layout, staging_key)

    return extract_entity


ECABINET_ENTITY_ASSETS = [_ecabinet_entity_asset(entity) for entity in ENTITY_UPSTREAM]
