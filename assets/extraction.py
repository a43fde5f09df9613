"""From the extraction workflow (`etl.source.run_extraction`) to Dagster: the one factory that runs a source
and turns its `ExtractionReport` into the assets' results, the one path for a source that is not
configured, and what every extraction asset derives from its run."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

import dagster as dg

from assets.landing import EngineWarehouse
from assets.partitions import YEAR_DIMENSION
from assets.progress import ExtractionProgress
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import WAREHOUSE_POOL, PipelineSettings
from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.source import ExtractionReport, RunSettings, Source, SourceRefused, run_extraction
from etl.timeparse import local_now
from warehouse import reading, reference, schema

# How every extraction step runs: alone on the warehouse (one writer per DuckDB file), retried twice when a
# source fails it (the retry starts from the cursors the failed attempt left).
EXTRACTION_STEP = {"pool": WAREHOUSE_POOL, "retry_policy": dg.RetryPolicy(max_retries=2, delay=10)}
# Per asset key, the metadata an extraction's report gives it (beside the row count and preview).
MetadataLayout = Callable[[ExtractionReport], Mapping[dg.AssetKey, Mapping]]


def table_key(table) -> dg.AssetKey:
    """The asset key of a warehouse table: its schema and name."""
    return dg.AssetKey([table.schema, table.name])


def landed_keys(source: str, entity: str) -> list[dg.AssetKey]:
    """The keys of the tables an entity lands in: raw, staging, then its child tables."""
    target = schema.landing_target(source, entity)
    return [table_key(table) for table in (target.raw, target.staging, *target.children.values())]


def extraction_spec(
    key: dg.AssetKey, group: str, description: str, deps, kinds=("python", "sql")
) -> dg.AssetSpec:
    """A table an extraction asset writes, in its source's group."""
    return dg.AssetSpec(
        key, group_name=group, description=description, kinds=set(kinds), owners=["team:data"], deps=deps
    )


def entity_specs(
    source: str, entity: str, group: str, description: str, staging_deps: Sequence[dg.AssetKey]
) -> list[dg.AssetSpec]:
    """The tables one entity lands in: raw (from the agency configuration on), staging, its child tables."""
    raw_key, staging_key, *child_keys = landed_keys(source, entity)
    children = f"Array entries of {staging_key.to_user_string()}, replaced with their parent."
    return [
        extraction_spec(raw_key, group, f"As landed, append-only. {description}", [AGENCY_CONFIG_KEY]),
        extraction_spec(
            staging_key,
            group,
            f"Typed and cleaned, latest version per key. {description}",
            [raw_key, *staging_deps],
            kinds=("sql",),
        ),
        *(extraction_spec(key, group, children, [staging_key], kinds=("sql",)) for key in child_keys),
    ]


def run_tag(context: dg.AssetExecutionContext) -> str:
    """The run id's first part: short, and unique enough to name the run's batches."""
    return context.run.run_id.split("-")[0]


def assessment_year(context: dg.AssetExecutionContext, tz: ZoneInfo) -> int:
    """The run's partition when it has one (a `parindex run --year Y`), else the current local year."""
    tags = context.run.tags
    # With provinces, the run's partition is `H35|2025` and its year dimension has a tag of its own.
    tag = tags.get(f"dagster/partition/{YEAR_DIMENSION}") or tags.get("dagster/partition")
    return int(tag) if tag and tag.isdigit() else local_now(tz).year


def run_settings(context: dg.AssetExecutionContext, settings: PipelineSettings, source: str) -> RunSettings:
    tz = ZoneInfo(settings.timezone)
    start = datetime.combine(settings.first_extract_start(assessment_year(context, tz), source), time())
    return RunSettings(run_tag(context), start, settings.full_refresh, lambda: local_now(tz))


def source_context(engine, settings: PipelineSettings, source: str, context_type, **extra):
    """The normalisation context of `source` (etl/<source>/context.py): the pseudonym key, the agency table
    in both code formats, the source's code mappings and the time zone, and what else it needs."""
    return context_type(
        pseudonym_key=settings.require_pseudonym_key(),
        agencies=AgencyResolver.from_rows(reference.agency_rows(engine), "agency_code", "old_code"),
        codes=CodeMappings.load(source),
        timezone=ZoneInfo(settings.timezone),
        **extra,
    )


def skipped(
    context: dg.AssetExecutionContext, keys: Sequence[dg.AssetKey], variable: str, what: str
) -> Iterator[dg.MaterializeResult]:
    """A source whose variable is unset is skipped with a warning; its assets materialise saying so."""
    context.log.warning(f"{variable} is not set: the {what} is skipped")
    for key in keys:
        yield dg.MaterializeResult(asset_key=key, metadata={"skipped": f"{variable} is not set"})


def extraction_results(
    context: dg.AssetExecutionContext,
    settings: PipelineSettings,
    engine,
    source: Source,
    keys: Sequence[dg.AssetKey],
    layout: MetadataLayout,
    preview_key: dg.AssetKey | None = None,
) -> Iterator[dg.MaterializeResult]:
    """Run the extraction of `source` and yield one result per key, in order: the row count of each raw or
    staging table, the report's metadata by `layout`, and a preview of `preview_key`'s latest rows."""
    try:
        with ExtractionProgress() as bars:
            report = run_extraction(
                source, EngineWarehouse(engine), run_settings(context, settings, source.name), bars
            )
    except SourceRefused as refused:
        # The step's retries would be refused alike: fail now, with what to change.
        raise dg.Failure(description=str(refused), allow_retries=False) from refused
    for warning in report.warnings:
        context.log.warning(warning)
    tables = {key: ".".join(key.path) for key in keys}
    counts = reading.table_counts(
        engine, [t for key, t in tables.items() if key.path[0] in ("raw", "staging")]
    )
    extra = layout(report)
    for key in keys:
        metadata = {"row_count": counts[tables[key]]} if tables[key] in counts else {}
        metadata.update(extra.get(key, {}))
        if key == preview_key:
            preview = reading.preview(engine, tables[key], ["_key", "_version"])
            metadata["preview"] = dg.MetadataValue.md(preview.to_markdown(index=False))
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


def entity_layout(raw_key: dg.AssetKey, staging_key: dg.AssetKey) -> MetadataLayout:
    """One entity of a windowed API (DVC, E-CABINET): what was received on the raw table, what was staged,
    held, released and where the cursor stands on the staging table, with the source's own counts."""

    def layout(report: ExtractionReport) -> Mapping[dg.AssetKey, Mapping]:
        details = dict(report.details)
        (watermark,) = report.watermarks.values()
        return {
            raw_key: {
                "received_this_run": report.received,
                "unknown_fields_records": details.pop("unknown_fields_records"),
            },
            staging_key: {
                "staged_this_run": report.staged,
                "quarantined_this_run": report.quarantined,
                "released_from_quarantine": report.released,
                "watermark": watermark,
                **details,
            },
        }

    return layout
