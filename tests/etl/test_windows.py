"""The bounded-window algorithm of sources.md §1.8 against an in-memory page function."""

import time
from datetime import datetime, timedelta

import pytest

from etl.windows import (
    IncompleteWindow,
    Page,
    PagingSpec,
    Window,
    WindowedExtraction,
    read_catalogue,
    split_window,
    window_start,
)

T0 = datetime(2025, 1, 1)
SECOND = timedelta(seconds=1)


class FakeSource:
    """Records ``{"k", "v"}`` served like G1/G4: ordered by (version, key), total counted per request."""

    def __init__(self, count: int, page_size: int = 3):
        # One record per second from T0: k000 at T0, k001 at T0+1s, ...
        self.records = [{"k": f"k{i:03d}", "v": T0 + i * SECOND} for i in range(count)]
        self.page_size = page_size
        self.requests: list[tuple[Window | None, int]] = []
        self.before_page = None  # hook(window, number) run before a page is served
        self.duplicates = False  # prepend the previous page's last record (duplicate_rows)

    def read_page(self, window: Window | None, number: int) -> Page:
        self.requests.append((window, number))
        if self.before_page is not None:
            self.before_page(window, number)
        rows = sorted(self.records, key=lambda r: (r["v"], r.get("k", "")))
        if window is not None:
            rows = [r for r in rows if window.start <= r["v"] <= window.end]
        start = (number - 1) * self.page_size
        page = rows[start : start + self.page_size]
        if self.duplicates and number > 1 and start > 0:
            page = [rows[start - 1], *page]
        return Page(len(rows), [(f"p{number}#{i}", dict(r)) for i, r in enumerate(page)])

    def move_to_now(self, key: str, now: datetime) -> None:
        next(r for r in self.records if r["k"] == key)["v"] = now


def spec(page_size=3, **overrides) -> PagingSpec:
    return PagingSpec(
        key=lambda r: r.get("k"), version=lambda r: r["v"], page_size=page_size, workers=2, **overrides
    )


def keys(reads) -> list[str]:
    return [record["k"] for read in reads for page in read.pages for _, record in page]


def test_split_window_at_granularity():
    assert split_window(Window(T0, T0 + 9 * SECOND), SECOND) == (
        Window(T0, T0 + 4 * SECOND),
        Window(T0 + 5 * SECOND, T0 + 9 * SECOND),
    )
    assert split_window(Window(T0, T0 + SECOND), SECOND) == (Window(T0, T0), Window(T0 + SECOND, T0 + SECOND))
    assert split_window(Window(T0, T0), SECOND) is None


def test_window_start_is_watermark_minus_ten_minutes_or_the_configured_start():
    assert window_start(None, T0) == T0
    assert window_start(datetime(2025, 3, 1, 12, 0), T0) == datetime(2025, 3, 1, 11, 50)


def test_plain_run_reads_every_record_once_and_returns_the_closing_bound():
    source = FakeSource(10)
    clock = iter([T0 + 20 * SECOND, T0 + 25 * SECOND])
    run = WindowedExtraction(source.read_page, spec(), T0, lambda: next(clock))
    reads = list(run)
    assert keys(reads) == [f"k{i:03d}" for i in range(10)]
    # 10 records at page size 3: pages 1..4 of [T0, T0+20s], then page 1 of the empty closing window.
    assert [n for _, n in source.requests] == [1, 2, 3, 4, 1]
    assert source.requests[-1][0] == Window(T0 + 21 * SECOND, T0 + 25 * SECOND)
    assert run.new_watermark == T0 + 25 * SECOND


def test_the_run_expects_the_total_the_source_gives_for_its_whole_range_even_when_it_splits():
    source = FakeSource(10)
    clock = iter([T0 + 9 * SECOND, T0 + 9 * SECOND])
    run = WindowedExtraction(source.read_page, spec(max_total=4), T0, lambda: next(clock))
    assert run.expected_records is None  # nothing read yet
    first = next(iter(run))
    # The first page read is of [T0, T0+9s], whose total the fake counts as its 10 records, although the
    # first verified read is a split-off window of 3.
    assert (first.total, run.expected_records) == (3, 10)


def test_windows_over_the_limit_are_split_until_they_fit():
    source = FakeSource(10)
    clock = iter([T0 + 9 * SECOND, T0 + 9 * SECOND])
    reads = list(WindowedExtraction(source.read_page, spec(max_total=4), T0, lambda: next(clock)))
    # [0,9] has 10 > 4: split to [0,4] (5 > 4) and [5,9]; [0,4] splits to [0,2] and [3,4]; [5,9] likewise.
    assert [read.window for read in reads] == [
        Window(T0, T0 + 2 * SECOND),
        Window(T0 + 3 * SECOND, T0 + 4 * SECOND),
        Window(T0 + 5 * SECOND, T0 + 7 * SECOND),
        Window(T0 + 8 * SECOND, T0 + 9 * SECOND),
    ]
    assert all(read.total <= 4 for read in reads)
    assert keys(reads) == [f"k{i:03d}" for i in range(10)]


