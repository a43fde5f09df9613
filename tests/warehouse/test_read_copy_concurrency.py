"""Two processes, one DuckDB warehouse (interface.md §4): a writer that keeps the warehouse file open and
publishes the read copy after each committed step, and a reader that only ever opens the read copy,
read-only, at the same time. Neither may fail on a lock, and the reader sees each published state whole."""

import multiprocessing
import time
from pathlib import Path

import duckdb

from warehouse.engine import make_engine
from warehouse.publish import READ_COPY_NAME, publish_read_copy
from warehouse.schema import ensure_schema

STEPS = 12
INSERT_METRIC = (
    "INSERT INTO marts.metric_value (year, period_start, period_end, agency_code, metric_code)"
    " VALUES (2025, DATE '2025-01-01', DATE '2025-12-31', 'H35.01', 'dvc.step_{step}')"
)


def write(url: str, started, done) -> None:
    engine = make_engine(url)
    ensure_schema(engine)
    publish_read_copy(url)
    started.set()
    # The writer's own connection stays open for the whole run, as a run's would: the file stays locked.
    with engine.connect() as held:
        for step in range(STEPS):
            with engine.begin() as conn:
                conn.exec_driver_sql(INSERT_METRIC.format(step=step))
            publish_read_copy(url)
            held.exec_driver_sql("SELECT 1")
            time.sleep(0.05)
    engine.dispose()
    done.set()


def read(read_copy: str, started, done, counts) -> None:
    started.wait(60)
    while True:
        finished = done.is_set()
        with duckdb.connect(read_copy, read_only=True) as conn:
            counts.append(conn.execute("SELECT COUNT(*) FROM marts.metric_value").fetchall()[0][0])
        if finished:
            return
        time.sleep(0.01)


def test_a_reader_of_the_read_copy_and_a_writer_run_side_by_side(tmp_path: Path):
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        started, done, counts = manager.Event(), manager.Event(), manager.list()
        writer = context.Process(target=write, args=(url, started, done))
        # The reader is given the read copy only: it never opens the writer's file.
        reader = context.Process(target=read, args=(str(tmp_path / READ_COPY_NAME), started, done, counts))
        writer.start()
        reader.start()
        writer.join(120)
        reader.join(120)
        seen = list(counts)
    assert writer.exitcode == 0 and reader.exitcode == 0
    # Every read saw a whole published state (0 to STEPS rows, never fewer than before) and the last read,
    # after the writer finished, saw every step.
    assert seen == sorted(seen) and set(seen) <= set(range(STEPS + 1))
    assert seen[-1] == STEPS
    assert len(set(seen)) > 2, "the reader should have read while the writer was writing"
