"""Opening a DuckDB file that another process holds waits for its release instead of failing on the lock.
A second process holds the file's lock; the opening code must say whom it waits for, not proceed while the
file is held, and proceed once it is released; a wait that runs out names the file and the holder."""

import logging
import subprocess
import sys
import threading

import pytest
import sqlalchemy as sa

from warehouse.engine import make_engine
from warehouse.file_lock import WarehouseBusy, wait_when_locked

# Holds the file until a line arrives on stdin.
HOLDER = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.readline()"
)
# Bounds, not timings: how long a test waits for something that happens in well under a second.
GUARD_S = 60


@pytest.fixture
def held_file(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield path, holder
    finally:
        if holder.poll() is None:
            holder.stdin.close()
            holder.wait(timeout=GUARD_S)


class _Seen(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []
        self.waiting = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if record.getMessage().startswith("waiting for the warehouse"):
            self.waiting.set()


def test_opening_a_held_file_waits_until_it_is_released_then_proceeds(held_file):
    path, holder = held_file
    seen = _Seen()
    logger = logging.getLogger("warehouse.file_lock")
    logger.addHandler(seen)
    engine = make_engine(f"duckdb:///{path}")
    result: dict = {}

    def open_and_query() -> None:
        with engine.connect() as conn:
            result["answer"] = conn.exec_driver_sql("SELECT 42").scalar()

    opener = threading.Thread(target=open_and_query)
    try:
        opener.start()
        assert seen.waiting.wait(GUARD_S)
        assert f"process {holder.pid}" in seen.messages[0] and str(path) in seen.messages[0]
        assert result == {}  # held: it has not proceeded
        holder.stdin.close()  # the holder exits and releases the file
        holder.wait(timeout=GUARD_S)
        opener.join(GUARD_S)
        assert result == {"answer": 42}
    finally:
        logger.removeHandler(seen)
        opener.join(GUARD_S)
        engine.dispose()


def test_a_wait_that_runs_out_names_the_file_and_the_process_that_holds_it(held_file):
    path, holder = held_file
    engine = sa.create_engine(f"duckdb:///{path}")
    wait_when_locked(engine, str(path), wait_s=0.5)
    with pytest.raises(WarehouseBusy, match=rf"{path}.*process {holder.pid}"):
        engine.connect()
    engine.dispose()
