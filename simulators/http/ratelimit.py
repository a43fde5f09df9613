"""Token buckets per credential (sources.md §1.7), enforced only when the server runs with rate limiting."""

import math
import threading
import time


class RateLimiter:
    def __init__(self, rate_per_s: float, burst: int):
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, client: str) -> int | None:
        """None when the request may pass; otherwise the whole seconds to wait (1..30)."""
        now = time.monotonic()
        with self._lock:
            tokens, updated = self._buckets.get(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - updated) * self.rate_per_s)
            if tokens >= 1:
                self._buckets[client] = (tokens - 1, now)
                return None
            self._buckets[client] = (tokens, now)
            return min(30, max(1, math.ceil((1 - tokens) / self.rate_per_s)))
