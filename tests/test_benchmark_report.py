"""The benchmark's comparison of landing cost (bench/benchmark.py is a script, loaded from its file): the
first and the last batch of at least half the largest batch's records are compared per record, so that a
short closing window is not read as growth. The series is made up here and the ratio worked out by hand."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "benchmark.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _batch(entity: str, raw_rows: int, seconds: float) -> dict:
    return {"source": "dvc", "entity": entity, "raw_rows": raw_rows, "seconds": seconds}


def test_landing_compares_the_first_and_last_batch_of_at_least_half_the_largest():
    batches = [
        _batch("ho-so", 0, 0.3),  # held records re-checked: nothing landed in raw, not in the series
        _batch("ho-so", 20_000, 1.0),  # 50 µs per record
        _batch("danh-gia", 20_000, 9.0),  # another resource
        _batch("ho-so", 18_000, 0.99),  # 55 µs per record: the last one compared
        _batch("ho-so", 2_000, 0.5),  # a closing window under 10,000 records: in the series, not compared
    ]
    series = _benchmark().landing_series(batches, "dvc", "ho-so")
    assert series["series_s"] == [1.0, 0.99, 0.5]
    assert (series["first"]["index"], series["last"]["index"]) == (0, 1)
    assert abs(series["last_over_first_per_record"] - 1.1) < 1e-9
