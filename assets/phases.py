"""A line for each phase of a run (extraction, marts, checks, metrics, scoring, exports, read copy) as its
steps start, so that the end of a run, which has no extraction progress of its own, is never silent.

On a terminal the phases are `rich` progress bars (steps done of the phase's steps, elapsed time); otherwise
plain lines, one per step started, and a line for a step still running after `HEARTBEAT_S`. Dagster's
events reach it as a logging handler on the run's logger (assets/runner.py)."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from dagster import AssetChecksDefinition, AssetsDefinition, DagsterEventType
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assets.progress import progress

CHECKS = "checks"
# Asset groups shown as one phase; the other groups (marts, metrics, scoring, exports) are phases as they are.
PHASE_OF_GROUP = {
    "reference": "extraction",
    "dvc": "extraction",
    "qlvb": "extraction",
    "ecabinet": "extraction",
    "hr": "extraction",
    "read_copy": "read copy",
}
# A step running longer than this gets a line saying so (plain output only: a bar shows its elapsed time).
HEARTBEAT_S = 5.0
_ENDED = {DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_SKIPPED}


class Step(NamedTuple):
    phase: str
    label: str  # what the line calls it: the op's name, or the check's name (its op adds the asset's key)


def steps_of(definitions: Iterable[AssetsDefinition | AssetChecksDefinition]) -> dict[str, Step]:
    """Each step (op) of the graph: `checks` for the asset checks, else the phase of its assets' group."""
    steps = {}
    for definition in definitions:
        name = definition.node_def.name
        if isinstance(definition, AssetChecksDefinition):
            steps[name] = Step(CHECKS, ", ".join(key.name for key in definition.check_keys))
            continue
        for group in set(definition.group_names_by_key.values()):
            steps[name] = Step(PHASE_OF_GROUP.get(group, group), name)
    return steps


class PhaseProgress(logging.Handler):
    """Follows the STEP_* events of one run. Use as a context manager around the run."""

    def __init__(self, steps: Mapping[str, Step], terminal: bool | None = None):
        super().__init__(logging.DEBUG)
        self.steps = dict(steps)
        self.totals: dict[str, int] = {}
        for phase, _ in self.steps.values():
            self.totals[phase] = self.totals.get(phase, 0) + 1
        self.started = dict.fromkeys(self.totals, 0)
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self._bars: Progress | None = None
        self._tasks: dict[str, int] = {}
        self._running: dict[str, list[float]] = {}  # step → [when it started, when last reported]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def __enter__(self) -> PhaseProgress:
        if self.terminal:
            self._bars = Progress(
                TextColumn("{task.description:<11}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[step]}"),
                console=Console(stderr=True),
            )
            self._bars.start()
        else:
            self._heartbeat = threading.Thread(target=self._beat, name="phase-heartbeat", daemon=True)
            self._heartbeat.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
        if self._bars is not None:
            self._bars.stop()

    def emit(self, record: logging.LogRecord) -> None:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None or event.step_key not in self.steps:
            return
        if event.event_type == DagsterEventType.STEP_START:
            self.step_started(event.step_key)
        elif event.event_type in _ENDED:
            self.step_ended(event.step_key)

    def step_started(self, step: str) -> None:
        phase, label = self.steps[step]
        with self._lock:
            self.started[phase] += 1
            self._running[step] = [time.monotonic()] * 2
        if self._bars is None:
            progress(f"{phase} {self.started[phase]}/{self.totals[phase]}: {label}")
            return
        if phase not in self._tasks:
            self._tasks[phase] = self._bars.add_task(phase, total=self.totals[phase], step="")
        self._bars.update(self._tasks[phase], step=label)

    def step_ended(self, step: str) -> None:
        with self._lock:
            self._running.pop(step, None)
        phase = self.steps[step].phase
        if self._bars is not None and phase in self._tasks:
            self._bars.advance(self._tasks[phase])

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S / 5):
            now = time.monotonic()
            with self._lock:
                late = {step: times for step, times in self._running.items() if now - times[1] >= HEARTBEAT_S}
                for times in late.values():
                    times[1] = now
            for step, (since, _) in late.items():
                phase, label = self.steps[step]
                progress(f"{phase}: {label} still running ({now - since:.0f} s)")
