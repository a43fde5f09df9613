"""The one `Definitions` object that `workspace.yaml`, `dagster dev` and the `parindex` CLI load.

Nothing here opens a connection or reads a source: loading the code location stays fast."""

from __future__ import annotations

import os

from dagster import (
    AssetsDefinition,
    AssetSelection,
    BackfillPolicy,
    Definitions,
    define_asset_job,
)

from assets.automation import (
    ASSESSMENT_YEAR_JOB,
    nightly_assessment_year,
    province_folders_sensor,
    province_nightly_schedule,
    source_folders_sensor,
)
from assets.checks import ASSET_CHECKS
from assets.executor import EXECUTOR_VARIABLE, run_executor
from assets.file_modes import create_private_files
from assets.marts import marts_models, metric_value, metrics_csv
from assets.partitions import DEPLOYMENT
from assets.provinces import ProvincesFile, central_warehouse_url, province_settings
from assets.read_copy import read_copy_asset
from assets.reference import agency_config
from assets.resources import build_resources, province_resources
from assets.scoring import SCORING_ASSETS
from assets.settings import warehouse_url
from assets.sources import EXTRACTION_ASSETS

# Runs launched by `dagster dev` or the daemon load this module: the warehouse file, its WAL and the run
# history they create are the user's alone, as with `parindex run`.
create_private_files()


def _one_run_per_year(definition: AssetsDefinition) -> AssetsDefinition:
    """A backfill runs each assessment year as one run. Not `single_run()` over a range of years: the
    yearly assets compute the one year of `context.partition_key`, which a range does not have."""
    if definition.partitions_def is None:
        return definition
    return definition.with_attributes(backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1))


PIPELINE_ASSETS = [
    _one_run_per_year(definition)
    for definition in [
        agency_config,
        *EXTRACTION_ASSETS,
        marts_models,
        metric_value,
        metrics_csv,
        *SCORING_ASSETS,
    ]
]
ALL_ASSETS = [
    *PIPELINE_ASSETS,
    read_copy_asset(PIPELINE_ASSETS),
]

assessment_year_job = define_asset_job(
    ASSESSMENT_YEAR_JOB,
    selection=AssetSelection.all(),
    description=(
        "The whole graph for one assessment year, as `parindex run --year Y`: the run carries the year, so "
        "extraction starts where that year's needs. A backfill of this job runs each year as one run."
    ),
)


def automation(deployment: ProvincesFile | None) -> dict:
    """The schedules, sensors and resources: today's, or with a provinces file one schedule and one sensor
    per province and resources that follow the province of each run."""
    if deployment is None:
        # Both launch assessment_year for the year in progress: a run that lands data refreshes the index.
        return {
            "schedules": [nightly_assessment_year],
            "sensors": [source_folders_sensor],
            "resources": build_resources(),
        }
    provinces = [province_settings(deployment, code) for code in deployment.codes]
    return {
        "schedules": [province_nightly_schedule(p.code) for p in provinces],
        "sensors": [province_folders_sensor(p, build_resources(province=p)) for p in provinces],
        "resources": province_resources(deployment),
    }


defs = Definitions(
    assets=ALL_ASSETS,
    asset_checks=ASSET_CHECKS,
    jobs=[assessment_year_job],
    **automation(DEPLOYMENT),
    # In-process unless PARINDEX_EXECUTOR says celery: on one machine the `warehouse` pool lets one step at a
    # time open the warehouse anyway, and a process per step (Dagster's default) would only add the start-up
    # of a Python process with Dagster and pandas to each of the ~60 steps. With a provinces file, the steps
    # write the provinces' databases on the central server, which decides whether Celery can write them.
    executor=run_executor(
        os.environ.get(EXECUTOR_VARIABLE),
        (central_warehouse_url(DEPLOYMENT, os.environ) if DEPLOYMENT else None) or warehouse_url(),
        dict(os.environ),
    ),
)
