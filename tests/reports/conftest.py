"""A warehouse seeded with the hand-worked scoring fixture (tests/scoring/fixture.py), scored, with the
report written from it."""

import pytest

from assets.exports import compute_criterion_scores, export_scorecard_csv
from assets.report import export_report
from tests.scoring import fixture
from tests.scoring.conftest import write_manual_csv
from tests.scoring.test_pipeline import QUOTA_VIEW, _seed
from tests.warehouse.conftest import engine, postgres_url  # noqa: F401  (the warehouse tests' fixtures)


@pytest.fixture
def report(engine, tmp_path, monkeypatch):  # noqa: F811
    """(folder of the report, folder of the exports) for the fixture's year."""
    import sqlalchemy as sa

    _seed(engine)
    with engine.begin() as conn:
        conn.execute(sa.text(QUOTA_VIEW))
    monkeypatch.setenv("PARINDEX_WAREHOUSE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PARINDEX_MANUAL_DIR", str(tmp_path / "manual"))
    monkeypatch.setenv("PARINDEX_CATALOGUE", "template-so@2026.1")
    write_manual_csv(tmp_path / "manual", fixture.A.code, fixture.MANUAL_CSV_A)
    compute_criterion_scores(engine, fixture.YEAR)
    out = tmp_path / "exports"
    export_scorecard_csv(engine, fixture.YEAR, str(out))
    export_report(engine, fixture.YEAR, str(out))
    return out / str(fixture.YEAR) / "bao_cao", out
