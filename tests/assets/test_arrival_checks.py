"""Raw tables are append-only logs: their suites check each row once, in the run that landed it (rows whose
`_extracted_at` is after the greatest one the suite checked before), while staging suites read the whole
table every time."""

from datetime import datetime

import sqlalchemy as sa

from assets.checks import validate_suite
from quality_checks.suites import SUITES
from tests.warehouse.batches import land
from warehouse import quality_results

RAW = SUITES["raw.dvc__pakn"]
STAGING = SUITES["staging.stg_dvc__feedback"]


def _feedback(number: int) -> dict:
    return {"feedback_id": f"p{number}", "agency_code": "H35.01", "updated_at": datetime(2025, 1, number)}


def test_a_raw_suite_checks_only_the_rows_that_arrived_since_it_last_ran(engine):
    land(engine, "pakn", [_feedback(1), _feedback(2)], "batch-1", datetime(2025, 7, 1, 8, 0))
    first = validate_suite(engine, RAW)
    assert first.passed and first.rows_checked == 2
    assert quality_results.checked_through(engine, RAW.name) == datetime(2025, 7, 1, 8, 0)

    assert validate_suite(engine, RAW).rows_checked == 0

    land(engine, "pakn", [_feedback(3)], "batch-2", datetime(2025, 7, 2, 8, 0))
    # A row that arrives broken (its source column wrong) is caught by the run that landed it.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE raw.dvc__pakn SET _source = 'qlvb' WHERE _batch_id = 'batch-2'"))
    third = validate_suite(engine, RAW)
    assert not third.passed and third.rows_checked == 1
    assert [r.offending_keys for r in third.failures] == [("p3",)]
    assert quality_results.checked_through(engine, RAW.name) == datetime(2025, 7, 2, 8, 0)


def test_a_staging_suite_reads_the_whole_table_every_run(engine):
    land(engine, "pakn", [_feedback(1), _feedback(2)], "batch-1", datetime(2025, 7, 1, 8, 0))
    assert validate_suite(engine, STAGING).rows_checked == 2
    assert validate_suite(engine, STAGING).rows_checked == 2
    assert quality_results.checked_through(engine, STAGING.name) is None
