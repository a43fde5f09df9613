"""The metric sources the warehouse computes: which metrics of the catalogue each source system supplies,
and which agencies it holds data of (metrics.md §0, "no data is not zero": for the other agencies every
metric of the source is undefined).

The metrics themselves are declared once, in `parindex_facts.metrics`; a new metric of an existing source
needs nothing here. A new source system adds its `warehouse/metrics_<source>.py` with its
`agencies_with_data` and one entry to `SOURCES`."""

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import sqlalchemy as sa

from parindex_facts.metrics import REDUCTION, Metric, metrics_of
from warehouse import docreq, metrics_dvc, metrics_ecabinet, metrics_hr, metrics_hr_criteria, metrics_qlvb
from warehouse.periods import Period


class MetricSource(NamedTuple):
    name: str
    metrics: tuple[Metric, ...]
    agencies_with_data: Callable[[sa.Connection, Period], set[str]]
    # Run first in the transaction that computes a year: writes what the source's views read and returns the
    # metrics the year's data declares (the document requirements of the catalogues, metrics.md §7).
    prepare: Callable[[sa.Connection, Period], tuple[Metric, ...]] | None = None
    # Counts the rows of all the source's views in one query, where they are filters of one costly view:
    # (metric codes, periods) → code → (period_start, period_end) → agency → (denominator, numerator).
    count_views: Callable[[sa.Connection, Iterable[str], Sequence[Period]], dict] | None = None


# The reductions also need their baseline year's December export (hr.civil_servant_reduction's year from
# staging.cfg_hr_baseline, hr.public_employee_reduction's from its metric parameter); the others do not.
_HR_SNAPSHOT = tuple(m for m in metrics_of("hr") if m.kind != REDUCTION)
_HR_BASELINE = tuple(
    m
    for m in metrics_of("hr")
    if m.kind == REDUCTION and m.code != metrics_hr_criteria.PUBLIC_EMPLOYEE_REDUCTION
)
_HR_PUBLIC_BASELINE = tuple(
    m for m in metrics_of("hr") if m.code == metrics_hr_criteria.PUBLIC_EMPLOYEE_REDUCTION
)

SOURCES: tuple[MetricSource, ...] = (
    MetricSource("dvc", metrics_of("dvc"), metrics_dvc.agencies_with_data),
    MetricSource("ecabinet", metrics_of("ecabinet"), metrics_ecabinet.agencies_with_data),
    MetricSource("hr", _HR_SNAPSHOT, metrics_hr.agencies_with_data),
    # A source entry of its own, so that an agency without the baseline export gets an undefined reduction
    # while its other HR metrics are computed.
    MetricSource("hr.baseline", _HR_BASELINE, metrics_hr.agencies_with_baseline),
    MetricSource(
        "hr.public_baseline", _HR_PUBLIC_BASELINE, metrics_hr_criteria.agencies_with_public_employee_baseline
    ),
    MetricSource("qlvb", metrics_of("qlvb"), metrics_qlvb.agencies_with_data),
    # The metrics of the catalogues' document requirements, qlvb.<id>_on_time and _issued (metrics.md §7).
    MetricSource("qlvb_docreq", (), metrics_qlvb.agencies_with_data, docreq.prepare, docreq.item_counts),
)