def test_duplicate_rows_are_dropped_by_key_and_version():
    source = FakeSource(7)
    source.duplicates = True
    read = read_catalogue(source.read_page, spec())
    assert keys([read]) == [f"k{i:03d}" for i in range(7)]
    assert read.total == 7


def test_a_shift_during_the_read_is_detected_and_the_window_read_again():
    source = FakeSource(9)
    now = T0 + 100 * SECOND
    shifted = []

    def shift_once(window, number):
        # Between pages 1 and 2 of the first read, k001 is updated: it leaves [T0, T0+50s] and the
        # later rows move one place towards page 1, so page 2 would skip k003.
        if number == 2 and not shifted:
            shifted.append(True)
            source.move_to_now("k001", now)

    source.before_page = shift_once
    clock = iter([T0 + 50 * SECOND, now])
    run = WindowedExtraction(source.read_page, spec(), T0, lambda: next(clock))
    reads = list(run)
    first = [n for w, n in source.requests if w == Window(T0, T0 + 50 * SECOND)]
    # First read: pages 1, 2 (page 1 said 9) and perhaps 3, which is cancelled if it has not started when
    # page 2 says 8; the window is read again: pages 1..3. Pages after the first download concurrently,
    # so only the multiset of requests is fixed.
    assert sorted(first) in ([1, 1, 2, 2, 3], [1, 1, 2, 2, 3, 3])
    assert keys(reads) == [f"k{i:03d}" for i in range(9) if i != 1] + ["k001"]
    assert reads[-1].window == Window(T0 + 51 * SECOND, now)
    assert run.new_watermark == now


def test_a_window_that_never_verifies_is_split_then_fails():
    source = FakeSource(4)
    source.before_page = lambda window, number: source.records.append(
        {"k": f"x{len(source.records)}", "v": T0}
    )
    clock = iter([T0 + 3 * SECOND])
    with pytest.raises(IncompleteWindow):
        list(WindowedExtraction(source.read_page, spec(), T0, lambda: next(clock)))
    windows = [w for w, n in source.requests if n == 1]
    # 3 reads of [0,3], then 3 of the first half [0,1], which fails too.
    assert windows == [Window(T0, T0 + 3 * SECOND)] * 3 + [Window(T0, T0 + SECOND)] * 3


def test_records_without_a_key_are_counted_once_each():
    source = FakeSource(2)
    source.records.append({"v": T0 + 5 * SECOND})
    read = read_catalogue(source.read_page, spec())
    assert read.total == 3 and sum(map(len, read.pages)) == 3


def test_each_page_is_processed_as_it_arrives_and_a_failed_read_is_dropped():
    source = FakeSource(6)
    shifted = []

    def shift_once(window, number):
        if number == 2 and not shifted:
            shifted.append(True)
            source.move_to_now("k000", T0 + 99 * SECOND)

    source.before_page = shift_once
    processed = []

    def process(items):
        processed.append([record["k"] for _, record in items])
        return len(items)

    clock = iter([T0 + 50 * SECOND, T0 + 50 * SECOND])
    reads = list(WindowedExtraction(source.read_page, spec(process=process), T0, lambda: next(clock)))
    # First read: page 1 (k000-k002) is processed, page 2 reports 5 instead of 6: dropped, read again.
    assert processed == [["k000", "k001", "k002"], ["k001", "k002", "k003"], ["k004", "k005"]]
    assert [read.pages for read in reads] == [[3, 2]]


def test_pages_are_downloaded_at_most_workers_ahead_of_their_processing():
    """A whole window's pages must not wait as dicts when processing is slower than the download."""
    source = FakeSource(40)
    in_flight, processed = [], []

    def process(items):
        # By the time page n is processed, at most `workers` pages after it have been requested; the pause
        # makes processing slower than the download, as it is for real.
        processed.append(len(source.requests))
        time.sleep(0.005)
        return items

    paging = spec(process=process)
    clock = iter([T0 + 100 * SECOND, T0 + 100 * SECOND])
    list(WindowedExtraction(source.read_page, paging, T0, lambda: next(clock)))
    for done, requested in enumerate(processed, start=1):
        in_flight.append(requested - done)
    assert max(in_flight) <= paging.workers
