import threading
import time

import pytest

from etl.readahead import read_ahead


def test_items_arrive_in_order_and_errors_after_the_items_before_them():
    def source():
        yield 1
        yield 2
        raise RuntimeError("window failed")

    got = []
    with pytest.raises(RuntimeError, match="window failed"):
        for item in read_ahead(source()):
            got.append(item)
    assert got == [1, 2]


def test_the_producer_runs_at_most_depth_items_ahead():
    produced = []

    def source():
        for i in range(10):
            produced.append(i)
            yield i

    iterator = read_ahead(source(), depth=1)
    assert next(iterator) == 0
    time.sleep(0.1)
    # Item 0 is consumed, item 1 waits in the queue and item 2 is being handed over: never more.
    assert len(produced) <= 3
    iterator.close()


def test_closing_early_stops_the_producer_thread():
    before = threading.active_count()
    iterator = read_ahead(iter(range(1000)), depth=1)
    next(iterator)
    iterator.close()
    assert threading.active_count() == before
