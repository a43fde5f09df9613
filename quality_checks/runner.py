"""Run a suite over a table read in bounded batches, with Great Expectations on pandas.

GX 1.24's SQL datasource fails on DuckDB, so the caller reads the table itself (in key order, a bounded
number of rows at a time) and hands the DataFrames here. `great_expectations` is imported inside functions
only: it takes seconds to import, and code locations must load fast.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from quality_checks.outcome import CheckOutcome, ExpectationResult
from quality_checks.suite import AnyOf, ExpectationSpec, Suite, Where

# Duplicate rows repeat their key, so ask GX for more failing rows than the keys we keep.
KEPT_KEYS = 5
_PARTIAL_ROWS = 20
_META_INDEX = "parindex_index"

_OPERATORS = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass
class _Tally:
    failed: bool = False
    unexpected_count: int = 0
    keys: list[str] = field(default_factory=list)
    error: str | None = None

    def add(self, success: bool, count: int, keys: Iterable[str]) -> None:
        self.failed = self.failed or not success
        self.unexpected_count += count
        for key in keys:
            if len(self.keys) < KEPT_KEYS and key not in self.keys:
                self.keys.append(key)


def validate(suite: Suite | str, batches: Iterable[pd.DataFrame]) -> CheckOutcome:
    """Validate every batch against the suite and accumulate one result per expectation.

    Batches must come in the order of the suite's key when the suite checks uniqueness: the last key of a
    batch is carried into the next so that a duplicate split across two batches is still found.
    """
    suite = _resolve(suite)
    tallies = [_Tally() for _ in suite.expectations]
    per_row = _Group(suite, [(i, s) for i, s in enumerate(suite.expectations) if not s.spans_batches])
    uniqueness = _Group(suite, [(i, s) for i, s in enumerate(suite.expectations) if s.spans_batches])
    carry = _Carry(list(suite.key))
    rows = 0
    for frame in batches:
        if frame.empty:
            continue
        rows += len(frame)
        per_row.run(frame, tallies, correction=0)
        if uniqueness:
            keyed = carry.prepend(frame)
            uniqueness.run(keyed, tallies, correction=carry.double_counted(frame))
            carry.remember(keyed)
    results = [
        ExpectationResult(
            expectation=spec.label(),
            success=tally.error is None and not tally.failed,
            unexpected_count=tally.unexpected_count,
            offending_keys=tuple(tally.keys),
            error=tally.error,
            columns=spec.target_columns(),
        )
        for spec, tally in zip(suite.expectations, tallies, strict=True)
    ]
    return CheckOutcome(
        suite_name=suite.name,
        table=suite.table,
        passed=all(r.success for r in results),
        blocking=suite.blocking,
        rows_checked=rows,
        results=results,
    )


class _Carry:
    """The last key of the previous batch, and whether GX already counted it there as a duplicate."""

    def __init__(self, key: list[str]) -> None:
        self._key = key
        self._last: pd.DataFrame | None = None
        self._counted = False

    def prepend(self, frame: pd.DataFrame) -> pd.DataFrame:
        keyed = frame[self._key]
        if self._last is None:
            return keyed.reset_index(drop=True)
        return pd.concat([self._last, keyed], ignore_index=True)

    def double_counted(self, frame: pd.DataFrame) -> int:
        """1 when the carried row will be counted again although its own batch already counted it."""
        if self._last is None or not self._counted:
            return 0
        return int(_occurrences(frame[self._key], self._last) > 0)

    def remember(self, keyed: pd.DataFrame) -> None:
        self._last = keyed.iloc[[-1]]
        self._counted = _occurrences(keyed, self._last) > 1


def _occurrences(frame: pd.DataFrame, row: pd.DataFrame) -> int:
    values = row.iloc[0]
    return int(frame.eq(values).all(axis=1).sum())


def _resolve(suite: Suite | str) -> Suite:
    if isinstance(suite, Suite):
        return suite
    from quality_checks.suites import SUITES

    try:
        return SUITES[suite]
    except KeyError:
        raise KeyError(f"unknown quality suite {suite!r}; known: {', '.join(sorted(SUITES))}") from None


class _Group:
    """Some of a suite's expectations as one GX suite, built on first use and reused for every batch."""

    def __init__(self, suite: Suite, specs: list[tuple[int, ExpectationSpec]]) -> None:
        self._suite = suite
        self._specs = specs
        self._gx_suite: Any = None

    def __bool__(self) -> bool:
        return bool(self._specs)

    def run(self, frame: pd.DataFrame, tallies: list[_Tally], correction: int) -> None:
        """Validate one frame; `correction` rows of each count were already counted in the previous one.

        Most expectations pass, and GX answers pass or fail with about half the work of counting the
        failing rows and listing their keys: the frame is validated for the answer first, then again with
        the failed expectations only, for their counts and keys. A passing expectation has no failing row
        (no suite sets `mostly`)."""
        if not self._specs:
            return
        if self._gx_suite is None:
            self._gx_suite = self._gx_suite_of(self._specs)
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        answers = batch.validate(self._gx_suite, result_format={"result_format": "BOOLEAN_ONLY"})
        failed = set()
        for result in answers.results:
            index = result.expectation_config.meta[_META_INDEX]
            error = _exception_message(result.exception_info)
            if error is not None:
                tallies[index].error = tallies[index].error or error
            elif not result.success:
                failed.add(index)
        if not failed:
            return
        counted = batch.validate(
            self._gx_suite_of([(i, spec) for i, spec in self._specs if i in failed]),
            result_format={
                "result_format": "SUMMARY",
                "unexpected_index_column_names": list(self._suite.key),
                "partial_unexpected_count": _PARTIAL_ROWS,
            },
        )
        for result in counted.results:
            tally = tallies[result.expectation_config.meta[_META_INDEX]]
            error = _exception_message(result.exception_info)
            if error is not None:
                tally.error = tally.error or error
                continue
            details = result.result
            rows = details.get("partial_unexpected_index_list") or []
            count = details.get("unexpected_count") or 0
            keys = (_render_key(row, self._suite.key) for row in rows)
            tally.add(bool(result.success), max(count - correction, 0), keys)

    def _gx_suite_of(self, specs: list[tuple[int, ExpectationSpec]]) -> Any:
        import great_expectations as gx

        expectations = [_gx_expectation(index, spec) for index, spec in specs]
        return gx.ExpectationSuite(name=self._suite.name, expectations=expectations)


