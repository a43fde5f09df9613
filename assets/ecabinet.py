"""E-CABINET extraction assets (sources.md §4): one multi-asset per resource, landing its raw table and
merging its staging table (polls also their members), from verified `thoiGianCapNhat` windows."""

from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    RetryPolicy,
    multi_asset,
)

from assets.dvc import table_keys as dvc_table_keys
from assets.extraction import (
    entity_layout,
    extraction_results,
    landed_keys,
    run_settings,
    skipped,
    source_context,
)
from assets.reference import AGENCY_CONFIG_KEY
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
            yield from extraction_results(
                context,
                engine,
                source,
                run_settings(context, settings),
                keys,
                entity_layout(raw_key, staging_key),
                preview_key=staging_key,
            )

    return extract_entity


ECABINET_ENTITY_ASSETS = [_ecabinet_entity_asset(entity) for entity in ENTITY_UPSTREAM]
