"""Per-key rate limit: at most ``limit`` requests in each one-second window.

The counters live in their own small SQLite file so that every uvicorn worker process counts
against the same budget. One upsert per request (no fsync: losing the counters in a crash loses
nothing), fast enough to run on the event loop (tens of microseconds).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from .database import connect

WINDOW_SECONDS = 1.0

_UPSERT = """
INSERT INTO hits (key_id, window, count) VALUES (?, ?, 1)
ON CONFLICT (key_id) DO UPDATE SET
    count = CASE WHEN hits.window = excluded.window THEN hits.count + 1 ELSE 1 END,
    window = excluded.window
RETURNING count
"""


class RateDecision(Struct, frozen=True):
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int  # until the window ends, rounded up: X-RateLimit-Reset and Retry-After

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset_seconds).encode()),
        ]
        if not self.allowed:
            headers.append((b"retry-after", str(self.reset_seconds).encode()))
        return headers


class RateLimiter:
    def __init__(self, path: Path, limit: int, *, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = connect(path, synchronous="OFF")
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS hits (key_id TEXT PRIMARY KEY, window INTEGER NOT NULL, count INTEGER NOT NULL)"
        )

    def hit(self, key_id: str) -> RateDecision:
        """Count one request for ``key_id`` and say whether it is within the limit."""
        now = self._clock()
        window = math.floor(now / WINDOW_SECONDS)
        with self._lock:
            count = self._connection.execute(_UPSERT, (key_id, window)).fetchone()[0]
        reset = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        return RateDecision(count <= self.limit, self.limit, max(0, self.limit - count), reset)

    def peek(self, key_id: str) -> RateDecision:
        """Where ``key_id`` stands in the current window, without counting a request."""
        now = self._clock()
        window = math.floor(now / WINDOW_SECONDS)
        with self._lock:
            row = self._connection.execute("SELECT window, count FROM hits WHERE key_id = ?", (key_id,)).fetchone()
        count = row[1] if row is not None and row[0] == window else 0
        reset = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        return RateDecision(True, self.limit, max(0, self.limit - count), reset)

    def close(self) -> None:
        with self._lock:
            self._connection.close()
