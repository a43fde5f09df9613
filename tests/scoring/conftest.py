"""Shared objects of the scoring tests: the shipped catalogues and the hand-worked fixture's scorecards."""

from pathlib import Path

import pytest

from scoring.catalogue import resolve_catalogue
from scoring.manual import parse_entries, read_rows
from scoring.scorecard import build_scorecards
from tests.scoring import fixture
from tests.warehouse.conftest import engine, postgres_url  # noqa: F401  (the warehouse tests' fixtures)


@pytest.fixture(scope="session")
def template():
    return resolve_catalogue("template-so@2026.1")


@pytest.fixture(scope="session")
def qd766():
    return resolve_catalogue("qd766@2022")


# A catalogue whose only leaf is computed with `fallback: manual` (metrics.md §9.6).
FALLBACK_CATALOGUE = (
    "id: c@1\nname: C\nunit_types: [so-ban-nganh]\nareas:\n"
    "  - {code: '4', name: Tổ chức bộ máy, children: ["
    "{code: '4.1', name: 'Quy định chức năng, nhiệm vụ', max_points: 2, metric: qlvb.plan_on_time,"
    " rule: binary, fallback: manual}]}\n"
)


def write_manual_csv(directory: Path, agency_code: str, text: str) -> Path:
    path = directory / str(fixture.YEAR) / f"{agency_code}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def manual_a(tmp_path_factory, template, qd766):
    path = write_manual_csv(tmp_path_factory.mktemp("manual"), fixture.A.code, fixture.MANUAL_CSV_A)
    return parse_entries(path, read_rows(path), [template, qd766])


@pytest.fixture(scope="session")
def scorecard_rows(template, qd766, manual_a):
    """Every row of the fixture's year under both shipped catalogues."""
    return build_scorecards(
        [template, qd766],
        fixture.AGENCIES,
        fixture.YEAR,
        fixture.METRIC_ROWS,
        {fixture.A.code: manual_a},
        fixture.DOCUMENT_ROWS,
    )


def rows_of(rows, agency, catalogue_id):
    return {
        r["criterion_code"]: r
        for r in rows
        if r["agency_code"] == agency.code and r["catalogue_id"] == catalogue_id
    }
