"""Short constructors for the expectations the suites use, so suites read as a list of rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quality_checks.suite import AnyOf, ExpectationSpec, Suite, Where

Condition = Where | AnyOf | None


def not_null(column: str, where: Condition = None) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": column}, where)


def is_null(column: str, where: Condition = None) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToBeNull", {"column": column}, where)


def unique(column: str) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToBeUnique", {"column": column})


def unique_together(columns: Sequence[str]) -> ExpectationSpec:
    return ExpectationSpec("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)})


def in_set(column: str, values: Sequence[Any], where: Condition = None) -> ExpectationSpec:
    """Null values pass: pair with `not_null` where the column is required."""
    kwargs = {"column": column, "value_set": list(values)}
    return ExpectationSpec("ExpectColumnValuesToBeInSet", kwargs, where)


def matches(column: str, regex: str) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToMatchRegex", {"column": column, "regex": regex})


def json_text(column: str) -> ExpectationSpec:
    return ExpectationSpec("ExpectColumnValuesToBeJsonParseable", {"column": column})


def between(
    column: str, min_value: Any = None, max_value: Any = None, where: Condition = None
) -> ExpectationSpec:
    kwargs = {"column": column, "min_value": min_value, "max_value": max_value}
    return ExpectationSpec("ExpectColumnValuesToBeBetween", kwargs, where)


def at_least(column_a: str, column_b: str, where: Condition = None) -> ExpectationSpec:
    """`column_a >= column_b` on the rows where both are set."""
    kwargs = {
        "column_A": column_a,
        "column_B": column_b,
        "or_equal": True,
        "ignore_row_if": "either_value_is_missing",
    }
    return ExpectationSpec("ExpectColumnPairValuesAToBeGreaterThanB", kwargs, where)


def equal(column_a: str, column_b: str, where: Condition = None) -> ExpectationSpec:
    """`column_a == column_b` on the rows where both are set."""
    kwargs = {"column_A": column_a, "column_B": column_b, "ignore_row_if": "either_value_is_missing"}
    return ExpectationSpec("ExpectColumnPairValuesToBeEqual", kwargs, where)


# The shapes most columns take: a required column is checked for nulls first, then for its values (the
# value checks let nulls pass). Each returns both expectations, to be spread into a suite's list.


def identifier(column: str) -> tuple[ExpectationSpec, ExpectationSpec]:
    """A key column: set on every row and never repeated."""
    return not_null(column), unique(column)


def required_in(column: str, values: Sequence[Any]) -> tuple[ExpectationSpec, ExpectationSpec]:
    """A required column whose values come from a closed list."""
    return not_null(column), in_set(column, values)


def required_match(column: str, regex: str) -> tuple[ExpectationSpec, ExpectationSpec]:
    """A required column whose values have a fixed format (an agency code, a pseudonym)."""
    return not_null(column), matches(column, regex)


def required(*columns: str) -> tuple[ExpectationSpec, ...]:
    """Columns set on every row, checked one after the other in the order given."""
    return tuple(not_null(column) for column in columns)


def blocking_suite(
    table: str, key: tuple[str, ...], description: str, expectations: Sequence[ExpectationSpec]
) -> Suite:
    """The common suite: named after the table it checks, and blocking, since a metric reads that table."""
    return Suite(
        name=table,
        table=table,
        key=key,
        blocking=True,
        description=description,
        expectations=tuple(expectations),
    )
