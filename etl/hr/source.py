"""HR as a `Source` of the extraction workflow: the monthly Excel exports of a folder (sources.md §5), a
bounded group of files per batch, then the transfer rule over every export."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from etl.folder_source import FileRegistry, file_of, registry_row
from etl.hr.entities import SOURCE
from etl.hr.extract import REEVALUATED, HrExtractor, combine, in_bounded_groups
from etl.source import ExtractionReport, Landing, ReleaseRule, Source, Stream, Warehouse

# The entities whose rows a file's reading may quarantine: the export itself and each of its sheets.
QUARANTINE_ENTITIES = ("nhansu", "can-bo", "bien-che", "dao-tao", "ky-luat", "xep-loai")
# A held row is released once its file's new reading no longer rejects its record for that reason.
RELEASE_RULE = ReleaseRule(by=("record_key", "reason_code"))


class HrExportsSource(Source):
    """Every file of the folder not processed before (every file with `full_refresh`); each file's outcome
    is recorded once its group has landed. `refresh_transfers(batch_id)` applies the transfer rule."""

    name = SOURCE

    def __init__(
        self,
        extractor: HrExtractor,
        folder: Path,
        registry: FileRegistry,
        full_refresh: bool,
        refresh_transfers: Callable[[str], Mapping[str, int]],
    ):
        self.extractor = extractor
        self.folder = folder
        self.registry = registry
        self.full_refresh = full_refresh
        self.refresh_transfers = refresh_transfers
        self._held: dict[str, list[dict]] = {}
        self._rejected = 0

    def streams(self) -> Sequence[Stream]:
        return [Stream(SOURCE, unit="files")]

    def expected(self, stream: Stream) -> int | None:
        return self.extractor.files_to_read

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]:
        done = set() if self.full_refresh else self.registry.done_hashes()
        outcomes = self.extractor.read_folder(self.folder, self.registry.file_cache(), done)
        for group in in_bounded_groups(outcomes):
            yield Landing(combine(group), group)

    def before_run(self, warehouse: Warehouse) -> None:
        """Open rows held back for configuration (§1.10), by file, as they stand before this run lands."""
        for entity in QUARANTINE_ENTITIES:
            for row in warehouse.held_records(SOURCE, entity, REEVALUATED):
                self._held.setdefault(file_of(row["locator"]), []).append(row)

    def after_batch(self, landing: Landing, batch_id: str, warehouse: Warehouse) -> int:
        released = 0
        for outcome in landing.files:
            passed = RELEASE_RULE.releasable(self._held.get(outcome.file.name, []), outcome.batch)
            released += warehouse.release(passed, batch_id) if passed else 0
        self.registry.record_files([registry_row(outcome, batch_id) for outcome in landing.files])
        self._rejected += sum(outcome.reason_code is not None for outcome in landing.files)
        return released

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        transfers = self.refresh_transfers(f"{run_tag}-hr-transfers")
        report.details.update(
            files_rejected=self._rejected,
            duplicate_persons_quarantined=transfers["quarantined"],
            duplicate_persons_released=transfers["released"],
            footer_rows_ignored=self.extractor.footer_rows,
            lock_files_skipped=len(self.extractor.lock_files),
            unknown_column_rows=self.extractor.drift_rows,
        )
