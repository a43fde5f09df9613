"""HR as a `Source` of the extraction workflow: the monthly Excel exports of a folder (sources.md §5), a
bounded group of files per batch, then the transfer rule over every export."""

from collections.abc import Iterator, Sequence
from datetime import datetime

from etl.folder_source import FolderSource, file_of
from etl.hr.entities import SOURCE
from etl.hr.extract import REEVALUATED, HrExtractor, combine, in_bounded_groups
from etl.source import ExtractionReport, Landing, ReleaseRule, Stream, Warehouse

# The entities whose rows a file's reading may quarantine: the export itself and each of its sheets.
QUARANTINE_ENTITIES = ("nhansu", "can-bo", "bien-che", "dao-tao", "ky-luat", "xep-loai")
# A held row is released once its file's new reading no longer rejects its record for that reason.
RELEASE_RULE = ReleaseRule(by=("record_key", "reason_code"))


class HrExportsSource(FolderSource):
    """Every file of the folder not processed before (every file with `full_refresh`), a bounded group of
    files per batch; each file's outcome is recorded once its group has landed. The follow-up applies the
    transfer rule over every export."""

    name = SOURCE

    def __init__(self, extractor: HrExtractor, *folder_args):
        super().__init__(*folder_args)
        self.extractor = extractor
        self._held: dict[str, list[dict]] = {}
        self._rejected = 0

    def streams(self) -> Sequence[Stream]:
        return [Stream(SOURCE, unit="files")]

    def expected(self, stream: Stream) -> int | None:
        return self.extractor.files_to_read

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]:
        outcomes = self.extractor.read_folder(self.folder, self.registry.file_cache(), self.processed())
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
        self.record(landing, batch_id)
        self._rejected += sum(outcome.reason_code is not None for outcome in landing.files)
        return released

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        transfers = self.follow_up(f"{run_tag}-hr-transfers")
        report.details.update(
            files_rejected=self._rejected,
            duplicate_persons_quarantined=transfers["quarantined"],
            duplicate_persons_released=transfers["released"],
            footer_rows_ignored=self.extractor.footer_rows,
            lock_files_skipped=len(self.extractor.lock_files),
            unknown_column_rows=self.extractor.drift_rows,
        )
