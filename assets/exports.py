"""Export files of interface.md §3 written from what the warehouse holds, and the year's scoring; used by the
scoring and export assets and by `parindex export`."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import yaml

from assets import settings
from parindex_facts.defaults import EXPORT_DIR
from scoring import rules
from scoring.agency_manual import load_agencies_manual_inputs
from scoring.catalogue import Catalogue, resolve_catalogue, shipped_ids
from scoring.csv_export import METRICS_COLUMNS, write_metrics_csv, write_scorecard_csv
from scoring.evidence_sheet import MAX_RECORDS, NOT_RECORD_LEVEL, FailingKey, FailingRecords
from scoring.explanations import DETAIL_COLUMNS
from scoring.manual import template_path, write_template
from scoring.metrics import drilldown_view, is_document_requirement_metric, requirement_item_view
from scoring.ranking import area_names, ranking_rows, write_ranking_csv, write_ranking_xlsx
from scoring.scorecard import Agency, build_scorecards, catalogue_applies, node_order, readings_by_agency
from scoring.workbook import Letterhead, workbook_path, write_self_assessment
from warehouse import criterion_scores, reading
from warehouse.clock import local_now

DOCUMENT_COLUMNS = (
    "agency_code",
    "period_start",
    "period_end",
    "code_number",
    "code_notation",
    "promulgation_date",
    "subject",
    "in_numerator",
)
# The columns of a document requirement's item rows that its leaves read (metrics.md §7.4, §10.4).
ITEM_COLUMNS = (
    "agency_code",
    "period_start",
    "period_end",
    "requirement_name",
    "item_order",
    "item_name",
    "deadline_date",
    "status",
    "document_key",
    "code_number",
    "code_notation",
    "promulgation_date",
    "subject",
    "days_late",
    "coverage_start",
    "cutoff_date",
)


def export_metrics_csv(engine, year: int, export_dir: str, agencies: list[str] | None = None) -> Path:
    path = Path(export_dir) / str(year) / "metrics.csv"
    wanted = set(agencies or ())
    rows = (
        row
        for frame in reading.iter_batches(
            engine,
            "marts.metric_value",
            METRICS_COLUMNS,
            order_by=["agency_code", "metric_code", "period_start", "period_end"],
            where={"year": year},
        )
        for row in frame.to_dict("records")
        if not wanted or row["agency_code"] in wanted
    )
    write_metrics_csv(path, rows)
    return path


class ScoringSummary(NamedTuple):
    rows: int
    by_status: dict[str, int]  # leaf status → number of leaves
    manual_errors: dict[str, str]  # agency code → why its manual-input file was not used


def _agencies(engine, year: int) -> list[Agency]:
    return [
        Agency(row["agency_code"], row["agency_name"], row["unit_type"])
        for row in criterion_scores.scored_agencies(engine, year)
    ]


def _document_rows(engine, year: int, catalogues: list[Catalogue]) -> list[dict]:
    """The rows of every document drill-down a catalogue cites as evidence, and the item rows of every
    document requirement a leaf binds (metrics.md §7.4), tagged with their metric."""
    metrics = sorted({leaf.metric for c in catalogues for leaf in c.leaves() if leaf.evidence == "document"})
    bound = sorted({leaf.metric for c in catalogues for leaf in c.leaves() if leaf.metric})
    documents = [
        {**row, "metric_code": metric}
        for metric in metrics
        for row in criterion_scores.drilldown_rows(engine, drilldown_view(metric), DOCUMENT_COLUMNS, year)
    ]
    items = [
        {**row, "metric_code": metric}
        for metric in bound
        if is_document_requirement_metric(metric)
        for row in criterion_scores.drilldown_rows(engine, requirement_item_view(metric), ITEM_COLUMNS, year)
    ]
    return documents + items


def _detail_rows(engine, year: int, catalogues: list[Catalogue]) -> list[dict]:
    """The rows of the drill-downs that explanations read, for the metrics a catalogue binds."""
    bound = {leaf.metric for c in catalogues for leaf in c.leaves()}
    keys = ("agency_code", "period_start", "period_end")
    return [
        {**row, "metric_code": metric}
        for metric, columns in sorted(DETAIL_COLUMNS.items())
        if metric in bound
        for row in criterion_scores.drilldown_rows(engine, drilldown_view(metric), (*keys, *columns), year)
    ]


def compute_criterion_scores(engine, year: int) -> ScoringSummary:
    """Scores every agency of the year under the catalogues of `PARINDEX_CATALOGUE`, with the manual inputs
    of `PARINDEX_MANUAL_DIR`, and replaces the year's `marts.criterion_score` rows."""
    catalogues = settings.catalogues()
    agencies = _agencies(engine, year)
    manual = load_agencies_manual_inputs(
        settings.manual_directory(), year, [a.code for a in agencies], catalogues
    )
    rows = build_scorecards(
        catalogues,
        agencies,
        year,
        criterion_scores.metric_rows(engine, year),
        manual.inputs,
        _document_rows(engine, year, catalogues),
        detail_rows=_detail_rows(engine, year, catalogues),
        manual_errors=manual.errors,
    )
    written = criterion_scores.replace_criterion_scores(engine, year, rows, local_now(engine))
    statuses = Counter(row["status"] for row in rows if row["rule"] is not None)
    return ScoringSummary(written, dict(sorted(statuses.items())), manual.errors)


