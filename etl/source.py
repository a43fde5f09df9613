"""One extraction workflow for every source system (docs/layers.md, "The walk of one DVC batch").

A `Source` says what differs between systems: its streams (what one run extracts, under which cursor), how
its held (quarantined) records are normalised again, and what follows the landing of a batch or of the
whole run. `run_extraction` does what is alike: re-check the held records, extract, land each batch in
its own transaction with a progress report, have staging merged before a stream's cursor moves, and
count. `etl` never imports `warehouse`: the caller (assets/) hands the warehouse in as a `Warehouse`, plain
operations on its tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol

from etl.batch import ExtractBatch


class SourceRefused(Exception):
    """The source refused the pipeline in a way no retry changes (credentials): the step fails at once."""


class Landed(NamedTuple):
    raw_rows: int
    staged_rows: int
    quarantined_rows: int


class Warehouse(Protocol):
    """What the workflow asks of the warehouse; assets/ builds it over `warehouse/`."""

    def land(self, batch_id: str, extracted_at: datetime, batch: ExtractBatch) -> Landed:
        """Lands the batch; its rows may reach staging only at a later `land` or `merge` of the source."""

    def merge(self, source: str) -> Landed:
        """Brings into staging every row landed for `source` that is not there yet."""

    def held_records(self, source: str, entity: str, reasons: Iterable[str]) -> list[dict]: ...

    def release(self, fingerprints: Sequence[str], batch_id: str) -> int: ...

    def watermark(self, source: str, entity: str) -> datetime | None: ...

    def set_watermark(self, source: str, entity: str, value: datetime) -> None: ...

    def keep_first_start(self, source: str, entity: str, start: datetime) -> None: ...


class Stream(NamedTuple):
    """One extraction of a run: `label` names its batches (`{run}-{label}-{n}`) and progress lines, `cursor`
    the cursor entity it starts from and moves (None for a folder, whose registry of files is its cursor)."""

    label: str
    cursor: str | None = None
    unit: str = "records"  # what progress counts: "records" received, or "files" read


class Landing(NamedTuple):
    """One batch to land, with the files it was read from (empty for an API)."""

    batch: ExtractBatch
    files: Sequence = ()


@dataclass(frozen=True)
class RunSettings:
    run_tag: str  # the run's id prefix, in every batch id
    start: datetime  # where a first incremental extraction starts (sources.md §1.8)
    full_refresh: bool  # ignore the cursors and the registry of processed files
    now: Callable[[], datetime]  # the local clock stamping `_extracted_at`


@dataclass
class ExtractionReport:
    received: int = 0  # raw rows landed
    staged: int = 0
    quarantined: int = 0
    released: int = 0  # held rows released from quarantine
    files: int = 0
    watermarks: dict[str, str] = field(default_factory=dict)  # cursor entity → where it stands after the run
    details: dict[str, int | str] = field(default_factory=dict)  # the source's own counts, by metadata name
    warnings: list[str] = field(default_factory=list)  # for the data team's log
    # What the source's step after the run counted (orphans, transfers), by its own names.
    follow_up: dict[str, int] = field(default_factory=dict)


class Progress(Protocol):
    """Told after every landed batch; `total` is the number of `unit`s expected, when the source knows it."""

    def __call__(self, label: str, done: int, total: int | None, unit: str, line: str) -> None: ...


class ReleaseRule(NamedTuple):
    """Which held rows a new reading releases: those whose `by` columns (of quarantine.rejected_record) the
    reading no longer rejects, and, with `passed_only`, only when their record passed normalisation."""

    by: tuple[str, ...] = ()
    passed_only: bool = False

    def releasable(self, held: Iterable[Mapping], batch: ExtractBatch) -> list[str]:
        columns = [batch.quarantine.column(name).to_pylist() for name in self.by]
        still = set(zip(*columns, strict=True)) if self.by else set()
        passed = set(batch.rows.column("_key").to_pylist()) if self.passed_only else None
        return [
            row["fingerprint"]
            for row in held
            if (passed is None or row["record_key"] in passed) and tuple(row[c] for c in self.by) not in still
        ]


class Source(Protocol):
    """What a source system supplies to `run_extraction`. Subclasses get the defaults: nothing held to
    re-check before extracting, nothing to do after a batch or after the run."""

    name: str  # the source in quarantine, cursors and progress lines
    # Records held for a reason that depends on reference data or configuration (sources.md §1.10) are
    # normalised again before extracting: those of `held_entity`, under batch `{run}-{held_label}-re`.
    held_entity: str | None = None
    held_label: str = ""
    reasons: tuple[str, ...] = ()
    release_rule: ReleaseRule = ReleaseRule()
    # Whether a cursor's first extraction also keeps where it started (what a metric counts from).
    keeps_first_start: bool = False

    def streams(self) -> Sequence[Stream]: ...

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]: ...

    def new_watermark(self) -> datetime | None:
        """Where the cursor of the stream just extracted stands (None: leave it)."""
        return None

    def before_run(self, warehouse: Warehouse) -> None:
        """Called first: reads what the source needs from the warehouse before anything lands."""

    def renormalise(self, held: list[dict]) -> ExtractBatch:
        raise NotImplementedError(f"{self.name} holds no records for re-evaluation")

    def expected(self, stream: Stream) -> int | None:
        """How many progress units the stream will bring, once the source knows."""
        return None

    def after_batch(self, landing: Landing, batch_id: str, warehouse: Warehouse) -> int:
        """Called once the batch has landed; returns the held rows it released."""
        return 0

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        """Called once every stream has landed; adds the source's own counts and warnings to `report`."""


