"""Phase lines during a run (issue 11): every step of the graph belongs to a phase, and each step that
starts prints a line naming its phase and its place in it, so that no phase of a run is silent."""

import logging
import time
from types import SimpleNamespace

from dagster import DagsterEventType

from assets import phases
from assets.checks import ASSET_CHECKS
from assets.definitions import ALL_ASSETS, defs
from assets.phases import PhaseProgress, Step, steps_of
from quality_checks.suites import SUITES


def test_every_step_of_the_graph_has_its_phase():
    steps = steps_of([*ALL_ASSETS, *ASSET_CHECKS])
    by_step = {name: step.phase for name, step in steps.items()}
    job = defs.resolve_implicit_global_asset_job_def()
    assert {node.name for node in job.graph.node_defs} == set(by_step)
    # The groups of the README (reference and the four sources are the extraction), plus the checks.
    assert set(by_step.values()) == {
        "extraction", "marts", "checks", "metrics", "scoring", "exports", "read copy"
    }  # fmt: skip
    assert (by_step["marts__metric_value"], by_step["marts_models"], by_step["dvc_ho_so"]) == (
        "metrics",
        "marts",
        "extraction",
    )
    # A check is called by its name, the suite's (quality_checks.suites) with "." written "__"; a step of
    # several checks by theirs.
    labels = [step.label for step in steps.values() if step.phase == "checks"]
    assert sorted(name for label in labels for name in label.split(", ")) == sorted(
        suite.name.replace(".", "__") for suite in SUITES.values()
    )


def _event(kind: DagsterEventType, step: str) -> logging.LogRecord:
    """A record as Dagster hands it to the run's logger: the event under `dagster_meta`."""
    record = logging.LogRecord("parindex.run", logging.DEBUG, __file__, 0, kind.value, None, None)
    record.dagster_meta = {"dagster_event": SimpleNamespace(event_type=kind, step_key=step)}
    return record


def test_without_a_terminal_each_started_step_is_a_line_with_its_place_in_its_phase(capsys):
    steps = {
        "raw__a_check_a": Step("checks", "check_a"),
        "raw__b_check_b": Step("checks", "check_b"),
        "metric_value": Step("metrics", "metric_value"),
    }
    with PhaseProgress(steps, terminal=False) as shown:
        for step in steps:
            shown.handle(_event(DagsterEventType.STEP_START, step))
            shown.handle(_event(DagsterEventType.STEP_SUCCESS, step))
        shown.handle(_event(DagsterEventType.STEP_START, "not_a_step_of_the_graph"))
    lines = [line.split("] ", 1)[1] for line in capsys.readouterr().err.splitlines()]
    assert lines == ["checks 1/2: check_a", "checks 2/2: check_b", "metrics 1/1: metric_value"]


def test_a_long_step_is_reported_while_it_runs(capsys, monkeypatch):
    monkeypatch.setattr(phases, "HEARTBEAT_S", 0.05)
    with PhaseProgress({"metric_value": Step("metrics", "metric_value")}, terminal=False) as shown:
        shown.handle(_event(DagsterEventType.STEP_START, "metric_value"))
        # Waits for the first heartbeat line, however slow the machine (no duration is asserted).
        waited = 0.0
        while "still running" not in capsys.readouterr().err and waited < 30:
            time.sleep(0.05)
            waited += 0.05
        assert waited < 30
        shown.handle(_event(DagsterEventType.STEP_SUCCESS, "metric_value"))


def test_on_a_terminal_each_phase_is_a_bar_of_its_steps_done(capsys):
    steps = {"raw__a_check_a": Step("checks", "check_a"), "raw__b_check_b": Step("checks", "check_b")}
    with PhaseProgress(steps, terminal=True) as shown:
        for step in steps:
            shown.handle(_event(DagsterEventType.STEP_START, step))
            shown.handle(_event(DagsterEventType.STEP_SUCCESS, step))
    # rich draws the bars' last state when they stop, on standard error like the plain lines.
    shown_last = capsys.readouterr().err
    assert "checks" in shown_last and "2/2" in shown_last and "check_b" in shown_last