def _scorecard_rows(engine, year: int, agencies: list[str] | None = None) -> list[dict]:
    wanted = set(agencies or ())
    rows = [
        r
        for r in criterion_scores.read_criterion_scores(engine, year)
        if not wanted or r["agency_code"] in wanted
    ]
    rows.sort(key=lambda r: (r["agency_code"], r["catalogue_id"], node_order(r["criterion_code"])))
    return rows


def export_scorecard_csv(engine, year: int, export_dir: str, agencies: list[str] | None = None) -> Path:
    path = Path(export_dir) / str(year) / "scorecard.csv"
    write_scorecard_csv(path, _scorecard_rows(engine, year, agencies))
    return path


def export_ranking(engine, year: int, export_dir: str) -> list[Path]:
    """The ranking always covers every scored agency: a rank among a chosen few would mislead."""
    unit_types = {agency.code: agency.unit_type for agency in _agencies(engine, year)}
    scorecard = _scorecard_rows(engine, year)
    columns, rows = ranking_rows(scorecard, unit_types)
    folder = Path(export_dir) / str(year)
    write_ranking_csv(folder / "xep_hang.csv", columns, rows)
    names = {catalogue_id: c.name for catalogue_id, c in known_catalogues().items()}
    write_ranking_xlsx(folder / "xep_hang.xlsx", rows, year, area_names(scorecard), names)
    return [folder / "xep_hang.csv", folder / "xep_hang.xlsx"]


def known_catalogues() -> dict[str, Catalogue]:
    """Catalogues by id for workbook headers: those selected now, in their order, then the shipped ones."""
    known = {c.id: c for c in settings.catalogues()}
    for catalogue in (resolve_catalogue(i) for i in shipped_ids()):
        known.setdefault(catalogue.id, catalogue)
    return known


PLACE_NAME_VARIABLE = "PARINDEX_PLACE_NAME"
DEPLOYMENT_FILE = Path(__file__).parent.parent / "etl" / "reference" / "deployment.yaml"
UNKNOWN_PLACE = ".........."  # a blank the officer fills in by hand


def place_name(deployment: Path = DEPLOYMENT_FILE) -> str:
    """The place of the date line in officers' documents: `PARINDEX_PLACE_NAME`, else the deployment's
    `place_name` (the province, "Lai Châu")."""
    configured = os.environ.get(PLACE_NAME_VARIABLE, "").strip()
    if configured:
        return configured
    entries = yaml.safe_load(deployment.read_text(encoding="utf-8")) if deployment.is_file() else None
    value = entries.get("place_name") if isinstance(entries, Mapping) else None
    return str(value).strip() if value else UNKNOWN_PLACE


def _costs_counted_records(catalogues: Mapping[str, Catalogue]) -> dict[str, bool]:
    """metric → whether the records it counts (rather than those it misses) cost points."""
    return {
        leaf.metric: leaf.rule.name == rules.BINARY and leaf.rule.zero_is_pass
        for catalogue in catalogues.values()
        for leaf in catalogue.leaves()
        if leaf.metric
    }


