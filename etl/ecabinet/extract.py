"""E-CABINET extraction by verified ``thoiGianCapNhat`` windows (sources.md §1.8), with meeting details."""

import logging
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc

from etl.batch import ExtractBatch
from etl.ecabinet.client import MAX_PAGE_SIZE, EcabinetClient
from etl.ecabinet.context import EcabinetContext
from etl.ecabinet.entities import ENTITIES, MEETINGS, SOURCE, VERSION_FIELD, privacy_policy, record_key
from etl.ecabinet.normalise import normalise_records
from etl.privacy import Privacy
from etl.readahead import read_ahead
from etl.timeparse import TimeFormatError, parse_iso_datetime
from etl.windows import IncompleteWindow, Page, PagingSpec, Window, WindowedExtraction, window_start

log = logging.getLogger(__name__)

GRANULARITY = timedelta(milliseconds=1)  # the next window starts 1 ms later (§1.8 step 2)

Item = tuple[str, dict]


def _version_text(record: dict) -> object:
    return record.get(VERSION_FIELD)


def _to_millisecond(value: datetime) -> datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _concat(batches: list[ExtractBatch], entity: str) -> ExtractBatch:
    raw, rows, quarantine = (
        pa.concat_tables(tables)
        for tables in zip(*((b.raw, b.rows, b.quarantine) for b in batches), strict=True)
    )
    names = {name for batch in batches for name in batch.children}
    children = {name: pa.concat_tables([b.children[name] for b in batches]) for name in sorted(names)}
    return ExtractBatch(SOURCE, entity, raw, rows, quarantine, children)


