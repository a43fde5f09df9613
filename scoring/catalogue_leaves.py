"""A catalogue's scored leaves as rows of `marts.catalogue_leaf`: each leaf's rule with its parameters, so
that an analyst can see in SQL why a criterion's score is what it is (issue 10)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring import rules
from scoring.catalogue import Catalogue, Node


def _relative_day(day: tuple[int, int, int]) -> str:
    """(years before Y, month, day) as the catalogue writes it: Y-MM-DD or Y-1-MM-DD."""
    back, month, day_of_month = day
    year = f"Y-{back}" if back else "Y"
    return f"{year}-{month:02d}-{day_of_month:02d}"


def _number(value: Decimal) -> str:
    """A JSON number without trailing zeros or exponent: 1.00 → 1, 0.950 → 0.95, 10 → 10."""
    return format(value.normalize(), "f")


def _bands(rule: rules.Rule) -> str | None:
    """JSON text `[[threshold, points], …]`, highest threshold first, as the catalogue lists them."""
    if not rule.bands:
        return None
    return "[" + ", ".join(f"[{_number(t)}, {_number(p)}]" for t, p in rule.bands) + "]"


def leaf_row(catalogue: Catalogue, leaf: Node) -> dict[str, Any]:
    rule = leaf.rule
    manual = leaf.is_manual
    return {
        "catalogue_id": catalogue.id,
        "catalogue_name": catalogue.name,
        "unit_types": ",".join(sorted(catalogue.unit_types)),
        "criterion_code": leaf.code,
        "parent_code": leaf.parent_code,
        "level": leaf.level,
        "criterion_name": leaf.name,
        "max_points": leaf.max_points,
        "placeholder": leaf.placeholder,
        "rule": rule.name,
        "metric_code": leaf.metric,
        "bands": _bands(rule),
        "target": rule.target,
        "zero_is_pass": rule.zero_is_pass if rule.name == rules.BINARY else None,
        # A manual leaf's score is the officer's: no metric, so no case count decides its status.
        "when_no_cases": None if manual else leaf.when_no_cases,
        "full_requires_cases_of": leaf.full_requires_cases_of,
        "period_start": _relative_day(leaf.period.start) if leaf.period else None,
        "period_end": _relative_day(leaf.period.end) if leaf.period else None,
        "evidence": leaf.evidence,
        "not_applicable_for": ",".join(sorted(leaf.not_applicable_for)) or None,
    }


def catalogue_leaf_rows(catalogue: Catalogue) -> list[dict[str, Any]]:
    """One row per scored leaf of `catalogue`, in catalogue order."""
    return [leaf_row(catalogue, leaf) for leaf in catalogue.leaves()]
