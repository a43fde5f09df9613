"""Great Expectations suites of `quality_checks/` as Dagster asset checks, one check per suite, on the asset
of the table it validates. Tables are read in bounded batches; results are kept in
`marts.quality_check_result`.

The checks of the tables one step writes run together, in one step, split where their blocking suites'
tables are read by different steps (`asset_checks`): a step of its own per suite cost more than most
suites' validation (Dagster's events for the step, opening and closing the DuckDB file, writing the
results), 44 times a run, and every suite of a group waits for the same step anyway."""

from collections.abc import Iterable, Iterator, Sequence
from datetime import timedelta

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetsDefinition,
    MetadataValue,
    multi_asset_check,
)

from assets import settings
from assets.marts import marts_models, metric_value
from assets.resources import WAREHOUSE_POOL, WarehouseResource, releases_warehouse
from assets.sources import EXTRACTION_ASSETS
from quality_checks.calendar import coverage_frame
from quality_checks.outcome import CheckOutcome
from quality_checks.suite import Suite
from quality_checks.suites import SUITES
from warehouse import quality_results, reading
from warehouse.clock import local_now

CALENDAR_SUITE = "dvc.calendar_coverage"
# 15 working days never span more than this many calendar days, even across Tết.
LONGEST_DEADLINE_SPAN = timedelta(days=45)


def _calendar_batches(engine) -> Iterator[pd.DataFrame]:
    """Every year a PAKN answer deadline can reach, with the number of holidays the calendar lists for it."""
    years: set[int] = set()
    for frame in reading.iter_batches(engine, "staging.stg_dvc__feedback", ["received_at"]):
        received = pd.to_datetime(frame["received_at"]).dropna()
        years.update(received.dt.year.tolist())
        years.update((received + LONGEST_DEADLINE_SPAN).dt.year.tolist())
    holidays = [
        day
        for frame in reading.iter_batches(engine, "staging.stg_dvc__holiday", ["holiday_date"])
        for day in frame["holiday_date"].tolist()
    ]
    yield coverage_frame(years, holidays)


def table_batches(engine, suite: Suite) -> Iterable[pd.DataFrame]:
    if suite.name == CALENDAR_SUITE:
        return _calendar_batches(engine)
    order = list(suite.key) if suite.reads_in_key_order else None
    return reading.iter_batches(engine, suite.table, suite.columns, order_by=order)


class _Arrivals:
    """The rows of an append-only table that arrived since its suite last ran, and how far they reach."""

    def __init__(self, engine, suite: Suite) -> None:
        self.engine, self.suite = engine, suite
        self.checked_through = quality_results.checked_through(engine, suite.name)
        self.newest = None

    def batches(self) -> Iterator[pd.DataFrame]:
        column = self.suite.arrivals_column
        since = None if self.checked_through is None else (column, self.checked_through)
        # No uniqueness in an arrivals suite (Suite refuses it), so no sort of the wide raw rows either.
        suite = self.suite
        for frame in reading.iter_batches(self.engine, suite.table, suite.columns, newer_than=since):
            newest = frame[column].max()
            if pd.notna(newest) and (self.newest is None or newest > self.newest):
                self.newest = newest
            yield frame

    def remember(self) -> None:
        if self.newest is not None:
            through = pd.Timestamp(self.newest).to_pydatetime()
            quality_results.record_checked_through(
                self.engine, self.suite.name, self.suite.table, through, local_now(self.engine)
            )


def validate_suite(engine, suite: Suite) -> CheckOutcome:
    """The suite over its table; over the rows that arrived since its last run for an arrivals suite."""
    # Imported here: GX takes seconds to import, and the code location must load fast.
    from quality_checks.runner import validate

    if not suite.arrivals_column:
        return validate(suite, table_batches(engine, suite))
    arrivals = _Arrivals(engine, suite)
    outcome = validate(suite, arrivals.batches())
    arrivals.remember()
    return outcome


def result_rows(outcome: CheckOutcome, run_id: str) -> list[dict]:
    checked_at = settings.local_now()
    return [
        {
            "run_id": run_id,
            "check_name": outcome.suite_name,
            "table_name": outcome.table,
            "passed": result.success,
            "blocking": outcome.blocking,
            "severity": "ERROR" if outcome.blocking else "WARN",
            "expectation": result.expectation,
            "unexpected_count": result.unexpected_count,
            "sample_keys": list(result.offending_keys),
            "detail": result.describe(),
            "checked_at": checked_at,
        }
        for result in outcome.results
    ]


