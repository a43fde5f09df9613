"""Suites as plain data: what to check on one table, without importing Great Expectations.

A suite names its table, the key column(s) that identify an offending row, whether a failure must stop
scoring (`blocking`), and its expectations as a GX expectation class name with keyword arguments. Row
conditions are kept as small GX-free values (`Where`, `AnyOf`) so that defining suites stays cheap; the
runner translates them when it validates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Uniqueness is the one property that spans batches; the runner carries the last key of a batch into the
# next, which is only sound when the batches are read in the order of the unique columns.
UNIQUENESS_TYPES = frozenset({"ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique"})

_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">=", "in", "not in"})
_NULLITY = frozenset({"is null", "is not null"})
_COLUMN_KWARGS = ("column", "column_A", "column_B")


@dataclass(frozen=True)
class Where:
    """A row condition on one column: `Where("status", "in", (1, 3))`, `Where("due_at", "is null")`.

    `name` replaces the condition in summaries when the value list is too long to read there.
    """

    column: str
    op: str
    value: Any = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.op not in _COMPARISONS | _NULLITY:
            raise ValueError(f"unknown operator {self.op!r} in condition on {self.column}")
        if self.op in _COMPARISONS and self.value is None:
            raise ValueError(f"operator {self.op!r} on {self.column} needs a value")

    def columns(self) -> tuple[str, ...]:
        return (self.column,)

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        if self.op in _NULLITY:
            return f"{self.column} {self.op}"
        value = list(self.value) if self.op in ("in", "not in") else self.value
        return f"{self.column} {self.op} {value!r}"


@dataclass(frozen=True)
class AnyOf:
    """Rows meeting at least one of the conditions."""

    conditions: tuple[Where, ...]

    def columns(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.conditions)

    def __str__(self) -> str:
        return " or ".join(f"({c})" for c in self.conditions)


@dataclass(frozen=True)
class ExpectationSpec:
    """One GX expectation: its class name in `great_expectations.expectations`, its kwargs, a row filter."""

    type: str
    kwargs: dict[str, Any]
    where: Where | AnyOf | None = None

    def target_columns(self) -> tuple[str, ...]:
        named = [self.kwargs[k] for k in _COLUMN_KWARGS if k in self.kwargs]
        named.extend(self.kwargs.get("column_list", ()))
        return tuple(named)

    def columns(self) -> tuple[str, ...]:
        where = self.where.columns() if self.where is not None else ()
        return self.target_columns() + where

    def label(self) -> str:
        """Short human name, e.g. `ExpectColumnValuesToNotBeNull(received_at) where status in [2, 4]`."""
        text = f"{self.type}({','.join(self.target_columns())})"
        return f"{text} where {self.where}" if self.where is not None else text

    @property
    def spans_batches(self) -> bool:
        return self.type in UNIQUENESS_TYPES


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    key: tuple[str, ...]
    blocking: bool
    expectations: tuple[ExpectationSpec, ...]
    description: str = ""
    # For an append-only table: the landing-time column by which each run reads only the rows that arrived
    # since the suite last ran, so a row is checked once, by the run that landed it.
    arrivals_column: str | None = None

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError(f"suite {self.name} needs a key column")
        if self.arrivals_column and any(spec.spans_batches for spec in self.expectations):
            raise ValueError(f"suite {self.name}: a uniqueness expectation needs the whole table")
        for spec in self.expectations:
            if spec.spans_batches and spec.target_columns() != self.key:
                raise ValueError(
                    f"suite {self.name}: {spec.label()} must be on the key {self.key}, "
                    "the order batches are read in"
                )

    @property
    def reads_in_key_order(self) -> bool:
        """Only uniqueness, checked across batches, needs the rows sorted by the key; a sort of a wide
        table costs memory and time for nothing otherwise."""
        return any(spec.spans_batches for spec in self.expectations)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns to read, key first, each once."""
        ordered = list(self.key)
        for spec in self.expectations:
            ordered.extend(spec.columns())
        if self.arrivals_column:
            ordered.append(self.arrivals_column)
        return tuple(dict.fromkeys(ordered))
