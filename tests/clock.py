"""A clock for rate limiters and retry waits: time moves only when someone sleeps, so tests never wait."""

from __future__ import annotations

import threading


class FakeClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []  # every wait, in order
        self._lock = threading.Lock()  # connectors sleep from several threads

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += seconds
