"""Progress of long steps, on standard error so that it never mixes with command output: plain timed lines,
and for extractions on a terminal a bar per stream (rich: count, total when the source knows it,
percentage and ETA)."""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)


class ExtractionProgress:
    """An `etl.source.Progress` for one extraction step: bars when standard error is a terminal, the
    workflow's plain line per batch otherwise (logs and captured output stay line by line)."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self._bars: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> ExtractionProgress:
        if self.console.is_terminal:
            self._bars = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self.console,
            )
            self._bars.start()
        return self

    def __call__(self, label: str, done: int, total: int | None, unit: str, line: str) -> None:
        if self._bars is None:
            progress(line)
            return
        if label not in self._tasks:
            self._tasks[label] = self._bars.add_task(f"{label} ({unit})", total=total)
        self._bars.update(self._tasks[label], completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bars is not None:
            self._bars.stop()
