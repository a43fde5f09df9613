"""Bounded-window incremental reading (sources.md §1.8, steps 1–6), generic over a page-reading function.

The source-specific part is ``read_page(window, page_number) -> Page``: it formats the window bounds
(``tuNgay``/``denNgay`` for DVC, ``updatedSince``/``updatedUntil`` for E-CABINET) and returns the page's
``total`` with its records. Everything else (splitting, concurrent pages, verification, re-reads, the
closing window and the new watermark) lives here.
"""

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

OVERLAP = timedelta(minutes=10)


@dataclass(frozen=True)
class Window:
    """Both ends inclusive."""

    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"[{self.start.isoformat(' ')}, {self.end.isoformat(' ')}]"


class Page(NamedTuple):
    total: int
    items: list[tuple[str, dict]]  # (locator, record) in the order served


class WindowRead(NamedTuple):
    window: Window | None  # None for a catalogue read in full
    total: int
    pages: list  # per page, in fetch order: ``spec.process`` of its items, deduplicated by key and version


def _keep(items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    return items


ReadPage = Callable[[Window | None, int], Page]


@dataclass(frozen=True)
class PagingSpec:
    key: Callable[[dict], str | None]  # cleaned natural key, or None when the record lacks it
    version: Callable[[dict], object]  # version value used with the key to drop duplicate rows
    page_size: int
    workers: int = 4
    max_reads: int = 3  # reads of one window before it is split (§1.8 step 4)
    max_total: int = 50_000  # a window whose page 1 reports more is split (§1.8 step 2)
    granularity: timedelta = timedelta(seconds=1)  # the next window starts this much later
    # Applied to each page as it arrives, so that a window never holds all its records as dicts;
    # the output of a window that fails verification is dropped.
    process: Callable[[list[tuple[str, dict]]], object] = _keep


class IncompleteWindow(Exception):
    """A window still failed verification after its re-reads and the split (§1.8 step 4)."""


def split_window(window: Window, granularity: timedelta) -> tuple[Window, Window] | None:
    """Two non-overlapping halves at ``granularity``, or None when the window is a single step."""
    steps = (window.end - window.start) // granularity
    if steps < 1:
        return None
    middle = window.start + (steps // 2) * granularity
    return Window(window.start, middle), Window(middle + granularity, window.end)


def window_start(watermark: datetime | None, first_start: datetime) -> datetime:
    """``W`` of §1.8 step 1: the stored watermark minus the overlap, or the configured start."""
    return first_start if watermark is None else watermark - OVERLAP


class _Verifier:
    """Checks one read of a window page by page: same total everywhere, distinct keys equal to it."""

    def __init__(self, spec: PagingSpec, total: int):
        self.spec = spec
        self.total = total
        self.seen: set = set()
        self.keys: set = set()

    def fresh(self, page: Page) -> list[tuple[str, dict]] | None:
        """The page's items not seen before (by key and version), or None when its total differs."""
        if page.total != self.total:
            return None
        key_of, version_of = self.spec.key, self.spec.version
        seen, keys = self.seen, self.keys
        items = []
        for locator, record in page.items:
            key = key_of(record)
            # A record without its key cannot be a duplicate: it counts once and is quarantined later.
            identity = (key, version_of(record)) if key is not None else locator
            if identity in seen:
                continue
            seen.add(identity)
            keys.add(key if key is not None else locator)
            items.append((locator, record))
        return items

    def complete(self) -> bool:
        return len(self.keys) == self.total


def _bounded_map(pool: ThreadPoolExecutor, function: Callable, items: Iterable, ahead: int) -> Iterator:
    """`pool.map` that downloads at most `ahead` pages before the consumer takes them: `map` submits every
    page at once, and when processing is slower than the download a whole window's pages wait as dicts
    (a quarter of a gigabyte for 50,000 dossiers). Pages left when the consumer stops are cancelled."""
    pending: deque[Future] = deque()
    try:
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


class _Split(NamedTuple):
    halves: tuple[Window, Window]
    may_split: bool  # False for the halves of a window that kept failing: they get no further split


class _Reader:
    def __init__(self, read_page: ReadPage, spec: PagingSpec, pool: ThreadPoolExecutor):
        self.read_page = read_page
        self.spec = spec
        self.pool = pool
        self.first_total: int | None = None  # of the first page read: the total of the whole first window

    def read(self, window: Window | None, may_split: bool) -> WindowRead | _Split:
        """A verified read, or the halves to read instead (too large, or failed ``max_reads`` times)."""
        spec = self.spec
        for _ in range(spec.max_reads):
            first = self.read_page(window, 1)
            if self.first_total is None:
                self.first_total = first.total
            if window is not None and may_split and first.total > spec.max_total:
                halves = split_window(window, spec.granularity)
                if halves is not None:
                    return _Split(halves, may_split=True)
            page_count = -(-first.total // spec.page_size)

            def read(number: int) -> Page:
                return self.read_page(window, number)

            rest = _bounded_map(self.pool, read, range(2, page_count + 1), spec.workers)
            pages = self._read_pages(first, rest)
            if pages is not None:
                return WindowRead(window, first.total, pages)
        halves = split_window(window, spec.granularity) if window is not None and may_split else None
        if halves is None:
            what = "the full listing" if window is None else f"window {window}"
            raise IncompleteWindow(f"{what} failed verification after {spec.max_reads} reads")
        return _Split(halves, may_split=False)

    def _read_pages(self, first: Page, rest: Iterable[Page]) -> list | None:
        """Processed pages in order while downloads continue, or None when the read does not verify."""
        verifier = _Verifier(self.spec, first.total)
        pages = []
        for page in itertools.chain([first], rest):
            items = verifier.fresh(page)
            if items is None:
                return None
            pages.append(self.spec.process(items))
        return pages if verifier.complete() else None

    def cover(self, window: Window) -> Iterator[WindowRead]:
        """Verified reads covering ``window``, in chronological order; empty windows are skipped."""
        stack: list[tuple[Window, bool]] = [(window, True)]
        while stack:
            current, may_split = stack.pop()
            result = self.read(current, may_split)
            if isinstance(result, _Split):
                stack.append((result.halves[1], result.may_split))
                stack.append((result.halves[0], result.may_split))
            elif result.total:
                yield result


def read_catalogue(read_page: ReadPage, spec: PagingSpec) -> WindowRead:
    """A resource without filters, read in full and verified like a window (it cannot be split)."""
    with ThreadPoolExecutor(max_workers=spec.workers) as pool:
        result = _Reader(read_page, spec, pool).read(None, may_split=False)
    assert isinstance(result, WindowRead)
    return result


class WindowedExtraction:
    """Iterates the verified windows of one incremental run; ``new_watermark`` is set once it is exhausted.

    ``now`` returns the current local time minus the configured lag (``U`` and ``U′`` of §1.8), at
    ``spec.granularity``.
    """

    def __init__(self, read_page: ReadPage, spec: PagingSpec, start: datetime, now: Callable[[], datetime]):
        self.read_page = read_page
        self.spec = spec
        self.start = start
        self.now = now
        self.new_watermark: datetime | None = None
        self._reader: _Reader | None = None

    @property
    def expected_records(self) -> int | None:
        """The source's `total` for the run's range, once its first page is read (what changes while the
        run reads comes on top, in the closing window)."""
        return None if self._reader is None else self._reader.first_total

    def __iter__(self) -> Iterator[WindowRead]:
        self.new_watermark = None
        with ThreadPoolExecutor(max_workers=self.spec.workers) as pool:
            reader = self._reader = _Reader(self.read_page, self.spec, pool)
            upper = self.now()
            if upper >= self.start:
                yield from reader.cover(Window(self.start, upper))
            # The closing window holds what changed while the windows above were read (§1.8 step 5).
            closing_start = max(upper, self.start - self.spec.granularity) + self.spec.granularity
            closing_end = self.now()
            if closing_end >= closing_start:
                yield from reader.cover(Window(closing_start, closing_end))
                upper = closing_end
        self.new_watermark = upper
