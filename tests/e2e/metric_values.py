"""`marts.metric_value` as the end-to-end tests compare it with an oracle."""

from collections.abc import Mapping
from decimal import Decimal

from tests.e2e.pipeline import query

MetricValues = dict[tuple[str, str], tuple]


def metric_values(url: str, sql: str) -> MetricValues:
    """`{(agency_code, metric_code): (numerator, denominator, value)}` of the `marts.metric_value` rows `sql`
    selects, in the oracles' types: integers, and the value as a `Decimal` of 4 places."""
    return {
        (row["agency_code"], row["metric_code"]): (
            None if row["numerator"] is None else int(row["numerator"]),
            None if row["denominator"] is None else int(row["denominator"]),
            None if row["value"] is None else Decimal(row["value"]).quantize(Decimal("0.0001")),
        )
        for row in query(url, sql)
    }


def _year_rows(url: str, year: int, which: str) -> MetricValues:
    return metric_values(
        url,
        "SELECT agency_code, metric_code, numerator, denominator, value FROM marts.metric_value"
        f" WHERE year = {year} AND {which}"
        " AND period_start = make_date(year, 1, 1) AND period_end = make_date(year, 12, 31)",
    )


def year_metric_values(url: str, source: str, year: int) -> MetricValues:
    """`metric_values` of every metric of `source` (its code prefix) over the whole `year`, not its months."""
    return _year_rows(url, year, f"metric_code LIKE '{source}.%'")


def year_values_of(url: str, codes: tuple[str, ...], year: int) -> MetricValues:
    """`metric_values` of the metrics `codes` over the whole `year`, not its months."""
    return _year_rows(url, year, f"metric_code IN ({', '.join(repr(code) for code in codes)})")


def assert_equals_oracle(actual: MetricValues, expected: Mapping[tuple[str, str], tuple]) -> None:
    """The simulated agencies (those the oracle's `expected` names) have the oracle's values; the configured
    agencies the simulation does not have get one row per metric, undefined (metrics.md §0)."""
    simulated = {agency for agency, _ in expected}
    assert {k: v for k, v in actual.items() if k[0] in simulated} == expected
    for (agency, metric), values in actual.items():
        if agency not in simulated:
            assert values == (None, None, None), (agency, metric)
