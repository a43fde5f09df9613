"""QLVB extraction: one cursor traversal per direction (sources.md §1.8, §3.2)."""

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from etl.batch import ExtractBatch
from etl.collector import paused_collection
from etl.privacy import Privacy
from etl.qlvb.client import MAX_LIMIT, InvalidCursor, QlvbClient
from etl.qlvb.context import QlvbContext
from etl.qlvb.entities import DIRECTIONS, DOCUMENTS, PRIVACY, VERSION_FIELD, document_spec
from etl.qlvb.normalise import concat_batches, normalise_batch
from etl.readahead import read_ahead
from etl.timeparse import TimeFormatError, parse_iso_datetime
from etl.windows import window_start

# A cursor rejected this many times in a row, with no page in between, fails the step instead of looping.
MAX_RESTARTS = 5


class TraversalFailed(Exception):
    """The server rejected the cursor `MAX_RESTARTS` times in a row."""


def watermark_entity(direction: str) -> str:
    """The cursor name under which a direction's watermark is stored: `documents:di`, `documents:den`."""
    return f"{DOCUMENTS}:{direction}"


class QlvbExtractor:
    """Yields an `ExtractBatch` every `batch_size` records or so, then at the end of the traversal.

    `new_watermark` is the greatest `ModifiedAt` seen (the stored watermark when nothing was served), set
    only once the traversal of `extract` reached `nextCursor: null`, so a failed run moves nothing.
    """

    def __init__(
        self,
        client: QlvbClient,
        context: QlvbContext,
        limit: int = MAX_LIMIT,
        batch_size: int = 50_000,
    ):
        self.client = client
        self.context = context
        self.limit = limit
        self.batch_size = batch_size
        self._privacy = Privacy(context.pseudonym_key)
        self._spec = document_spec(context)
        self._fetch_seq = 0
        self.new_watermark: datetime | None = None
        self.restarts = 0  # traversals restarted after invalid_cursor, this run
        self.drift_counts: Counter[str] = Counter()  # records with unknown fields, per direction

    def _modified_since(self, moment: datetime) -> str:
        # Milliseconds, floored: the bound is inclusive, so rounding down only re-reads a record.
        aware = moment.replace(microsecond=moment.microsecond // 1000 * 1000, tzinfo=self.context.timezone)
        return aware.isoformat(timespec="milliseconds")

    def _version(self, record: dict) -> datetime | None:
        try:
            return parse_iso_datetime(record.get(VERSION_FIELD), self.context.timezone)
        except TimeFormatError:
            return None

    def _process(self, prefix: str, page_number: int, records: list) -> ExtractBatch:
        # A page's records and the values made of them live until the page is an Arrow batch, and none
        # forms a cycle: the cyclic collector would only rescan them (a fifth of the page's CPU, measured
        # at `province`).
        with paused_collection():
            return self._normalise_page(prefix, page_number, records)

    def _normalise_page(self, prefix: str, page_number: int, records: list) -> ExtractBatch:
        apply = self._privacy.apply
        items = [
            (
                f"{prefix}&page={page_number}#{index}",
                apply(record, PRIVACY) if isinstance(record, dict) else {"_invalid": record},
            )
            for index, record in enumerate(records)
        ]
        batch = normalise_batch(self._spec, items, self._fetch_seq)
        self._fetch_seq += batch.rows.num_rows
        return batch

    def _pages(
        self, direction: str, since: datetime, greatest: datetime | None
    ) -> Iterator[tuple[str, int, list, datetime | None]]:
        """`(locator prefix, page number, records, greatest ModifiedAt so far)` of one traversal: cursors
        followed until `nextCursor` is null, restarted on `invalid_cursor`."""
        cursor: str | None = None
        page_number = restarts = 0
        while True:
            try:
                prefix, page = self.client.documents(
                    direction, self._modified_since(since), cursor, self.limit
                )
            except InvalidCursor:
                restarts += 1
                self.restarts += 1
                if restarts > MAX_RESTARTS:
                    raise TraversalFailed(f"QLVB {direction}: cursor rejected {restarts} times") from None
                # §1.8: restart from the greatest ModifiedAt seen; the bound is inclusive, so nothing is lost.
                cursor = None
                since = greatest if greatest is not None and greatest > since else since
                continue
            page_number += 1
            restarts = 0
            records = page["data"]
            versions = [v for v in map(self._version, filter(lambda r: isinstance(r, dict), records)) if v]
            if versions:
                greatest = max(versions) if greatest is None else max(greatest, *versions)
            yield prefix, page_number, records, greatest
            cursor = page.get("nextCursor")
            if cursor is None:
                return

    def extract(self, direction: str, watermark: datetime | None, start: datetime) -> Iterator[ExtractBatch]:
        """Batches of one direction's register entries changed since `watermark` − 10 minutes (or since
        `start` on the first run). The next page downloads while the current one is normalised: the cursor
        is sequential, but the request for page n + 1 needs only page n's `nextCursor`."""
        if direction not in DIRECTIONS:
            raise ValueError(f"unknown QLVB direction {direction!r}; expected di or den")
        self.new_watermark = None
        greatest = watermark
        pages: list[ExtractBatch] = []
        pending = 0
        traversal = self._pages(direction, window_start(watermark, start), watermark)
        for prefix, page_number, records, greatest_so_far in read_ahead(traversal, depth=2):
            greatest = greatest_so_far
            if records:
                pages.append(self._process(prefix, page_number, records))
                pending += len(records)
            if pending >= self.batch_size:
                yield self._counted(direction, concat_batches(pages))
                pages, pending = [], 0
        if pages:
            yield self._counted(direction, concat_batches(pages))
        self.new_watermark = greatest

    def _counted(self, direction: str, batch: ExtractBatch) -> ExtractBatch:
        drift = batch.raw.column("_drift_fields")
        self.drift_counts[direction] += len(drift) - drift.null_count
        return batch
