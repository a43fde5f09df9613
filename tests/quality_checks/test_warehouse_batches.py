"""The hand-off of docs/layers.md §5: warehouse tables read in key order, one row per batch, validated.

Values come back from DuckDB as the driver gives them (datetime, date, Decimal, None), the shape `assets/`
passes on; a one-row batch size makes every row its own batch.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from quality_checks.runner import validate
from quality_checks.suites import SUITES
from tests.quality_checks.cases import RETURNED
from warehouse import reading, schema
from warehouse.models import run_models

METRIC = {
    "agency_code": "H35.01",
    "year": 2025,
    "period_start": date(2025, 1, 1),
    "period_end": date(2025, 12, 31),
    "metric_code": "dvc.on_time_rate",
    "numerator": 95,
    "denominator": 100,
    "value": Decimal("0.9500"),
    "as_of": datetime(2026, 1, 1),
}


@pytest.fixture
def engine(tmp_path):
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'warehouse.duckdb'}")
    schema.ensure_schema(engine)
    yield engine
    engine.dispose()


def _validate(engine, name: str):
    suite = SUITES[name]
    return validate(
        suite, reading.iter_batches(engine, suite.table, suite.columns, 1, order_by=list(suite.key))
    )


def test_dossiers_from_duckdb(engine):
    # Row 2 is an online submission never accepted (status 1, no dates); row 3 ended before its reception.
    rows = [
        RETURNED,
        {
            **RETURNED,
            "dossier_code": "H35.51-250314-0002",
            "status": 1,
            **dict.fromkeys(("received_at", "due_at", "processing_ended_at", "returned_at")),
        },
        {**RETURNED, "dossier_code": "H35.51-250314-0003", "processing_ended_at": datetime(2025, 3, 13)},
    ]
    with engine.begin() as conn:
        conn.execute(schema.stg_dvc__dossier.insert(), [{**row, "_key": row["dossier_code"]} for row in rows])

    outcome = _validate(engine, "staging.stg_dvc__dossier")

    assert outcome.rows_checked == 3
    assert [(r.expectation, r.offending_keys) for r in outcome.failures] == [
        ("ExpectColumnPairValuesAToBeGreaterThanB(processing_ended_at,received_at)", ("H35.51-250314-0003",))
    ]


def test_metric_values_from_duckdb(engine):
    # A count (value = numerator), an undefined metric, and a rate above 1.
    rows = [
        METRIC,
        {
            **METRIC,
            "metric_code": "dvc.received",
            "numerator": 120,
            "denominator": 1,
            "value": Decimal("120"),
        },
        {**METRIC, "agency_code": "H35.02", "numerator": None, "denominator": None, "value": None},
        {**METRIC, "agency_code": "H35.03", "numerator": 101, "value": Decimal("1.0100")},
    ]
    with engine.begin() as conn:
        conn.execute(schema.metric_value.insert(), rows)

    outcome = _validate(engine, "marts.metric_value")

    key = "H35.03/dvc.on_time_rate/2025-01-01/2025-12-31"
    assert outcome.rows_checked == 4
    assert [(r.expectation, r.offending_keys) for r in outcome.failures] == [
        (
            "ExpectColumnPairValuesAToBeGreaterThanB(denominator,numerator) where metric_code is a rate",
            (key,),
        ),
        ("ExpectColumnValuesToBeBetween(value) where metric_code is a rate", (key,)),
    ]


def test_empty_tables_pass(engine):
    # The marts are built before their checks run in the pipeline; some suites check a drill-down view
    # (marts.dd_qlvb_docreq_item), which only the models create.
    run_models(engine)
    for name in SUITES:
        if name != "dvc.calendar_coverage":
            assert _validate(engine, name).passed, name
