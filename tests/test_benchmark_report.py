"""The benchmark's comparison of landing cost (bench/benchmark.py is a script, loaded from its file): the
first and the last batches are compared per record over as many batches as share one merge of the pending
rows into staging (`MERGE_EVERY_ROWS`, 200,000: ten batches of 20,000), a stream-end merge counted with the
batch it follows. The series is made up here and the ratios worked out by hand."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "benchmark.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _batch(entity: str, raw_rows: int, seconds: float, source: str = "dvc") -> dict:
    return {
        "source": source,
        "entity": entity,
        "raw_rows": raw_rows,
        "seconds": seconds,
        "start": 0,
        "end": 0,
    }


def _merge(source: str, seconds: float) -> dict:
    return {"source": source, "entity": None, "raw_rows": 0, "seconds": 0, "start": 0, "end": seconds}


def test_landing_compares_windows_of_the_batches_one_merge_is_shared_by():
    batches = [_batch("ho-so", 0, 0.3)]  # held records re-checked: nothing landed in raw, not in the series
    for number in range(24):
        # 1 s a batch; the batches that reach 200,000 pending rows merge them (4 s more)
        batches.append(_batch("ho-so", 20_000, 5.0 if number in (9, 19) else 1.0))
        if number == 12:
            batches += [
                _batch("danh-gia", 20_000, 9.0),
                _merge("dvc", 7.0),
            ]  # another resource's, and its merge
    batches += [_merge("dvc", 2.0), _merge("qlvb", 8.0)]  # the stream's end merge, then another source's
    series = _benchmark().landing_series(batches, "dvc", "ho-so")

    assert len(series["series_s"]) == 24 and series["series_s"][-1] == 1.0 + 2.0
    assert (series["first"]["index"], series["first"]["batches"]) == (0, 10)
    assert (series["last"]["index"], series["last"]["batches"]) == (14, 10)
    # first: batches 1-10, 10 s + one merge of 4 s; last: batches 15-24, 10 s + 4 s + the end merge's 2 s
    assert abs(series["last_over_first_per_record"] - 16 / 14) < 1e-9


def test_a_short_series_compares_its_halves():
    batches = [_batch("ho-so", 20_000, 1.0), _batch("ho-so", 20_000, 1.1), _batch("ho-so", 10_000, 0.6)]
    series = _benchmark().landing_series(batches, "dvc", "ho-so")

    assert (series["first"]["index"], series["last"]["index"], series["last"]["batches"]) == (0, 2, 1)
    assert abs(series["last_over_first_per_record"] - (0.6 / 10_000) / (1.0 / 20_000)) < 1e-9