def recheck_held(source: Source, warehouse: Warehouse, batch_id: str, now: datetime) -> int:
    """Normalise the held records again; land those that pass (raw keeps the reading it had) and release
    the quarantine rows the new reading no longer rejects."""
    held = warehouse.held_records(source.name, source.held_entity, source.reasons)
    if not held:
        return 0
    batch = source.renormalise(held)
    warehouse.land(batch_id, now, batch._replace(raw=batch.raw.slice(0, 0)))
    warehouse.merge(source.name)
    released = source.release_rule.releasable(held, batch)
    return warehouse.release(released, batch_id) if released else 0


def _progress_line(source: str, stream: Stream, number: int, received: int, files: int) -> str:
    if stream.unit == "files":
        return f"{stream.label}: {files:,} files read, {received:,} rows received"
    return f"{source} {stream.label}: batch {number}, {received:,} records received"


def _count(report: ExtractionReport, landed: Landed) -> None:
    report.received += landed.raw_rows
    report.staged += landed.staged_rows
    report.quarantined += landed.quarantined_rows


def run_extraction(
    source: Source, warehouse: Warehouse, settings: RunSettings, progress: Progress | None = None
) -> ExtractionReport:
    """Re-check held records, extract every stream from its cursor, land batch by batch (each in its own
    transaction, batch id `{run}-{label}-{n}`), move each cursor once its stream is complete, and count."""
    report = ExtractionReport()
    _count(report, warehouse.merge(source.name))  # what a killed run landed and did not merge
    source.before_run(warehouse)
    if source.held_entity is not None:
        batch_id = f"{settings.run_tag}-{source.held_label}-re"
        report.released += recheck_held(source, warehouse, batch_id, settings.now())
    for stream in source.streams():
        reads_cursor = stream.cursor is not None and not settings.full_refresh
        watermark = warehouse.watermark(source.name, stream.cursor) if reads_cursor else None
        received, files = 0, 0  # of this stream, for its progress
        for number, landing in enumerate(source.extract(stream, watermark, settings.start), start=1):
            batch_id = f"{settings.run_tag}-{stream.label}-{number}"
            landed = warehouse.land(batch_id, settings.now(), landing.batch)
            report.released += source.after_batch(landing, batch_id, warehouse)
            _count(report, landed)
            report.files += len(landing.files)
            received, files = received + landed.raw_rows, files + len(landing.files)
            if progress is not None:
                line = _progress_line(source.name, stream, number, received, files)
                done = files if stream.unit == "files" else received
                progress(stream.label, done, source.expected(stream), stream.unit, line)
        # Staging holds the whole stream before its cursor moves past it.
        _count(report, warehouse.merge(source.name))
        if stream.cursor is not None:
            moved = source.new_watermark()
            if moved is not None:
                warehouse.set_watermark(source.name, stream.cursor, moved)
                if watermark is None and source.keeps_first_start:
                    warehouse.keep_first_start(source.name, stream.cursor, settings.start)
            report.watermarks[stream.cursor] = str(moved or watermark or "")
    source.after_run(warehouse, settings.run_tag, report)
    return report


class WindowedEntitySource(Source):
    """One entity of an API read by verified windows (DVC, E-CABINET): one stream, under the entity's own
    cursor and label; the extractor is the source's (`extract(entity, watermark, start, lag)`,
    `new_watermark`, `drift_counts`, and `run`, its `etl.windows.WindowedExtraction`)."""

    def __init__(self, extractor, entity: str, lag: timedelta):
        self.extractor = extractor
        self.entity = entity
        self.lag = lag
        self.held_entity = self.held_label = entity

    def streams(self) -> Sequence[Stream]:
        return [Stream(self.entity, self.entity)]

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]:
        for batch in self.extractor.extract(self.entity, watermark, start, self.lag):
            yield Landing(batch)

    def new_watermark(self) -> datetime | None:
        return self.extractor.new_watermark

    def expected(self, stream: Stream) -> int | None:
        # The `total` the source announced for the run's range (a catalogue pull is one batch: none).
        return None if self.extractor.run is None else self.extractor.run.expected_records

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        report.details["unknown_fields_records"] = self.extractor.drift_counts[self.entity]
