"""The warehouse as the extraction workflow sees it (`etl.source.Warehouse`, `etl.folder_source.
FileRegistry`): plain operations over `warehouse/`, built here so that etl never imports warehouse."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from etl.batch import ExtractBatch
from etl.source import Landed
from warehouse import cursors, processed_files, quarantine
from warehouse.landing import MERGE_EVERY_ROWS, land_batch, merge_source


class EngineWarehouse:
    def __init__(self, engine):
        self.engine = engine

    def land(self, batch_id: str, extracted_at: datetime, batch: ExtractBatch) -> Landed:
        result = land_batch(
            self.engine,
            batch_id,
            extracted_at,
            batch.source,
            batch.entity,
            batch.raw,
            batch.rows,
            batch.quarantine,
            batch.children,
            merge_every=MERGE_EVERY_ROWS,
        )
        return Landed(result.raw_rows, result.staged_rows, result.quarantined_rows)

    def merge(self, source: str) -> Landed:
        result = merge_source(self.engine, source)
        return Landed(result.raw_rows, result.staged_rows, result.quarantined_rows)

    def held_records(self, source: str, entity: str, reasons: Iterable[str]) -> list[dict]:
        return quarantine.open_records(self.engine, source, entity, reasons)

    def release(self, fingerprints: Sequence[str], batch_id: str) -> int:
        return quarantine.release(self.engine, fingerprints, batch_id)

    def watermark(self, source: str, entity: str) -> datetime | None:
        return cursors.get_watermark(self.engine, source, entity)

    def set_watermark(self, source: str, entity: str, value: datetime) -> None:
        cursors.set_watermark(self.engine, source, entity, value)

    def keep_first_start(self, source: str, entity: str, start: datetime) -> None:
        cursors.keep_first_start(self.engine, source, entity, start)


class EngineFileRegistry:
    """The processed-file registry of one folder source (`source` names it there: "hr", "edxml")."""

    def __init__(self, engine, source: str):
        self.engine = engine
        self.source = source

    def file_cache(self) -> Mapping:
        return processed_files.file_cache(self.engine, self.source)

    def done_hashes(self) -> set[str]:
        return processed_files.done_hashes(self.engine, self.source)

    def record_files(self, rows: Iterable[Mapping]) -> None:
        processed_files.record_files(self.engine, self.source, rows)
