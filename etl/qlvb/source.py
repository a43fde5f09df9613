"""QLVB as `Source`s of the extraction workflow: the documents API (one cursor traversal per direction)
and the folder of edXML packages (sources.md §3)."""

from collections.abc import Iterator, Sequence
from datetime import datetime

import orjson

from etl.batch import ExtractBatch
from etl.files import list_folder
from etl.folder_source import FolderSource, file_of
from etl.qlvb.context import QlvbContext
from etl.qlvb.edxml import MAX_FILE_BYTES
from etl.qlvb.entities import DIRECTIONS, DOCUMENTS, EDXML, SOURCE, document_spec
from etl.qlvb.extract import QlvbExtractor, watermark_entity
from etl.qlvb.files import LOADED, EdxmlReader
from etl.qlvb.normalise import normalise_documents
from etl.source import ExtractionReport, Landing, ReleaseRule, Source, Stream, Warehouse

# Reasons that depend on the agency table or the code mappings: re-evaluated on every run (sources.md §1.10).
REEVALUATED_REASONS = ("unknown_agency", "unknown_code")
# A held row is released once the new reading no longer rejects its record for that field and reason.
RELEASE_RULE = ReleaseRule(by=("record_key", "field", "reason_code"))


class QlvbDocumentsSource(Source):
    """Register entries, one stream per direction with its own cursor and batch label."""

    name = SOURCE
    held_entity = DOCUMENTS
    held_label = SOURCE
    reasons = REEVALUATED_REASONS
    release_rule = RELEASE_RULE
    # C of metrics.md §7.3: the lower bound the register is known from.
    keeps_first_start = True

    def __init__(self, extractor: QlvbExtractor):
        self.extractor = extractor

    def streams(self) -> Sequence[Stream]:
        return [Stream(direction, watermark_entity(direction)) for direction in DIRECTIONS]

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]:
        for batch in self.extractor.extract(stream.label, watermark, start):
            yield Landing(batch)

    def new_watermark(self) -> datetime | None:
        return self.extractor.new_watermark

    def renormalise(self, held: list[dict]) -> ExtractBatch:
        records = [orjson.loads(row["record"]) for row in held]
        return normalise_documents(records, document_spec(self.extractor.context))

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        report.details.update(
            unknown_fields_records=sum(self.extractor.drift_counts.values()),
            cursor_restarts=self.extractor.restarts,
        )


class EdxmlSource(FolderSource):
    """Every package of the folder whose content was not processed before (every package with
    `full_refresh`); files rejected for their agency or a code are read again on every run (§3.7), and
    their held rows released once they load. The follow-up re-evaluates recalls and updates whose document
    is missing (Q10)."""

    name = SOURCE

    def __init__(self, context: QlvbContext, *folder_args):
        super().__init__(*folder_args)
        self.context = context
        self._files: list | None = None
        self._loaded = 0

    def streams(self) -> Sequence[Stream]:
        return [Stream(EDXML, unit="files")]

    def expected(self, stream: Stream) -> int | None:
        return None if self._files is None else len(self._files)

    def extract(self, stream: Stream, watermark: datetime | None, start: datetime) -> Iterator[Landing]:
        done = self.processed()
        listed = list_folder(self.folder, self.registry.file_cache(), MAX_FILE_BYTES)
        self._files = [file for file in listed if file.sha256 not in done]
        for batch, outcomes in EdxmlReader(self.context).read(self._files):
            yield Landing(batch, outcomes)

    def after_batch(self, landing: Landing, batch_id: str, warehouse: Warehouse) -> int:
        loaded = {outcome.file.name for outcome in landing.files if outcome.status == LOADED}
        self._loaded += sum(outcome.status == LOADED for outcome in landing.files)
        held = [
            row
            for row in warehouse.held_records(SOURCE, EDXML, REEVALUATED_REASONS)
            if file_of(row["locator"]) in loaded
        ]
        passed = RELEASE_RULE.releasable(held, landing.batch)
        released = warehouse.release(passed, batch_id) if passed else 0
        self.record(landing, batch_id)
        return released

    def after_run(self, warehouse: Warehouse, run_tag: str, report: ExtractionReport) -> None:
        report.details["files_loaded"] = self._loaded
        report.follow_up.update(self.follow_up(f"{run_tag}-edxml-orphans"))
