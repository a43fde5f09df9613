import gc
import threading

from etl.collector import paused_collection


def test_the_collector_is_off_inside_nested_blocks_and_on_after_the_outermost():
    assert gc.isenabled()
    with paused_collection():
        with paused_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with paused_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_blocks_overlapping_across_threads_leave_the_collector_on():
    def pause_often():
        for _ in range(5_000):
            with paused_collection():
                pass

    threads = [threading.Thread(target=pause_often) for _ in range(4)]
    for thread in threads:
        thread.start()
    pause_often()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def test_the_collector_resumes_after_an_exception():
    try:
        with paused_collection():
            raise ValueError("page")
    except ValueError:
        pass
    assert gc.isenabled()