def _failing_records(
    engine, year: int, rows: Sequence[Mapping], catalogues: Mapping[str, Catalogue]
) -> dict[FailingKey, FailingRecords]:
    """The records behind every computed leaf below its maximum, read one drill-down view at a time."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        metric = row["metric_code"]
        if row["status"] == rules.COMPUTED and metric and metric not in NOT_RECORD_LEVEL:
            if row["score"] is not None and row["score"] < row["max_points"]:
                wanted[metric].add(row["agency_code"])
    counted = _costs_counted_records(catalogues)
    views = {drilldown_view(metric): counted.get(metric, False) for metric in sorted(wanted)}
    records = criterion_scores.failing_records(engine, views, year, MAX_RECORDS)
    found: dict[FailingKey, FailingRecords] = {}
    for metric, agencies in sorted(wanted.items()):
        for (agency, start, end), (columns, values, total) in records.get(drilldown_view(metric), {}).items():
            if agency in agencies:
                found[(agency, metric, start, end)] = FailingRecords(columns, values, total)
    return found


def export_self_assessments(
    engine, year: int, export_dir: str, agencies: list[str] | None = None
) -> list[Path]:
    """One workbook per agency with scorecard rows: every assessed agency some loaded catalogue scores."""
    catalogues = known_catalogues()
    # Sheets in the order of PARINDEX_CATALOGUE (the province's own index first), then any other stored.
    order = {catalogue_id: position for position, catalogue_id in enumerate(catalogues)}
    by_agency: dict[str, list[dict]] = defaultdict(list)
    rows = _scorecard_rows(engine, year, agencies)
    for row in sorted(rows, key=lambda r: order.get(r["catalogue_id"], len(order))):
        by_agency[row["agency_code"]].append(row)
    as_of = criterion_scores.metrics_as_of(engine, year)
    failing = _failing_records(engine, year, rows, catalogues)
    parents, province = criterion_scores.superior_names(engine)
    place = place_name()
    exported_on = local_now(engine).date()
    return [
        write_self_assessment(
            workbook_path(Path(export_dir), year, code),
            agency_rows,
            year,
            catalogues,
            as_of,
            exported_on=exported_on,
            letterhead=Letterhead(parents.get(code) or province or "", place),
            failing=failing,
        )
        for code, agency_rows in by_agency.items()
    ]


def export_dir_setting(out: str | None = None) -> str:
    return out or os.environ.get("PARINDEX_EXPORT_DIR") or EXPORT_DIR


def export_year(year: int, out: str | None = None, agencies: list[str] | None = None) -> list[Path]:
    export_dir = export_dir_setting(out)
    engine = settings.warehouse_engine()
    return [
        export_metrics_csv(engine, year, export_dir, agencies),
        export_scorecard_csv(engine, year, export_dir, agencies),
        *export_ranking(engine, year, export_dir),
        *export_self_assessments(engine, year, export_dir, agencies),
    ]


class UnknownAgencies(ValueError):
    """`--agency` named codes without metric rows for the year."""


class TemplateResult(NamedTuple):
    written: list[Path]
    kept: list[Path]  # files that exist already: an officer may have filled them


def write_manual_templates(year: int, agencies: list[str] | None = None) -> TemplateResult:
    """`PARINDEX_MANUAL_DIR/Y/AGENCY_CODE.xlsx` for the agencies a selected catalogue scores (or the ones
    named), pre-filled with the manual leaves' codes, names and maxima."""
    engine = settings.warehouse_engine()
    catalogues = settings.catalogues()
    readings = readings_by_agency(criterion_scores.metric_rows(engine, year))
    known = {agency.code: agency for agency in _agencies(engine, year)}
    if agencies:
        unknown = sorted(set(agencies) - set(known))
        if unknown:
            raise UnknownAgencies(f"--agency: no metric rows of {year} for {', '.join(unknown)}")
        chosen = [known[code] for code in agencies]
    else:
        chosen = [
            a
            for a in known.values()
            if any(catalogue_applies(c, a, readings.get(a.code, {})) for c in catalogues)
        ]
    directory = settings.manual_directory()
    written, kept = [], []
    for agency in chosen:
        path = template_path(directory, year, agency.code)
        if path.exists():
            kept.append(path)
            continue
        write_template(path, agency, year, catalogues)
        written.append(path)
    return TemplateResult(written, kept)
