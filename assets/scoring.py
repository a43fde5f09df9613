"""Scoring assets: `marts/criterion_score` and the officer-facing exports, per assessment year, run only once
the blocking quality checks of the run have passed."""

from dagster import AssetExecutionContext, AssetKey, Failure, MaterializeResult, MetadataValue

from assets import settings
from assets.exports import (
    compute_criterion_scores,
    export_ranking,
    export_scorecard_csv,
    export_self_assessments,
)
from assets.marts import METRIC_VALUE_KEY, failed_blocking_checks
from assets.partitions import assessment_partitions, partition_year
from assets.report import export_report
from assets.resources import PipelineSettings, WarehouseResource, warehouse_asset
from scoring.catalogue_leaves import catalogue_leaf_rows
from warehouse.catalogue_leaves import replace_catalogue_leaves
from warehouse.clock import local_now

CRITERION_SCORE_KEY = AssetKey(["marts", "criterion_score"])
SCORECARD_CSV_KEY = AssetKey(["exports", "scorecard_csv"])
RANKING_KEY = AssetKey(["exports", "xep_hang"])
SELF_ASSESSMENT_KEY = AssetKey(["exports", "tu_danh_gia"])
REPORT_KEY = AssetKey(["exports", "bao_cao"])


def _require_passed_checks(context: AssetExecutionContext, engine) -> None:
    # Dagster does not stop downstream assets on every failed check (issue 17251): gate explicitly.
    blocked = failed_blocking_checks(engine, context.run.run_id)
    if blocked:
        raise Failure(description="Blocking quality checks failed: " + "; ".join(blocked))


@warehouse_asset(
    key=CRITERION_SCORE_KEY,
    group_name="scoring",
    partitions_def=assessment_partitions,
    deps=[METRIC_VALUE_KEY],
    description=(
        "One row per agency, catalogue node and total (interface.md §3 scorecard.csv): the catalogues "
        "of PARINDEX_CATALOGUE applied to the year's metric values, the manual inputs of "
        "PARINDEX_MANUAL_DIR and the documents cited as evidence. Writes `marts.catalogue_leaf` too: "
        "each catalogue's leaves with their rule parameters."
    ),
    kinds={"sql"},
)
def criterion_score(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    engine = warehouse.engine()
    _require_passed_checks(context, engine)
    summary = compute_criterion_scores(engine, partition_year(context.partition_key))
    for agency_code, error in summary.manual_errors.items():
        context.log.warning(f"manual criteria of {agency_code} left missing: {error}")
    leaves = record_catalogue_leaves(engine)
    return MaterializeResult(
        metadata={
            "row_count": summary.rows,
            "catalogue_leaf_rows": leaves,
            **summary.by_status,
            "manual_files_with_errors": sorted(summary.manual_errors),
        }
    )


def record_catalogue_leaves(engine) -> int:
    """`marts.catalogue_leaf` of the catalogues of PARINDEX_CATALOGUE, which scored the year."""
    catalogues = settings.catalogues()
    rows = [row for catalogue in catalogues for row in catalogue_leaf_rows(catalogue)]
    return replace_catalogue_leaves(engine, [c.id for c in catalogues], rows, local_now(engine))


def _export_asset(key: AssetKey, description: str, kind: str, write):
    @warehouse_asset(
        key=key,
        group_name="exports",
        partitions_def=assessment_partitions,
        deps=[CRITERION_SCORE_KEY],
        description=description,
        kinds={kind},
    )
    def export(
        context: AssetExecutionContext, warehouse: WarehouseResource, settings: PipelineSettings
    ) -> MaterializeResult:
        engine = warehouse.engine()
        _require_passed_checks(context, engine)
        paths = write(
            engine, partition_year(context.partition_key), settings.export_dir, settings.export_agencies
        )
        return MaterializeResult(
            metadata={
                "file_count": len(paths),
                "path": MetadataValue.path(str(paths[0].resolve().parent)) if paths else "",
            }
        )

    return export


scorecard_csv = _export_asset(
    SCORECARD_CSV_KEY,
    "`PARINDEX_EXPORT_DIR/Y/scorecard.csv`: the year's criterion_score rows.",
    "csv",
    lambda engine, year, out, agencies: [export_scorecard_csv(engine, year, out, agencies)],
)
xep_hang = _export_asset(
    RANKING_KEY,
    "`Y/xep_hang.csv` and `Y/xep_hang.xlsx`: agencies ranked per catalogue by index (ties share a rank).",
    "xlsx",
    lambda engine, year, out, agencies: export_ranking(engine, year, out),
)
tu_danh_gia = _export_asset(
    SELF_ASSESSMENT_KEY,
    "`Y/AGENCY_CODE/tu_danh_gia_Y.xlsx`: the self-assessment table in the official layout, in Vietnamese.",
    "xlsx",
    export_self_assessments,
)

bao_cao = _export_asset(
    REPORT_KEY,
    "`Y/bao_cao/`: the officer's HTML report (province page, one page per agency, the plan tracker of "
    "PARINDEX_PLAN), opened offline from the file system.",
    "html",
    export_report,
)

SCORING_ASSETS = [criterion_score, scorecard_csv, xep_hang, tu_danh_gia, bao_cao]
