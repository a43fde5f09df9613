"""Plain results of a suite run, free of Great Expectations types so any layer can read them."""

from __future__ import annotations

from dataclasses import dataclass

SUMMARY_KEYS = 3


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation over every batch: `offending_keys` are the first distinct keys of failing rows,
    `columns` the columns it checks (the row condition's columns aside)."""

    expectation: str
    success: bool
    unexpected_count: int
    offending_keys: tuple[str, ...]
    error: str | None = None
    columns: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.error is not None:
            return f"{self.expectation}: could not run ({self.error})"
        keys = ", ".join(self.offending_keys[:SUMMARY_KEYS])
        more = "…" if self.unexpected_count > len(self.offending_keys[:SUMMARY_KEYS]) else ""
        example = f" e.g. {keys}{more}" if keys else ""
        return f"{self.expectation}: {self.unexpected_count} row(s){example}"


@dataclass(frozen=True)
class CheckOutcome:
    suite_name: str
    table: str
    passed: bool
    blocking: bool
    rows_checked: int
    results: list[ExpectationResult]

    @property
    def failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success]

    def summary(self) -> str:
        """One line for logs and run reports: the table, each failed expectation, a few offending keys."""
        if self.passed:
            return f"{self.table}: {len(self.results)} expectations passed over {self.rows_checked} rows"
        kind = "blocking" if self.blocking else "warning"
        failed = "; ".join(r.describe() for r in self.failures)
        return f"{self.table} [{kind}]: {len(self.failures)} of {len(self.results)} failed: {failed}"
