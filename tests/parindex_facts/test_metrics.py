"""The metric catalogue and the drill-down models agree: every metric of `parindex_facts.metrics` has its
view `warehouse/models/dd_<code with dots replaced by _>.sql` (metrics.md §0), and every drill-down model is
a metric's view or a view the contract names for another purpose, or one a metric's view reads."""

import re

from parindex_facts.metrics import METRICS, drilldown_view, source_of
from warehouse.models import model_sql

# Drill-down views that are not a metric's: metrics.md §0 names the quarantine counts, the README the read
# copy's record of processed files (`marts.dd_source_file`), and metrics.md §7.4 the candidates of the
# document requirements; their items (`dd_qlvb_docreq_item`) are what the views of the metrics
# `qlvb.<id>_on_time` and `_issued`, created from the catalogues' requirements at metric time, read.
CONTRACT_VIEWS = {"dd_quarantine_count", "dd_source_file", "dd_qlvb_docreq_candidate", "dd_qlvb_docreq_item"}


def _drilldown_models() -> dict[str, str]:
    return {name: sql for name, sql in model_sql().items() if name.startswith("dd_")}


def test_every_metric_has_its_drilldown_model():
    models = _drilldown_models()
    missing = [m.code for m in METRICS if drilldown_view(m.code).removeprefix("marts.") not in models]
    assert missing == []


def test_every_drilldown_model_is_a_metric_view_or_serves_one():
    models = _drilldown_models()
    metric_views = {m.view.removeprefix("marts.") for m in METRICS}
    read_by_metric_views = {
        name for view in metric_views for name in re.findall(r"\bmarts\.(dd_\w+)", models.get(view, ""))
    }
    unexplained = set(models) - metric_views - CONTRACT_VIEWS - read_by_metric_views
    assert unexplained == set()


def test_codes_are_unique_and_name_their_source():
    codes = [m.code for m in METRICS]
    assert len(codes) == len(set(codes))
    # metrics.md §1-4: codes are `<source>.<name>` for the four source systems.
    assert {source_of(m.code) for m in METRICS} == {"dvc", "qlvb", "ecabinet", "hr"}
    assert all(re.fullmatch(r"[a-z]+\.[a-z0-9_]+", code) for code in codes)
