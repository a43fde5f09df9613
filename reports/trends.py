"""The monthly trends of the agency page (issue 14): one line chart per rate metric that has month rows
(`warehouse.metric_values.MONTHLY_METRICS`), with the values where the bound leaf's score changes drawn
across it, so the officer sees in which months the agency stood below a band."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from reports import charts
from scoring import rules
from scoring.catalogue import Catalogue
from scoring.explanations import format_percent, format_points
from scoring.scorecard import node_order

LeafKey = tuple[str, str]  # (catalogue id, leaf code)


def leaf_thresholds(catalogues: Iterable[Catalogue]) -> dict[LeafKey, list[tuple[Decimal, str]]]:
    """Each leaf's values where its score changes, with a label in Vietnamese: every band of a `step` rule
    (`≥ 95,00%: 3,00 điểm`), the target of a `linear_capped` one (full points from there). Leaves of other
    rules have none."""
    found: dict[LeafKey, list[tuple[Decimal, str]]] = {}
    for catalogue in catalogues:
        for leaf in catalogue.leaves():
            rule = leaf.rule
            if rule.bands:
                found[(catalogue.id, leaf.code)] = [
                    (threshold, f"≥ {format_percent(threshold)}: {format_points(points)} điểm")
                    for threshold, points in rule.bands
                ]
            elif rule.name == rules.LINEAR_CAPPED and rule.target is not None and leaf.max_points is not None:
                found[(catalogue.id, leaf.code)] = [
                    (
                        rule.target,
                        f"mục tiêu {format_percent(rule.target)}: {format_points(leaf.max_points)} điểm",
                    )
                ]
    return found


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def monthly_values(month_rows: Iterable[Mapping], agency_code: str) -> dict[str, dict[int, Decimal | None]]:
    """metric → month number → value of the agency's month rows (None where the month has no case)."""
    found: dict[str, dict[int, Decimal | None]] = defaultdict(dict)
    for row in month_rows:
        if row["agency_code"] == agency_code:
            value = row["value"]
            found[row["metric_code"]][_as_date(row["period_start"]).month] = (
                None if value is None else Decimal(value)
            )
    return dict(found)


def trend_charts(
    catalogue_id: str,
    leaves: Sequence[Mapping],
    values: Mapping[str, Mapping[int, Decimal | None]],
    thresholds: Mapping[LeafKey, Sequence[tuple[Decimal, str]]],
    year: int,
    chart_prefix: str,
) -> list[str]:
    """One chart per metric with a value in some month, titled by the first leaf (catalogue order) of
    `leaves` (the agency's scorecard rows of the catalogue) bound to it; none for a metric without a leaf."""
    charts_html = []
    seen = set()
    for leaf in sorted(leaves, key=lambda r: node_order(r["criterion_code"])):
        metric = leaf.get("metric_code")
        months = values.get(metric) if metric else None
        if metric in seen or not months or all(v is None for v in months.values()):
            continue
        seen.add(metric)
        code = leaf["criterion_code"]
        shown = range(1, max(months) + 1)
        charts_html.append(
            charts.monthly_trend(
                f"{chart_prefix}-{code.replace('.', '-')}",
                f"{code}. {leaf['criterion_name']} (%)",
                [f"{month:02d}/{year}" for month in shown],
                [None if months.get(m) is None else float(months[m] * 100) for m in shown],
                [(float(t * 100), label) for t, label in thresholds.get((catalogue_id, code), ())],
            )
        )
    return charts_html
