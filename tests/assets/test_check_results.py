"""A check result names its failed expectations (issue 11), not only how many failed: the rows below break
one of the suite's two expectations on purpose, so the metadata must name that one and only that one."""

import pandas as pd

from assets.checks import check_result
from quality_checks.runner import validate

# The runner's own test suite: a unique key and a colour among red and blue.
from tests.quality_checks.test_runner import COLOUR, SUITE


def test_the_failed_expectations_are_listed_by_name_with_their_rows():
    rows = [("a", "red"), ("b", "green"), ("c", "green")]
    outcome = validate(SUITE, [pd.DataFrame(rows, columns=["item_id", "colour"])])

    result = check_result(outcome)

    assert not result.passed
    metadata = {name: value.value for name, value in result.metadata.items()}
    assert metadata["failed_expectations"] == [COLOUR]
    assert (metadata["expectations"], metadata["failed_expectation_count"], metadata["rows_checked"]) == (
        2,
        1,
        3,
    )
    # Two green rows, keys b and c: the line the check's description shows too.
    assert metadata["failures"] == f"- {COLOUR}: 2 row(s) e.g. b, c"


def test_a_passing_suite_lists_no_failure():
    outcome = validate(SUITE, [pd.DataFrame([("a", "red")], columns=["item_id", "colour"])])

    metadata = {name: value.value for name, value in check_result(outcome).metadata.items()}

    assert (metadata["failed_expectations"], metadata["failures"]) == ([], "none")
