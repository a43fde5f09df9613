"""The officer's files of the shared `small` run of every source (issue 13): a department's workbook, the
ranking and the manual-input template, printed by LibreOffice to PDF and read back; and the ranking never
places an agency without data among the ranked ones."""

import csv
from pathlib import Path

from openpyxl import load_workbook

from assets import settings
from scoring.evidence_sheet import SHEET_TITLE
from scoring.manual import template_path, write_template
from scoring.ranking import NO_DATA_TEXT
from scoring.scorecard import Agency
from scoring.workbook import NATIONAL_NAME
from tests.e2e.conftest import FULL_YEAR
from tests.scoring.render import (
    A4_LANDSCAPE,
    convert,
    missing_texts,
    needs_renderer,
    page_size,
    pdf_text,
    squeezed,
)


def _scorecard(work: Path) -> list[dict]:
    with (work / "exports" / str(FULL_YEAR) / "scorecard.csv").open(
        encoding="utf-8-sig", newline=""
    ) as handle:
        return list(csv.DictReader(handle))


def _department(rows: list[dict]) -> str:
    """The agency with the most computed leaves below their maximum: the fullest evidence sheet."""
    below = {}
    for row in rows:
        if row["status"] == "computed" and row["score"] and float(row["score"]) < float(row["max_points"]):
            below[row["agency_code"]] = below.get(row["agency_code"], 0) + 1
    return max(sorted(below), key=below.get)


def test_ranking_puts_no_agency_without_data_among_the_ranked(full_clean_run):
    _, work = full_clean_run
    scored = {
        (r["catalogue_id"], r["agency_code"])
        for r in _scorecard(work)
        if r["rule"] and r["status"] in ("computed", "manual")
    }
    with (work / "exports" / str(FULL_YEAR) / "xep_hang.csv").open(
        encoding="utf-8-sig", newline=""
    ) as handle:
        ranking = list(csv.DictReader(handle))
    ranked = [r for r in ranking if r["rank"]]
    assert ranked and all((r["catalogue_id"], r["agency_code"]) in scored for r in ranked)
    unranked = [(r["catalogue_id"], r["agency_code"]) for r in ranking if not r["rank"]]
    assert all(key not in scored for key in unranked)
    # Within a catalogue, every unranked agency comes after the ranked ones.
    for catalogue_id in {r["catalogue_id"] for r in ranking}:
        ranks = [bool(r["rank"]) for r in ranking if r["catalogue_id"] == catalogue_id]
        assert ranks == sorted(ranks, reverse=True)
    sheets = load_workbook(work / "exports" / str(FULL_YEAR) / "xep_hang.xlsx")
    shown = sum(1 for sheet in sheets for row in sheet.iter_rows(values_only=True) if NO_DATA_TEXT in row)
    assert shown == len(unranked)


@needs_renderer
def test_a_departments_files_print_as_documents(full_clean_run, tmp_path):
    _, work = full_clean_run
    rows = _scorecard(work)
    code = _department(rows)
    folder = work / "exports" / str(FULL_YEAR)
    workbook = folder / code / f"tu_danh_gia_{FULL_YEAR}.xlsx"
    assert SHEET_TITLE in load_workbook(workbook, read_only=True).sheetnames

    fields, text = pdf_text(convert(workbook, "pdf", tmp_path / "workbook"))
    assert page_size(fields) == A4_LANDSCAPE
    # A catalogue's table takes a few pages; the evidence sheet lists at most 500 records per leaf.
    assert 3 <= int(fields["Pages"]) <= 400
    first_page = squeezed(text.split("\f")[0])
    assert squeezed(NATIONAL_NAME) in first_page and squeezed(f"NĂM {FULL_YEAR}") in first_page
    total = next(r for r in rows if r["agency_code"] == code and r["criterion_code"] == "TONG")
    percent = f"{float(total['metric_value']) * 100:.2f}%"  # the index as officers see it
    assert percent in text
    assert missing_texts(workbook, text) == []

    ranking = folder / "xep_hang.xlsx"
    fields, text = pdf_text(convert(ranking, "pdf", tmp_path / "ranking"))
    assert page_size(fields) == A4_LANDSCAPE and percent in text
    assert missing_texts(ranking, text) == []

    name = next(r["agency_name"] for r in rows if r["agency_code"] == code)
    manual = template_path(tmp_path / "manual", FULL_YEAR, code)
    write_template(manual, Agency(code, name, "so-ban-nganh"), FULL_YEAR, settings.catalogues())
    fields, text = pdf_text(convert(manual, "pdf", tmp_path / "manual-pdf"))
    assert page_size(fields) == A4_LANDSCAPE and 2 <= int(fields["Pages"]) <= 4
    assert missing_texts(manual, text) == []
