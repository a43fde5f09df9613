"""What the officer's report reads besides the scores: records held back per source and reason, and the
years scored before (DuckDB, and PostgreSQL when PARINDEX_TEST_POSTGRES_URL is set)."""

from datetime import datetime

import sqlalchemy as sa

from warehouse import schema
from warehouse.report_readers import quarantine_summary, scored_years


def _rejected(n, source, entity, key, reason, version=datetime(2026, 3, 1), released=None):
    return {
        "fingerprint": f"f{n}",
        "source": source,
        "entity": entity,
        "record_key": key,
        "record_version": version,
        "reason_code": reason,
        "quarantined_at": datetime(2026, 11, 1),
        "released_at": released,
    }


def test_open_records_of_the_year_are_counted_per_source_and_reason(engine):
    rows = [
        # dvc ho-so D1 twice for bad_format (two fields): one record; D2 too; a pakn with the same key is
        # another record → dvc bad_format 3.
        _rejected(1, "dvc", "ho-so", "D1", "bad_format"),
        _rejected(2, "dvc", "ho-so", "D1", "bad_format"),
        _rejected(3, "dvc", "ho-so", "D2", "bad_format"),
        _rejected(4, "dvc", "pakn", "D1", "bad_format"),
        _rejected(5, "dvc", "ho-so", None, "missing_field"),  # no key: counted by its fingerprint → 1
        _rejected(6, "dvc", "ho-so", "D3", "bad_format", released=datetime(2026, 11, 2)),  # released
        _rejected(7, "dvc", "ho-so", "D4", "duplicate_conflict"),  # its key is in staging
        _rejected(8, "dvc", "ho-so", "D5", "bad_format", version=datetime(2025, 12, 31, 23, 59)),  # 2025
        # no version: dated by quarantined_at (2026-11-01) → hr 1
        _rejected(9, "hr", "nhansu", "K1", "bad_value", version=None),
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.rejected_record), rows)
    assert quarantine_summary(engine, 2026) == [
        {"source": "dvc", "reason_code": "bad_format", "records": 3},
        {"source": "dvc", "reason_code": "missing_field", "records": 1},
        {"source": "hr", "reason_code": "bad_value", "records": 1},
    ]
    assert quarantine_summary(engine, 2025) == [{"source": "dvc", "reason_code": "bad_format", "records": 1}]


def test_scored_years_are_the_earlier_years_of_criterion_score(engine):
    row = {"agency_code": "H35.02", "catalogue_id": "c@1", "criterion_code": "TONG"}
    with engine.begin() as conn:
        conn.execute(sa.insert(schema.criterion_score), [{**row, "year": y} for y in (2026, 2024, 2025)])
    assert scored_years(engine, 2026) == [2024, 2025]
    assert scored_years(engine, 2024) == []
