"""Client-side rate limiting: stay under a vendor's documented request budget instead of hitting 429s."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `limit` calls in any `window` seconds; acquire() blocks until a slot is free.

    Thread-safe. `clock` and `sleep` are injectable so tests need not wait in real time.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take a slot; returns how long it waited (seconds)."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                while self._calls and now - self._calls[0] >= self.window:
                    self._calls.popleft()
                if len(self._calls) < self.limit:
                    self._calls.append(now)
                    return waited
                pause = self.window - (now - self._calls[0])
            self._sleep(pause)
            waited += pause

    def pause_for(self, seconds: float) -> None:
        """The server said Retry-After: hold every caller back for that long."""
        with self._lock:
            until = self._clock() + seconds
            # Fill the window with calls stamped so that the next free slot opens at `until`.
            self._calls = deque([until - self.window] * self.limit)