class EcabinetExtractor:
    """Yields one ``ExtractBatch`` per verified window of one resource, and for meetings a last batch of
    those whose detail was missing during the list pass (``detail_missing``, sources.md §6).

    ``meetings_with_detail`` maps each meeting code to the version whose detail the warehouse already
    holds: such a meeting is not fetched again, and its list record is kept in raw only. ``new_watermark``
    is set once the iterator of ``extract`` is exhausted; it stays None when the extraction did not finish.
    """

    def __init__(
        self,
        client: EcabinetClient,
        context: EcabinetContext,
        meetings_with_detail: Mapping[str, datetime] | None = None,
        page_size: int = MAX_PAGE_SIZE,
        workers: int = 4,
        detail_workers: int = 4,
        max_window: int = 50_000,
        now: Callable[[], datetime] | None = None,
    ):
        self.client = client
        self.context = context
        self.known = dict(meetings_with_detail or {})
        self.page_size = page_size
        self.workers = workers
        self.detail_workers = detail_workers
        self.max_window = max_window
        self._now = now or (lambda: datetime.now(context.timezone).replace(tzinfo=None))
        self._privacy = Privacy(context.pseudonym_key)
        self._fetch_seq = 0
        self._details: dict[tuple[str, object], dict] = {}  # this run's details by (code, version text)
        self._deferred: dict[tuple[str, object], Item] = {}  # list items whose detail answered 404
        self.new_watermark: datetime | None = None
        self.run: WindowedExtraction | None = None  # the windows of the incremental entity being extracted
        self.missing_details: list[str] = []  # meetings kept from the list alone in this run
        self.drift_counts: Counter[str] = Counter()  # records with unknown fields, per entity, this run

    def extract(
        self, entity: str, watermark: datetime | None, start: datetime, lag: timedelta = timedelta(0)
    ) -> Iterator[ExtractBatch]:
        """Batches of ``entity``; ``start`` bounds the first run, ``lag`` trails the clock (§1.8 step 1)."""
        if entity not in ENTITIES:
            raise ValueError(f"unknown E-CABINET entity {entity!r}; expected one of {', '.join(ENTITIES)}")
        self.new_watermark = None
        self.run = None
        self._deferred.clear()
        try:
            with ThreadPoolExecutor(max_workers=self.detail_workers) as details:
                yield from self._extract(entity, watermark, start, lag, details)
        except IncompleteWindow as exc:
            raise IncompleteWindow(f"E-CABINET {entity}: {exc}") from exc

    def _extract(
        self, entity: str, watermark: datetime | None, start: datetime, lag: timedelta, details
    ) -> Iterator[ExtractBatch]:
        spec = PagingSpec(
            key=record_key,
            version=_version_text,
            page_size=self.page_size,
            workers=self.workers,
            max_total=self.max_window,
            granularity=GRANULARITY,
            process=self._page_processor(entity, details),
        )
        run = self.run = WindowedExtraction(
            self._page_reader(entity),
            spec,
            window_start(watermark, _to_millisecond(start)),
            lambda: _to_millisecond(self._now() - lag),
        )
        for read in read_ahead(run, depth=1):
            yield self._counted(_concat(read.pages, entity))
        if self._deferred:
            yield self._counted(self._retry_deferred(details))
        self.new_watermark = run.new_watermark

    def _page_reader(self, entity: str) -> Callable[[Window | None, int], Page]:
        tz = self.context.timezone

        def stamp(value: datetime) -> str:
            return value.replace(tzinfo=tz).isoformat(timespec="milliseconds")

        def read_page(window: Window | None, number: int) -> Page:
            params: dict[str, object] = {"offset": (number - 1) * self.page_size, "limit": self.page_size}
            if window is not None:
                params["updatedSince"] = stamp(window.start)
                params["updatedUntil"] = stamp(window.end)
            prefix, envelope = self.client.list(entity, params)
            items = [
                (f"{prefix}#{index}", record if isinstance(record, dict) else {"_invalid": record})
                for index, record in enumerate(envelope["items"])
            ]
            return Page(envelope["total"], items)

        return read_page

    def _page_processor(self, entity: str, details) -> Callable[[list[Item]], ExtractBatch]:
        """Privacy, meeting details, then normalisation of each page as it arrives."""
        policy = privacy_policy(entity)
        apply = self._privacy.apply

        def process(items: list[Item]) -> ExtractBatch:
            items = [(locator, apply(record, policy)) for locator, record in items]
            if entity == MEETINGS:
                items = self._with_details(items, details)
            batch = self._normalised(entity, items)
            return self._without_complete(batch) if entity == MEETINGS else batch

        return process

    def _normalised(self, entity: str, items: list[Item]) -> ExtractBatch:
        batch = normalise_records(entity, items, self.context, self._fetch_seq)
        self._fetch_seq += batch.rows.num_rows
        return batch

    def _version(self, record: dict) -> datetime | None:
        try:
            return parse_iso_datetime(record.get(VERSION_FIELD), self.context.timezone)
        except TimeFormatError:
            return None

    def _with_details(self, items: list[Item], details) -> list[Item]:
        """Each meeting with a version the warehouse lacks, replaced by its detail; those whose detail
        answered 404 are held back for one retry after the list pass."""
        wanted = {}
        for _, record in items:
            code, version = record_key(record), self._version(record)
            if code is None or version is None or self.known.get(code) == version:
                continue
            token = (code, record.get(VERSION_FIELD))
            if token not in self._details:
                wanted[token] = code
        fetched = dict(zip(wanted, details.map(self._fetch_detail, wanted.values()), strict=True))
        self._details.update({token: detail for token, detail in fetched.items() if detail is not None})
        out = []
        for locator, record in items:
            token = (record_key(record), record.get(VERSION_FIELD))
            if token in self._details:
                self._deferred.pop(token, None)
                out.append((locator, self._details[token]))
            elif token in fetched:
                self._deferred[token] = (locator, record)
            else:
                out.append((locator, record))
        return out

    def _fetch_detail(self, code: str) -> dict | None:
        _, detail = self.client.meeting(code)
        if detail is None:
            return None
        return self._privacy.apply(detail, privacy_policy(MEETINGS))

    def _without_complete(self, batch: ExtractBatch) -> ExtractBatch:
        """Rows of meetings whose version the warehouse already holds with its detail are left out of
        staging: their list record alone would replace the complete row (the records stay in raw)."""
        rows = batch.rows
        if not self.known or rows.num_rows == 0:
            return batch
        known = [
            self.known.get(key) == version
            for key, version in zip(
                rows.column("_key").to_pylist(), rows.column("_version").to_pylist(), strict=True
            )
        ]
        return batch._replace(rows=rows.filter(pc.invert(pa.array(known, pa.bool_()))))

    def _retry_deferred(self, details) -> ExtractBatch:
        """The held-back meetings after one more detail request each; a second 404 keeps the list record,
        to be fetched again next run (not a failure)."""
        tokens = list(self._deferred)
        fetched = list(details.map(self._fetch_detail, [code for code, _ in tokens]))
        items = []
        for token, detail in zip(tokens, fetched, strict=True):
            locator, record = self._deferred.pop(token)
            if detail is None:
                self.missing_details.append(token[0])
                items.append((locator, record))
            else:
                items.append((locator, detail))
        if self.missing_details:
            log.warning(
                "E-CABINET: no detail for %d meeting(s) after a retry; kept from the list, fetched again "
                "next run: %s",
                len(self.missing_details),
                ", ".join(self.missing_details),
            )
        return self._without_complete(self._normalised(MEETINGS, items))

    def _counted(self, batch: ExtractBatch) -> ExtractBatch:
        drift = batch.raw.column("_drift_fields")
        self.drift_counts[batch.entity] += len(drift) - drift.null_count
        return batch
