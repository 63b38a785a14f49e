"""Client-side rate limiting: stay under a vendor's documented request budget instead of hitting 429s."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class SlidingWindowLimiter:
    """At most `limit` calls in any `window` seconds; acquire() blocks until a slot is free.

    A slot taken with `held()` counts from when its request *finished*: the server saw the request
    somewhere between sending and the answer, so counting from the answer keeps the server's own count
    within the limit however latency varies (counting from the send let a slow first request and a fast
    sixth one arrive within one second). Thread-safe. `clock` and `sleep` are injectable for tests.
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
        self._stamps: list[list[float]] = []  # one mutable cell per slot in use
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Take a slot from now on; returns how long it waited (seconds)."""
        return self._take()[1]

    @contextmanager
    def held(self) -> Iterator[float]:
        """A slot for one request, counted until the request is over; yields the time waited."""
        cell, waited = self._take()
        try:
            yield waited
        finally:
            with self._lock:
                cell[0] = max(cell[0], self._clock())

    def _take(self) -> tuple[list[float], float]:
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._stamps = [cell for cell in self._stamps if cell[0] + self.window > now]
                if len(self._stamps) < self.limit:
                    cell = [now]
                    self._stamps.append(cell)
                    return cell, waited
                # at least a microsecond: float rounding must not leave a slot a hair short forever
                pause = max(min(cell[0] for cell in self._stamps) + self.window - now, 1e-6)
            self._sleep(pause)
            waited += pause

    def pause_for(self, seconds: float) -> None:
        """The server said Retry-After: hold every caller back for that long."""
        with self._lock:
            until = self._clock() + seconds
            # Fill the window with slots stamped so that the next free slot opens at `until`.
            self._stamps = [[until - self.window] for _ in range(self.limit)]
