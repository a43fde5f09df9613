"""DVC extraction assets: one multi-asset per contract resource, landing its raw table and merging its
staging table, plus the orphan re-evaluation that runs once every DVC resource of the run has landed."""

from datetime import timedelta

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from assets.extraction import (
    EXTRACTION_STEP,
    entity_layout,
    entity_specs,
    extraction_results,
    landed_keys,
    run_tag,
    skipped,
    source_context,
)
from assets.resources import (
    WAREHOUSE_POOL,
    DvcSource,
    PipelineSettings,
    WarehouseResource,
    releases_warehouse,
)
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

    specs = entity_specs(SOURCE, entity, GROUP, ENTITY_DESCRIPTIONS[entity], upstream)

    @multi_asset(name=name, specs=specs, **EXTRACTION_STEP)
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
            layout = entity_layout(raw_key, staging_key)
            keys = (raw_key, staging_key)
            yield from extraction_results(context, settings, engine, source, keys, layout, staging_key)

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
    pool=WAREHOUSE_POOL,
)
@releases_warehouse
def dvc_orphans(context: AssetExecutionContext, warehouse: WarehouseResource):
    counts = quarantine.refresh_orphans(warehouse.engine(), f"{run_tag(context)}-orphans")
    yield MaterializeResult(asset_key=ORPHANS_KEY, metadata={k: int(v) for k, v in counts.items()})
