"""Seeded fault draws (sources.md §6), never faulting two consecutive attempts of the same request."""

import random
import threading
from collections import deque

DVC_LIST_FAULTS = ("http_5xx", "soft_error", "timeout", "conn_reset", "truncated_body", "rate_limit")
DVC_LIST_FAULTS += ("token_expiry", "schema_drift")
TOKEN_FAULTS = ("http_5xx", "timeout", "conn_reset", "truncated_body", "rate_limit")
# schema_drift last: the edXML endpoint takes the others only.
QLVB_FAULTS = ("http_5xx", "timeout", "conn_reset", "truncated_body", "rate_limit", "schema_drift")
ECABINET_LIST_FAULTS = QLVB_FAULTS
ECABINET_DETAIL_FAULTS = (
    "http_5xx",
    "timeout",
    "conn_reset",
    "truncated_body",
    "rate_limit",
    "detail_missing",
)


class FaultInjector:
    def __init__(self, rate: float, seed: int):
        self.rate = rate
        self._random = random.Random(seed)
        self._last_faulted: dict[tuple, bool] = {}
        self._lock = threading.Lock()
        # (request, fault or None) per attempt, newest last: lets tests see what was injected.
        self.history: deque[tuple[tuple, str | None]] = deque(maxlen=100_000)

    def draw(self, request: tuple, kinds: tuple[str, ...]) -> str | None:
        """The fault for this attempt of `request` (client, method, path, query), or None."""
        with self._lock:
            faulted_before = self._last_faulted.get(request, False)
            kind = None
            if not faulted_before and self.rate > 0 and self._random.random() < self.rate:
                kind = self._random.choice(kinds)
            self._last_faulted[request] = kind is not None
            self.history.append((request, kind))
            return kind

    def integer(self, low: int, high: int) -> int:
        with self._lock:
            return self._random.randint(low, high)

    def sample(self, population: list, count: int) -> list:
        with self._lock:
            return self._random.sample(population, min(count, len(population)))
