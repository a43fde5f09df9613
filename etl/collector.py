"""Pausing Python's cyclic garbage collector over allocation-heavy work that creates no reference cycles."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collection() -> Iterator[None]:
    """No cyclic collection inside the block; it resumes (if it was on) when the block ends.

    Normalising a page allocates tens of thousands of dicts, lists and tuples that live until the page's
    Arrow tables are built: each 700 of them start a collection that traverses them all again, and the
    older generations (the whole heap of the process) every 10 and 100 of those. That was a quarter of the
    CPU of a DVC page (bench/normalise_profile.py). Reference counting still frees everything at once;
    only cycles wait for the next collection. The collector is process-wide: a block that starts inside
    another (another thread's) leaves it as it found it, so it is on again once the outermost block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
