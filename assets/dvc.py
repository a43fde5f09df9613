"""DVC extraction assets: one multi-asset per contract resource, landing its raw table and merging its
staging table, plus the orphan re-evaluation that runs once every DVC resource of the run has landed."""

from datetime import timedelta

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    RetryPolicy,
    multi_asset,
)

from assets.extraction import (
    entity_layout,
    extraction_results,
    landed_keys,
    run_settings,
    run_tag,
    skipped,
    source_context,
)
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import DvcSource, PipelineSettings, WarehouseResource, releases_warehouse
from etl.dvc.context import DvcContext, ProcedureCodes
from etl.dvc.extract import DvcExtractor
from etl.dvc.source import DvcEntitySource
from warehouse import quarantine, reference

SOURCE = "dvc"
GROUP = "dvc"

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


def table_keys(entity: str) -> list[AssetKey]:
    """Raw, staging, then child table keys of ``entity``."""
    return landed_keys(SOURCE, entity)


def procedure_codes(engine) -> ProcedureCodes:
    codes = reference.procedure_codes(engine)
    return ProcedureCodes(codes.full_codes, codes.short_to_full)


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
            yield from skipped(context, (raw_key, staging_key), "PARINDEX_DVC_URL", "DVC source")
            return
        engine = warehouse.engine()
        dvc_context = source_context(engine, settings, SOURCE, DvcContext, procedures=procedure_codes(engine))
        with dvc.client(settings.timezone) as client:
            source = DvcEntitySource(DvcExtractor(client, dvc_context), entity, timedelta(seconds=dvc.lag_s))
            yield from extraction_results(
                context,
                engine,
                source,
                run_settings(context, settings),
                (raw_key, staging_key),
                entity_layout(raw_key, staging_key),
                preview_key=staging_key,
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
    counts = quarantine.refresh_orphans(warehouse.engine(), f"{run_tag(context)}-orphans")
    yield MaterializeResult(asset_key=ORPHANS_KEY, metadata={k: int(v) for k, v in counts.items()})
