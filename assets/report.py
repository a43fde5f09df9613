"""The officer's HTML report (`EXPORT_DIR/Y/bao_cao/`): read from the warehouse here, handed to `reports/`
as rows, written by the report asset and by `parindex report`."""

from __future__ import annotations

import os
from pathlib import Path

from assets.exports import known_catalogues
from reports.pages import ReportData
from reports.plan import SHIPPED_PLAN, Plan, load_plan
from reports.trends import leaf_thresholds
from reports.writer import write_report
from warehouse import criterion_scores, report_readers

PLAN_VARIABLE = "PARINDEX_PLAN"


def plan_setting() -> Path:
    """The plan the tracker follows: `PARINDEX_PLAN` (a YAML file), else the shipped KH 1888."""
    configured = os.environ.get(PLAN_VARIABLE, "").strip()
    return Path(configured) if configured else SHIPPED_PLAN


def report_data(engine, year: int, plan: Plan | None) -> ReportData:
    catalogues = known_catalogues()
    return ReportData(
        year=year,
        as_of=criterion_scores.metrics_as_of(engine, year),
        scorecard=criterion_scores.read_criterion_scores(engine, year),
        metrics=criterion_scores.metric_rows(engine, year),
        quarantine=report_readers.quarantine_summary(engine, year),
        catalogue_names={catalogue_id: c.name for catalogue_id, c in catalogues.items()},
        history={
            earlier: criterion_scores.read_criterion_scores(engine, earlier)
            for earlier in report_readers.scored_years(engine, year)
        },
        plan=plan,
        months=criterion_scores.monthly_metric_rows(engine, year),
        thresholds=leaf_thresholds(catalogues.values()),
    )


def export_report(engine, year: int, export_dir: str, agencies: list[str] | None = None) -> list[Path]:
    """Raises PlanError (naming file, target and field) before writing anything when the plan is bad."""
    plan = load_plan(plan_setting())
    return write_report(Path(export_dir), report_data(engine, year, plan), agencies)
