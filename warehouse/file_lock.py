"""Waiting for a DuckDB file that another process holds, instead of failing on its lock.

A DuckDB file takes one process at a time. Runs take turns through the `warehouse` pool, but some opens
happen outside it (the read copy published when a `parindex run` ends, `parindex export`, a reader who
opened the writer's file by mistake): these wait, for a bounded time, and say who holds the file."""

import logging
import re
import time

import duckdb
import sqlalchemy as sa
from sqlalchemy import event

LOG = logging.getLogger(__name__)
# Longer than any single step holds the file at `province` scale; a step of a `large` DVC year may hold it
# longer, and the error then names the process to wait for.
DEFAULT_WAIT_S = 900.0
_FIRST_RETRY_S = 0.2
_LONGEST_RETRY_S = 5.0
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


class WarehouseBusy(Exception):
    """The DuckDB file stayed held by another process for longer than the wait allowed; names it."""


def lock_holder(error: Exception) -> str | None:
    """'process PID (program)' when `error` is DuckDB's file-lock conflict, else None."""
    message = str(error)
    if "Could not set lock on file" not in message:
        return None
    match = _HOLDER.search(message)
    return f"process {match['pid']} ({match['program']})" if match else "another process"


def wait_when_locked(engine: sa.Engine, database_file: str, wait_s: float = DEFAULT_WAIT_S) -> None:
    """Makes every connection of `engine` that finds `database_file` locked by another process retry with
    growing pauses for up to `wait_s` seconds, logging once whom it waits for; then WarehouseBusy."""

    @event.listens_for(engine, "do_connect")
    def connect_when_free(dialect, connection_record, cargs, cparams):
        deadline = time.monotonic() + wait_s
        pause = _FIRST_RETRY_S
        waiting_for = None
        while True:
            try:
                connection = dialect.connect(*cargs, **cparams)
            except duckdb.IOException as error:
                holder = lock_holder(error)
                if holder is None:
                    raise
                if time.monotonic() + pause > deadline:
                    raise WarehouseBusy(
                        f"the warehouse {database_file} is still held by {holder} after {wait_s:.0f} s of "
                        "waiting: let that run finish (or close that reader: analysts read "
                        "warehouse.read.duckdb), then start again"
                    ) from error
                if holder != waiting_for:
                    LOG.warning(
                        "waiting for the warehouse %s, held by %s (up to %.0f s)",
                        database_file,
                        holder,
                        wait_s,
                    )
                    waiting_for = holder
                time.sleep(pause)
                pause = min(pause * 2, _LONGEST_RETRY_S)
                continue
            if waiting_for is not None:
                LOG.warning("the warehouse %s is free: going on", database_file)
            return connection
