"""Cursors, reference data, reading in batches and check results."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from tests.warehouse.batches import land
from warehouse.cursors import get_watermark, set_watermark
from warehouse.quality_results import failed_blocking, record_check_results
from warehouse.reading import iter_batches, preview, table_counts
from warehouse.reference import agency_rows, load_agency_config, procedure_codes


def test_watermarks_are_per_source_resource(engine):
    assert get_watermark(engine, "dvc", "ho-so") is None
    set_watermark(engine, "dvc", "ho-so", datetime(2025, 3, 1, 12, 0))
    set_watermark(engine, "dvc", "ho-so", datetime(2025, 3, 2, 12, 0))
    set_watermark(engine, "dvc", "pakn", datetime(2025, 1, 1))
    assert get_watermark(engine, "dvc", "ho-so") == datetime(2025, 3, 2, 12, 0)
    assert get_watermark(engine, "dvc", "pakn") == datetime(2025, 1, 1)


def test_agency_rows_put_the_configuration_first(engine):
    load_agency_config(engine, [{"agency_code": "H35.02", "agency_name": "old list"}])
    load_agency_config(
        engine, [{"agency_code": "H35.01", "old_code": "000.00.01.H35", "unit_type": "so-ban-nganh"}]
    )
    land(
        engine,
        "don-vi",
        [{"agency_code": "H35.01", "agency_name": "Văn phòng", "updated_at": datetime(2025, 1, 1)}],
    )

    assert [
        (row["origin"], row["agency_code"], row["old_code"], row["agency_name"])
        for row in agency_rows(engine)
    ] == [
        ("config", "H35.01", "000.00.01.H35", None),  # loading the configuration again replaced H35.02
        ("don-vi", "H35.01", None, "Văn phòng"),
    ]


def test_procedure_codes_map_short_codes(engine):
    land(
        engine,
        "thu-tuc",
        [
            {
                "procedure_code": "1.001193.000.00.00.H35",
                "short_code": "1.001193",
                "updated_at": datetime(2025, 1, 1),
            },
            {"procedure_code": "1.014028.H35", "short_code": "1.014028", "updated_at": datetime(2025, 1, 1)},
        ],
    )
    codes = procedure_codes(engine)
    assert codes.full_codes == {"1.001193.000.00.00.H35", "1.014028.H35"}
    assert codes.short_to_full == {"1.001193": "1.001193.000.00.00.H35", "1.014028": "1.014028.H35"}


def test_iter_batches_streams_bounded_frames(engine):
    land(
        engine,
        "pakn",
        [
            {
                "feedback_id": f"p{i}",
                "agency_code": "H35.01" if i % 2 else "H35.02",
                "updated_at": datetime(2025, 1, i),
            }
            for i in range(1, 6)
        ],
    )
    frames = list(
        iter_batches(
            engine, "staging.stg_dvc__feedback", ["feedback_id"], batch_size=2, order_by=["feedback_id"]
        )
    )
    assert [frame["feedback_id"].tolist() for frame in frames] == [["p1", "p2"], ["p3", "p4"], ["p5"]]

    [odd] = iter_batches(
        engine,
        "staging.stg_dvc__feedback",
        ["feedback_id"],
        where={"agency_code": "H35.01"},
        order_by=["feedback_id"],
    )
    assert odd["feedback_id"].tolist() == ["p1", "p3", "p5"]
    assert table_counts(engine, ["staging.stg_dvc__feedback", "raw.dvc__pakn"]) == {
        "staging.stg_dvc__feedback": 5,
        "raw.dvc__pakn": 5,
    }
    assert preview(engine, "staging.stg_dvc__feedback", ["feedback_id"], limit=3).shape == (3, 1)


def test_iter_batches_quotes_names(engine):
    # the whole string is one quoted table name, which does not exist: nothing else runs
    with pytest.raises(sa.exc.DBAPIError, match="DROP TABLE"):
        list(iter_batches(engine, "raw.t; DROP TABLE raw.dvc__pakn", ["a"]))
    assert table_counts(engine, ["raw.dvc__pakn"]) == {"raw.dvc__pakn": 0}


def test_check_results_are_kept_and_blocking_failures_found(engine):
    checked = datetime(2025, 7, 1, 1, 0)
    result = {"run_id": "r1", "table_name": "staging.stg_dvc__dossier", "checked_at": checked}
    written = record_check_results(
        engine,
        [
            {**result, "check_name": "keys", "passed": True, "blocking": True},
            {**result, "check_name": "dates", "passed": False, "blocking": True, "sample_keys": ["d1", "d2"]},
            {**result, "check_name": "drift", "passed": False, "blocking": False},
            {**result, "run_id": "r0", "check_name": "old", "passed": False, "blocking": True},
        ],
    )
    assert written == 4
    [failure] = failed_blocking(engine, "r1")
    assert (failure["check_name"], failure["sample_keys"]) == ("dates", '["d1", "d2"]')
