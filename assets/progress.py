"""Progress lines for long steps, on standard error so that they never mix with command output."""

from __future__ import annotations

import sys
import time

_started = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - _started:7.1f}s] {message}", file=sys.stderr, flush=True)