def _check_name(suite: Suite) -> str:
    return suite.name.replace(".", "__")


def _asset_key(suite: Suite) -> AssetKey:
    return AssetKey(suite.table.split("."))


def _spec(suite: Suite) -> AssetCheckSpec:
    return AssetCheckSpec(
        name=_check_name(suite),
        asset=_asset_key(suite),
        blocking=suite.blocking,
        description=suite.description or f"Great Expectations suite {suite.name} on {suite.table}.",
    )


def _group_check(name: str, suites: Sequence[Suite]) -> AssetChecksDefinition:
    """Suites of tables that one step writes and the same steps read, as one step with one check each: a
    blocking failure fails the step once every suite of it has reported, and Dagster skips what reads its
    tables, as it skipped what read the failed suite's table when each suite was a step of its own."""
    by_key = {AssetCheckKey(_asset_key(suite), _check_name(suite)): suite for suite in suites}

    @multi_asset_check(
        name=name,
        specs=[_spec(suite) for suite in suites],
        can_subset=True,
        # A check opens the DuckDB file too: beside a writing step it would fail on the file lock.
        pool=WAREHOUSE_POOL,
    )
    @releases_warehouse
    def run_suites(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        engine = warehouse.engine()
        for key, suite in by_key.items():
            if key not in context.selected_asset_check_keys:
                continue
            # Each suite's results are kept before the next suite runs, as when it was a step of its own:
            # an arrivals suite has already moved past the rows it checked.
            outcome = validate_suite(engine, suite)
            quality_results.record_check_results(engine, result_rows(outcome, context.run.run_id))
            if not outcome.passed:
                context.log.error(outcome.summary())
            yield check_result(outcome, key.asset_key, key.name)

    return run_suites


def asset_checks(writers: Iterable[AssetsDefinition], suites: Iterable[Suite]) -> list[AssetChecksDefinition]:
    """One check step per step of `writers` and per set of steps of `writers` that read the tables of its
    blocking suites, so that a group never blocks a reader that a suite of its own would not have; the
    suites that block nothing join the step's first group."""
    writers = list(writers)
    step_of_key = {key: writer.node_def.name for writer in writers for key in writer.keys}
    readers: dict[AssetKey, set[str]] = {}
    for writer in writers:
        for key in writer.dependency_keys:
            readers.setdefault(key, set()).add(writer.node_def.name)
    by_step: dict[str, dict[frozenset[str] | None, list[Suite]]] = {}
    for suite in suites:
        key = _asset_key(suite)
        blocked = frozenset(readers.get(key, ())) if suite.blocking else None
        by_step.setdefault(step_of_key[key], {}).setdefault(blocked, []).append(suite)
    checks = []
    for step, groups in by_step.items():
        warnings = groups.pop(None, [])
        grouped = list(groups.values()) or [[]]
        grouped[0] = warnings + grouped[0]
        for number, group in enumerate(grouped, start=1):
            # a step's first group is named after it, any further one numbered
            checks.append(_group_check(f"checks_{step}" + (f"_{number}" if number > 1 else ""), group))
    return checks


def check_result(
    outcome: CheckOutcome, asset_key: AssetKey | None = None, check_name: str | None = None
) -> AssetCheckResult:
    """The suite's outcome for Dagster's UI: the failed expectations by name, each with its count of rows
    and a few offending keys (pseudonymised, never free text), beside the counts. A step of several checks
    names the asset and the check."""
    failures = outcome.failures
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=check_name,
        passed=outcome.passed,
        severity=AssetCheckSeverity.ERROR if outcome.blocking else AssetCheckSeverity.WARN,
        description=outcome.summary(),
        metadata={
            "rows_checked": outcome.rows_checked,
            "expectations": len(outcome.results),
            "failed_expectation_count": len(failures),
            "failed_expectations": MetadataValue.json([result.expectation for result in failures]),
            "failures": MetadataValue.md(
                "\n".join(f"- {result.describe()}" for result in failures) or "none"
            ),
            "blocking": outcome.blocking,
        },
    )


ASSET_CHECKS = asset_checks([*EXTRACTION_ASSETS, marts_models, metric_value], SUITES.values())
