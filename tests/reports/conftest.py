"""A warehouse seeded with the hand-worked scoring fixture (tests/scoring/fixture.py), scored, with the
report written from it."""

from datetime import date
from decimal import Decimal

import pytest

from assets.exports import compute_criterion_scores, export_scorecard_csv
from assets.report import export_report
from tests.scoring import fixture
from tests.scoring.conftest import write_manual_csv
from tests.scoring.test_pipeline import QUOTA_VIEW, _seed
from tests.warehouse.conftest import engine, postgres_url  # noqa: F401  (the warehouse tests' fixtures)
from warehouse import schema
from warehouse.loading import load_arrow, rows_to_arrow

# A's dvc.on_time_rate by month (its year: 93/100): January 45/50, February without a case, March 48/50.
ON_TIME_MONTHS = [
    (date(2026, 1, 1), date(2026, 1, 31), 45, 50, Decimal("0.9000")),
    (date(2026, 2, 1), date(2026, 2, 28), 0, 0, None),
    (date(2026, 3, 1), date(2026, 3, 31), 48, 50, Decimal("0.9600")),
]


def _seed_months(warehouse) -> None:
    rows = [
        {
            "agency_code": fixture.A.code,
            "year": fixture.YEAR,
            "period_start": start,
            "period_end": end,
            "metric_code": "dvc.on_time_rate",
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "as_of": fixture.AS_OF,
        }
        for start, end, numerator, denominator, value in ON_TIME_MONTHS
    ]
    with warehouse.begin() as conn:
        load_arrow(conn, schema.metric_value, rows_to_arrow(schema.metric_value, rows))


@pytest.fixture
def report(engine, tmp_path, monkeypatch):  # noqa: F811
    """(folder of the report, folder of the exports) for the fixture's year."""
    import sqlalchemy as sa

    _seed(engine)
    _seed_months(engine)
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
