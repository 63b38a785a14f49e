"""Expected outages (the database, the CRM) logged as state changes: one WARNING when a dependency becomes
unavailable, one when it is back — not a traceback per attempt. Tracebacks are for bugs.

The state is per process, like the connections it describes; the lock keeps two worker threads from
both announcing the same change.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

log = logging.getLogger(__name__)
BACKOFF_START = timedelta(seconds=2)
BACKOFF_CAP = timedelta(minutes=1)


def is_database_outage(exc: BaseException) -> bool:
    """Connection refused, terminated or timed out, a lock wait cut short: retrying is the fix."""
    if isinstance(exc, OperationalError | InterfaceError | DisconnectionError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


@dataclass
class Availability:
    name: str
    _down_since: int = 0  # consecutive failures; 0 while available
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def available(self) -> bool:
        return self._down_since == 0

    def down(self, detail: object) -> timedelta:
        """Record a failure; returns how long to wait before the next try (doubling, capped)."""
        with self._lock:
            self._down_since += 1
            failures = self._down_since
        if failures == 1:
            log.warning("%s unavailable (%s); retrying with backoff", self.name, _short(detail))
        return min(BACKOFF_CAP, BACKOFF_START * (1 << min(failures - 1, 16)))

    def up(self) -> None:
        with self._lock:
            was_down, self._down_since = self._down_since > 0, 0
        if was_down:
            log.warning("%s available again", self.name)


def _short(detail: object) -> str:
    """The first line of an error, without SQL or parameters (those can hold personal data)."""
    if isinstance(detail, DBAPIError):
        detail = detail.orig if detail.orig is not None else type(detail).__name__
    text = str(detail).strip().splitlines()
    return text[0][:200] if text else type(detail).__name__


DATABASE = Availability("database")
CRM = Availability("CRM")
