"""How the runner accumulates over batches, carries keys for uniqueness, and reports."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from quality_checks import runner
from quality_checks.calendar import coverage_frame
from quality_checks.runner import validate
from quality_checks.suite import Suite, Where
from quality_checks.suites.expect import in_set, not_null, unique

SUITE = Suite(
    name="test.items",
    table="test.items",
    key=("item_id",),
    blocking=True,
    expectations=(unique("item_id"), in_set("colour", ("red", "blue"))),
)


def _batch(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["item_id", "colour"])


def _result(outcome, expectation: str):
    return next(r for r in outcome.results if r.expectation == expectation)


UNIQUE = "ExpectColumnValuesToBeUnique(item_id)"
COLOUR = "ExpectColumnValuesToBeInSet(colour)"


def test_duplicate_split_across_two_batches_is_found():
    outcome = validate(SUITE, [_batch(("a", "red"), ("b", "red")), _batch(("b", "red"), ("c", "red"))])

    result = _result(outcome, UNIQUE)
    # The two rows of "b": the last of batch 1 (carried) and the first of batch 2.
    assert (result.success, result.unexpected_count, result.offending_keys) == (False, 2, ("b",))
    assert result.columns == ("item_id",)
    assert not outcome.passed


def test_duplicate_spanning_three_batches_counts_each_row_once():
    batches = [_batch(("a", "red"), ("b", "red")), _batch(("b", "red")), _batch(("b", "red"), ("c", "red"))]

    result = _result(validate(SUITE, batches), UNIQUE)

    # Three rows carry "b": batch 2 counts the carried one and its own (2), batch 3 only its own (1).
    assert result.unexpected_count == 3
    assert result.offending_keys == ("b",)


def test_duplicate_inside_a_batch_and_across_the_boundary():
    batches = [_batch(("a", "red"), ("b", "red"), ("b", "red")), _batch(("b", "red"), ("c", "red"))]

    # Batch 1 counts its two "b" rows; batch 2 adds its one "b" row, not the carried one again.
    assert _result(validate(SUITE, batches), UNIQUE).unexpected_count == 3


def test_distinct_keys_in_key_order_pass_across_batches():
    outcome = validate(SUITE, [_batch(("a", "red"), ("b", "blue")), _batch(("c", "red"), ("d", "blue"))])

    assert outcome.passed
    assert outcome.rows_checked == 4
    assert outcome.summary() == "test.items: 2 expectations passed over 4 rows"


def test_row_failures_add_up_and_keep_the_first_five_distinct_keys():
    batches = [
        _batch(("k1", "green"), ("k2", "green"), ("k3", "red")),
        _batch(("k4", "green"), ("k5", "red"), ("k6", "green")),
        _batch(("k7", "green")),
    ]

    result = _result(validate(SUITE, batches), COLOUR)

    # green in k1, k2, k4, k6, k7: five rows; the first five keys in reading order.
    assert result.unexpected_count == 5
    assert result.offending_keys == ("k1", "k2", "k4", "k6", "k7")


def test_keys_beyond_five_are_counted_not_listed():
    rows = [(f"k{i}", "green") for i in range(1, 8)]

    outcome = validate(SUITE, [_batch(*rows[:4]), _batch(*rows[4:])])

    result = _result(outcome, COLOUR)
    assert result.unexpected_count == 7
    assert result.offending_keys == ("k1", "k2", "k3", "k4", "k5")
    assert outcome.summary() == (
        "test.items [blocking]: 1 of 2 failed: ExpectColumnValuesToBeInSet(colour): 7 row(s) e.g. k1, k2, k3…"
    )


def test_passing_failing_and_broken_expectations_of_one_batch_each_report_their_own():
    # The runner asks GX pass or fail of every expectation, then counts and keys of the failed ones only.
    suite = Suite(
        name="test.mixed",
        table="test.mixed",
        key=("item_id",),
        blocking=True,
        expectations=(
            not_null("colour"),
            in_set("colour", ("red", "blue")),
            not_null("size"),
            in_set("item_id", ("k1", "k2", "k3", "k4")),
        ),
    )
    first = _batch(("k1", "red"), ("k2", "green"), ("k3", "blue"))
    second = _batch(("k4", "green"), ("k5", "red"))

    outcome = validate(suite, [first, second])

    by_name = {r.expectation: r for r in outcome.results}
    # No null colour anywhere: passes, nothing counted.
    present = by_name["ExpectColumnValuesToNotBeNull(colour)"]
    assert (present.success, present.unexpected_count) == (True, 0)
    # green in k2 (first batch) and k4 (second).
    colour = by_name["ExpectColumnValuesToBeInSet(colour)"]
    assert (colour.success, colour.unexpected_count, colour.offending_keys) == (False, 2, ("k2", "k4"))
    # No column `size`: an error in both batches, reported once.
    size = by_name["ExpectColumnValuesToNotBeNull(size)"]
    assert not size.success and size.error and "size" in size.error
    # k5 only, in the second batch; the first batch passed this one.
    item = by_name["ExpectColumnValuesToBeInSet(item_id)"]
    assert (item.success, item.unexpected_count, item.offending_keys) == (False, 1, ("k5",))
    assert not outcome.passed


def test_no_batches_and_empty_batches_pass():
    empty = _batch()

    for batches in ([], [empty]):
        outcome = validate(SUITE, batches)
        assert outcome.passed
        assert outcome.rows_checked == 0
        assert [r.unexpected_count for r in outcome.results] == [0, 0]


def test_suite_is_found_by_name():
    outcome = validate("dvc.calendar_coverage", [coverage_frame([2025], [date(2025, 1, 1)])])

    assert outcome.suite_name == "dvc.calendar_coverage"
    assert outcome.table == "staging.stg_dvc__holiday"
    assert outcome.passed


def test_unknown_suite_name_is_refused():
    with pytest.raises(KeyError, match="no.such_suite"):
        validate("no.such_suite", [])


def test_a_missing_column_fails_the_expectation_with_its_error():
    outcome = validate(SUITE, [pd.DataFrame({"item_id": ["a"]})])

    result = _result(outcome, COLOUR)
    assert not result.success
    assert result.error and "colour" in result.error
    assert _result(outcome, UNIQUE).success
    assert "ExpectColumnValuesToBeInSet(colour): could not run" in outcome.summary()


def test_non_blocking_suite_reports_a_warning():
    suite = Suite(
        name="w", table="raw.w", key=("item_id",), blocking=False, expectations=(not_null("colour"),)
    )

    outcome = validate(suite, [_batch(("a", None))])

    assert (outcome.passed, outcome.blocking) == (False, False)
    assert outcome.summary().startswith("raw.w [warning]: 1 of 1 failed")


def test_uniqueness_off_the_key_is_refused_at_definition():
    with pytest.raises(ValueError, match="must be on the key"):
        Suite(name="x", table="x", key=("item_id",), blocking=True, expectations=(unique("colour"),))


def test_conditions_need_known_operators_and_values():
    with pytest.raises(ValueError, match="unknown operator"):
        Where("status", "like", "1%")
    with pytest.raises(ValueError, match="needs a value"):
        Where("status", "in")


def test_columns_to_read_are_key_first_each_once():
    suite = Suite(
        name="c",
        table="c",
        key=("item_id",),
        blocking=True,
        expectations=(
            not_null("colour", where=Where("size", ">", 1)),
            in_set("colour", ("red",)),
            unique("item_id"),
        ),
    )

    assert suite.columns == ("item_id", "colour", "size")


def test_one_context_per_process():
    assert runner._batch_definition() is runner._batch_definition()


def test_importing_the_package_does_not_import_great_expectations():
    code = (
        "import sys, quality_checks.runner, quality_checks.suites, quality_checks.calendar; "
        "print('great_expectations' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert done.stdout.strip() == "False"


def test_calendar_coverage_names_the_year_without_holidays():
    # Deadlines of PAKN received in December 2025 reach 2026; the calendar only has 2025 (3 days) and 2024.
    holidays = [date(2024, 9, 2), date(2025, 1, 1), date(2025, 4, 30), date(2025, 9, 2)]
    frame = coverage_frame([2026, 2025, 2026], holidays)

    assert frame.to_dict("list") == {"year": [2025, 2026], "holiday_count": [3, 0]}
    outcome = validate("dvc.calendar_coverage", [frame])
    assert not outcome.passed and outcome.blocking
    assert outcome.summary() == (
        "staging.stg_dvc__holiday [blocking]: 1 of 3 failed: ExpectColumnValuesToBeBetween(holiday_count): "
        "1 row(s) e.g. 2026"
    )
