"""How much memory DuckDB may use, and what to do when it runs out."""

import os
import re

MEMORY_LIMIT_VARIABLE = "PARINDEX_DUCKDB_MEMORY_LIMIT"
MIB = 2**20
# The peak RSS a year's run may reach (README, bench/benchmark.py): every step stays within it.
RUN_MEMORY_BUDGET = 1536 * MIB
# The run's peak RSS grows with DuckDB's limit as PIPELINE_MEMORY + DUCKDB_RSS_PER_LIMIT × limit: fitted
# to a `large` DVC year, 1,330 MiB at a 244 MiB limit and 1,668 MiB at 488 MiB. The rest of the pipeline
# (Python, Dagster, read-ahead pages, Arrow batches) is the constant; DuckDB's own allocations beside its
# buffers are why its share is more than the limit.
PIPELINE_MEMORY = 992 * MIB
DUCKDB_RSS_PER_LIMIT = 1.385
# The share of the budget the fit may use: a `province` year of all four sources peaked at 1,548 MiB in
# `dvc_ho_so` with a 392 MiB limit (the fit says 1,535), and at 1,461 MiB with 281 MiB (bench/benchmark.py,
# 2026-12-07).
BUDGET_SHARE_USED = 0.9
# Below this DuckDB spills even the merge of one landed batch; a smaller machine cannot run a year anyway.
MIN_DUCKDB_MEMORY = 128 * MIB


def physical_memory() -> int:
    """Bytes of memory of the machine (Linux, macOS)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def default_duckdb_memory_limit(machine_bytes: int) -> str:
    """DuckDB's memory limit from the run's budget and the machine, in whole MiB.

    DuckDB would otherwise take 80 % of the machine for its buffers; beyond its limit it spills to its
    temporary directory. The limit is the largest with which the run's peak RSS stays within 90 % of the
    budget, and of half of the machine (the other half for the system and the sources' processes):

        limit = (0.9 × min(RUN_MEMORY_BUDGET, machine / 2) - PIPELINE_MEMORY) / DUCKDB_RSS_PER_LIMIT

    at least MIN_DUCKDB_MEMORY: 281 MiB on any machine of 3 GiB or more.
    """
    room = BUDGET_SHARE_USED * min(RUN_MEMORY_BUDGET, machine_bytes // 2) - PIPELINE_MEMORY
    return f"{max(MIN_DUCKDB_MEMORY, int(room / DUCKDB_RSS_PER_LIMIT)) // MIB}MiB"


def duckdb_memory_limit(override: str | None) -> str:
    """`override` (`PARINDEX_DUCKDB_MEMORY_LIMIT` as `assets/` read it: a DuckDB size, `512MB`, `1GiB`) when
    set, else the default for this machine."""
    if override:
        _limit_bytes(override)  # refused here with the variable's name, not by DuckDB inside a step
        return override
    return default_duckdb_memory_limit(physical_memory())


# DuckDB's message names the limit: "Out of Memory Error: could not allocate block of size 32.0 KiB
# (244.1 MiB/244.1 MiB used)".
_OUT_OF_MEMORY = re.compile(r"Out of Memory Error\b")
_USED_OF_LIMIT = re.compile(r"\([\d.]+ ?[KMGT]?i?B/(?P<number>[\d.]+) ?(?P<unit>[KMGT]?i?B) used\)")
_PREFIXES = "KMGT"


def _limit_bytes(text: str) -> int:
    """The bytes that `text`, a DuckDB memory size (`244.1 MiB`, `512MB`, `1G`), stands for: KB, MB, GB, TB
    (and K, M, G, T) in powers of 1000, KiB, MiB, GiB, TiB in powers of 1024."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:([KMGT])(I?)B?|B)\s*", text, re.IGNORECASE)
    if match is None:
        raise ValueError(f"{MEMORY_LIMIT_VARIABLE}: not a memory size: {text!r} (e.g. 512MB or 1GiB)")
    number, prefix, binary = match.groups()
    power = _PREFIXES.index(prefix.upper()) + 1 if prefix else 0
    return int(float(number) * (1024 if binary else 1000) ** power)


def _chain(error) -> list:
    """`error` and its causes: exceptions (with SQLAlchemy's wrapped `orig`), or Dagster's serialised
    errors (`message`, `cause`, `context`), without importing either."""
    found, pending = [], [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is seen for seen in found):
            continue
        found.append(current)
        for name in ("orig", "__cause__", "__context__", "cause", "context"):
            pending.append(getattr(current, name, None))
    return found


def describe_out_of_memory(error, current_limit: str) -> str | None:
    """One line for the person who runs the pipeline when DuckDB ran out of memory anywhere in `error`'s
    chain (an exception, or a Dagster step's serialised error): the variable to set and the value to try,
    twice the limit in the message (or `current_limit`, the one the run had). None for any other error."""
    for current in _chain(error):
        message = getattr(current, "message", None)
        text = message if isinstance(message, str) else str(current)
        if not _OUT_OF_MEMORY.search(text):
            continue
        used = _USED_OF_LIMIT.search(text)
        limit = _limit_bytes(f"{used['number']} {used['unit']}") if used else _limit_bytes(current_limit)
        suggested = -(-2 * limit // 10**6)
        return (
            f"DuckDB ran out of memory at its limit of {limit / MIB:.0f} MiB: run again with "
            f"{MEMORY_LIMIT_VARIABLE}={suggested}MB (twice the limit; the run then needs about "
            f"{(PIPELINE_MEMORY + DUCKDB_RSS_PER_LIMIT * suggested * 10**6) / 2**30:.1f} GiB of memory)"
        )
    return None