def _gx_expectation(index: int, spec: ExpectationSpec) -> Any:
    import great_expectations.expectations as gxe

    kwargs = dict(spec.kwargs)
    if spec.where is not None:
        kwargs["row_condition"] = _gx_condition(spec.where)
    return getattr(gxe, spec.type)(**kwargs, meta={_META_INDEX: index})


def _gx_condition(where: Where | AnyOf) -> Any:
    from great_expectations.expectations.row_conditions import Column

    if isinstance(where, AnyOf):
        return functools.reduce(operator.or_, (_gx_condition(c) for c in where.conditions))
    column = Column(where.column)
    if where.op == "is null":
        return column.is_null()
    if where.op == "is not null":
        return column.is_not_null()
    if where.op == "in":
        return column.is_in(where.value)
    if where.op == "not in":
        return column.is_not_in(where.value)
    return _OPERATORS[where.op](column, where.value)


@functools.cache
def _batch_definition() -> Any:
    """One ephemeral context per process: building it and importing GX are the slow parts."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every in-memory batch (a hash of all its cells) for batch markers that nothing here
    # reads; at `province` scale that hash was a quarter of the checks' time. Frames of any size skip it.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("parindex").add_dataframe_asset("batch")
    return asset.add_batch_definition_whole_dataframe("whole")


def _exception_message(info: dict[str, Any]) -> str | None:
    """GX reports errors either flat or keyed by metric; return the first message, if any."""
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


def _render_key(row: dict[str, Any], key: tuple[str, ...]) -> str:
    return "/".join(_render_value(row.get(column)) for column in key)


def _render_value(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "NULL"
    if isinstance(value, datetime | pd.Timestamp):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    # A nullable integer key arrives as float64 when pandas infers the column: show 2027, not 2027.0.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
