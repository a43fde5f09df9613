"""Marts, metrics and exports: the SQL models, the yearly metric partitions and the files officers open."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from assets.docreq import declare_document_requirements
from assets.exports import export_metrics_csv
from assets.partitions import assessment_partitions, partition_year
from assets.reference import AGENCY_CONFIG_KEY
from assets.resources import (
    WAREHOUSE_POOL,
    PipelineSettings,
    WarehouseResource,
    releases_warehouse,
    warehouse_asset,
)
from assets.settings import catalogues
from assets.sources import landed_table_keys
from scoring import metric_parameters
from scoring.catalogue import run_metric_parameters
from warehouse import models, quality_results, reading
from warehouse.clock import local_now
from warehouse.metric_parameters import set_metric_parameters
from warehouse.metric_values import compute_metrics, year_period


def mart_description(sql: str) -> str:
    """The model's header comment, which states its grain: the one description of a mart, read by analysts
    in the SQL file and by the data team in Dagster's UI."""
    header = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        header.append(line.removeprefix("--").strip())
    return " ".join(header)


MART_SQL = models.model_sql()


MART_KEYS = {name: AssetKey(["marts", name]) for name in models.build_order(MART_SQL)}
STAGING_DEPS = [AGENCY_CONFIG_KEY, *landed_table_keys()]


@multi_asset(
    name="marts_models",
    specs=[
        AssetSpec(
            key,
            group_name="marts",
            description=mart_description(MART_SQL[name]),
            kinds={"sql"},
            owners=["team:data"],
            deps=STAGING_DEPS,
        )
        for name, key in MART_KEYS.items()
    ],
    pool=WAREHOUSE_POOL,
)
@releases_warehouse
def marts_models(context: AssetExecutionContext, warehouse: WarehouseResource):
    engine = warehouse.engine()
    order = models.run_models(engine)
    tables = [f"marts.{name}" for name in order if not name.startswith("dd_")]
    counts = reading.table_counts(engine, tables)
    for name in order:
        metadata = {"row_count": counts[f"marts.{name}"]} if f"marts.{name}" in counts else {}
        yield MaterializeResult(asset_key=MART_KEYS[name], metadata=metadata)


METRIC_VALUE_KEY = AssetKey(["marts", "metric_value"])


def run_started_at(context: AssetExecutionContext, settings: PipelineSettings) -> datetime:
    """The run's start in naive local time (docs/layers.md §1)."""
    started = context.instance.get_run_stats(context.run.run_id).start_time or datetime.now().timestamp()
    return datetime.fromtimestamp(started, ZoneInfo(settings.timezone)).replace(tzinfo=None)


def failed_blocking_checks(engine, run_id: str) -> list[str]:
    return [
        f"{row['table_name']}: {row['check_name']}" for row in quality_results.failed_blocking(engine, run_id)
    ]


@warehouse_asset(
    key=METRIC_VALUE_KEY,
    group_name="metrics",
    partitions_def=assessment_partitions,
    deps=list(MART_KEYS.values()),
    description=(
        "One row per assessed agency, metric and period (metrics.md): counts from the drill-down views, "
        "value rounded half-up to 4 decimals. A partition is an assessment year; the year in progress is "
        "computed as of the run's start."
    ),
    kinds={"sql"},
)
def metric_value(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
) -> MaterializeResult:
    engine = warehouse.engine()
    blocked = failed_blocking_checks(engine, context.run.run_id)
    if blocked:
        # Dagster does not stop downstream assets on every failed check (issue 17251): gate explicitly.
        raise Failure(description="Blocking quality checks failed: " + "; ".join(blocked))
    year = partition_year(context.partition_key)
    # metrics.md §0: in the year in progress, the end of P is the instant the run started.
    as_of = year_period(year, run_started_at(context, settings)).end_at
    declare_document_requirements(engine, year)
    # The drill-down views read the catalogues' metric parameters (metrics.md §9.7) from the warehouse.
    parameters = run_metric_parameters(catalogues())
    set_metric_parameters(engine, year, metric_parameters.rows(parameters, year))
    written = compute_metrics(engine, year, as_of, local_now(engine))
    return MaterializeResult(metadata={"row_count": written, "as_of": as_of.isoformat(sep=" ")})


METRICS_CSV_KEY = AssetKey(["exports", "metrics_csv"])


@warehouse_asset(
    key=METRICS_CSV_KEY,
    group_name="exports",
    partitions_def=assessment_partitions,
    deps=[METRIC_VALUE_KEY],
    description="`PARINDEX_EXPORT_DIR/Y/metrics.csv` (interface.md §3): the year's metric_value rows.",
    kinds={"csv"},
)
def metrics_csv(
    context: AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
) -> MaterializeResult:
    path = export_metrics_csv(
        warehouse.engine(),
        partition_year(context.partition_key),
        settings.export_dir,
        settings.export_agencies,
    )
    return MaterializeResult(metadata={"path": MetadataValue.path(str(path.resolve()))})
