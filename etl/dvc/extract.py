"""DVC extraction: catalogues in full, incremental resources by verified windows (sources.md §1.8)."""

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pyarrow as pa

from etl.batch import ExtractBatch
from etl.collector import paused_collection
from etl.dvc.client import MAX_PAGE_SIZE, DvcClient
from etl.dvc.context import DvcContext
from etl.dvc.entities import (
    CATALOGUES,
    ENTITIES,
    SOURCE,
    VERSION_FIELD,
    entity_spec,
    privacy_policy,
    record_key,
)
from etl.dvc.normalise import normalise_records
from etl.normalise import normalise
from etl.privacy import Privacy
from etl.readahead import read_ahead
from etl.timeparse import format_dvc_datetime, local_now
from etl.windows import (
    IncompleteWindow,
    Page,
    PagingSpec,
    Window,
    WindowedExtraction,
    read_catalogue,
    window_start,
)


def _version_text(record: dict) -> object:
    return record.get(VERSION_FIELD)


class DvcExtractor:
    """Yields one ``ExtractBatch`` per verified window (or per catalogue pull).

    ``new_watermark`` is the watermark to store once the iterator of ``extract`` is exhausted; it stays
    None for an incremental entity whose extraction did not finish, so a failed run moves nothing.
    """

    def __init__(
        self,
        client: DvcClient,
        context: DvcContext,
        page_size: int = MAX_PAGE_SIZE,
        workers: int = 4,
        # Below the contract's 50,000 (§1.8 step 2): up to three windows are held as Arrow at once (one
        # landing, one queued, one being read), and at 50,000 dossiers that was ~300 MB of the run's memory.
        max_window: int = 20_000,
        now: Callable[[], datetime] | None = None,
    ):
        self.client = client
        self.context = context
        self.page_size = page_size
        self.workers = workers
        self.max_window = max_window
        self._now = now or (lambda: local_now(context.timezone))
        self._privacy = Privacy(context.pseudonym_key)
        self._fetch_seq = 0
        self.new_watermark: datetime | None = None
        self.run: WindowedExtraction | None = None  # the windows of the incremental entity being extracted
        self.drift_counts: Counter[str] = Counter()  # records with unknown fields, per entity, this run

    def _spec(self, entity: str, process=None) -> PagingSpec:
        extra = {} if process is None else {"process": process}
        return PagingSpec(
            key=record_key(entity),
            version=_version_text,
            page_size=self.page_size,
            workers=self.workers,
            max_total=self.max_window,
            **extra,
        )

    def _page_processor(self, entity: str) -> Callable[[list[tuple[str, dict]]], tuple]:
        """Privacy, then normalisation, of each page as it arrives: a window never holds its dicts."""
        spec = entity_spec(entity, self.context)
        policy = privacy_policy(entity)
        apply = self._privacy.apply

        def process(items: list[tuple[str, dict]]) -> tuple[pa.Table, pa.Table, pa.Table]:
            with paused_collection():
                tables = normalise(
                    spec, [(locator, apply(record, policy)) for locator, record in items], self._fetch_seq
                )
            self._fetch_seq += tables[1].num_rows
            return tables

        return process

    def _page_reader(self, entity: str) -> Callable[[Window | None, int], Page]:
        def read_page(window: Window | None, number: int) -> Page:
            params: dict[str, object] = {"page": number, "pageSize": self.page_size}
            if window is not None:
                params["tuNgay"] = format_dvc_datetime(window.start)
                params["denNgay"] = format_dvc_datetime(window.end)
            prefix, envelope = self.client.get(entity, params)
            items = [
                (f"{prefix}#{index}", record if isinstance(record, dict) else {"_invalid": record})
                for index, record in enumerate(envelope["data"])
            ]
            return Page(envelope["total"], items)

        return read_page

    def extract(
        self,
        entity: str,
        watermark: datetime | None,
        start: datetime,
        lag: timedelta = timedelta(0),
    ) -> Iterator[ExtractBatch]:
        """Batches of ``entity``; ``start`` bounds the first incremental run, ``lag`` trails the clock."""
        if entity not in ENTITIES:
            raise ValueError(f"unknown DVC entity {entity!r}; expected one of {', '.join(ENTITIES)}")
        self.new_watermark = None
        self.run = None
        try:
            yield from self._extract(entity, watermark, start, lag)
        except IncompleteWindow as exc:
            raise IncompleteWindow(f"DVC {entity}: {exc}") from exc

    def _extract(
        self, entity: str, watermark: datetime | None, start: datetime, lag: timedelta
    ) -> Iterator[ExtractBatch]:
        read_page = self._page_reader(entity)
        if entity in CATALOGUES:
            read = read_catalogue(read_page, self._spec(entity))
            yield self._catalogue_batch(entity, [item for page in read.pages for item in page])
            self.new_watermark = watermark
            return
        run = self.run = WindowedExtraction(
            read_page,
            self._spec(entity, self._page_processor(entity)),
            window_start(watermark, start.replace(microsecond=0)),
            lambda: (self._now() - lag).replace(microsecond=0),
        )
        for read in read_ahead(run, depth=1):
            raw, rows, quarantine = (pa.concat_tables(tables) for tables in zip(*read.pages, strict=True))
            yield self._counted(ExtractBatch(SOURCE, entity, raw, rows, quarantine))
        self.new_watermark = run.new_watermark

    def _catalogue_batch(self, entity: str, items: list[tuple[str, dict]]) -> ExtractBatch:
        # Normalised as a whole: a unit's parent may be on another page of don-vi.
        policy = privacy_policy(entity)
        apply = self._privacy.apply
        batch = normalise_records(
            entity,
            [apply(record, policy) for _, record in items],
            self.context,
            locators=[locator for locator, _ in items],
            fetch_seq_start=self._fetch_seq,
        )
        self._fetch_seq += batch.rows.num_rows
        return self._counted(batch)

    def _counted(self, batch: ExtractBatch) -> ExtractBatch:
        drift = batch.raw.column("_drift_fields")
        self.drift_counts[batch.entity] += len(drift) - drift.null_count
        return batch
