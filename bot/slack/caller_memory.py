"""What the request middlewares remember between requests, so that an ack waits for no database read.

Every request needs the caller's language (caller.py) and whether their workspace was marked as
uninstalled (lifecycle.py); both rarely change. Entries last REMEMBER_SECONDS. A write to a manager or
workspace row through this process's sessions forgets what it may have changed as soon as it is
committed, so `/crmcoach settings language de`, the settings modal, deleting one's data or an uninstall
count from the very next request. Writes by other processes (the worker processes reading a Slack
profile, the CLI) count within REMEMBER_SECONDS.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from bot.i18n import Language
from bot.store.models import Manager, Workspace

REMEMBER_SECONDS = 60.0
MAX_ENTRIES = 10_000  # per kind; when full, the least recently used go first
_EVERYTHING = object()  # in a transaction's changes: a statement on many rows
_WATCHED_TABLES = frozenset({Manager.__tablename__, Workspace.__tablename__})

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Memo(Generic[K, V]):
    """A value per key for `seconds`; a read that overlaps a change is used but not remembered."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self._values: TTLCache[K, V] = TTLCache(maxsize=MAX_ENTRIES, ttl=seconds, timer=clock)
        self._lock = threading.Lock()
        self._changes = 0

    def get(self, key: K, read: Callable[[], V | None]) -> V | None:
        """The remembered value, else `read()`; None is never remembered (asked again next time)."""
        with self._lock:
            if (value := self._values.get(key)) is not None:
                return value
            changes_before = self._changes
        value = read()
        with self._lock:
            if value is not None and self._changes == changes_before:
                self._values[key] = value
        return value

    def forget(self, keys: Iterable[K] | None) -> None:
        """Forget `keys`, or everything (None)."""
        with self._lock:
            self._changes += 1
            if keys is None:
                self._values.clear()
            for key in keys or ():
                self._values.pop(key, None)


class CallerMemory:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        seconds: float = REMEMBER_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._languages: _Memo[tuple[str, str], Language] = _Memo(seconds, clock)
        self._installed: _Memo[str, bool] = _Memo(seconds, clock)
        self._changed_key = f"crmcoach_caller_memory_{id(self)}"  # session.info: the open transaction's
        event.listen(sessions, "after_flush", self._note_flushed_rows)
        event.listen(sessions, "do_orm_execute", self._note_bulk_statement)
        event.listen(sessions, "after_commit", self._forget_committed)

    def language(self, team_id: str, user_id: str, read: Callable[[], Language | None]) -> Language | None:
        """The caller's known language (None: a stranger, looked up again on each request)."""
        return self._languages.get((team_id, user_id), read)

    def ensure_installed(self, team_id: str, mark_installed: Callable[[], object]) -> None:
        """Runs `mark_installed` unless it ran for `team_id` within REMEMBER_SECONDS and nothing has
        written the workspace's row since."""

        def installed() -> bool:
            mark_installed()
            return True

        self._installed.get(team_id, installed)

    def _changed(self, session: Session) -> set[object]:
        changed: set[object] = session.info.setdefault(self._changed_key, set())
        return changed

    def _note_flushed_rows(self, session: Session, _flush_context: Any) -> None:
        for row in (*session.new, *session.dirty, *session.deleted):
            if isinstance(row, Manager):
                self._changed(session).add((row.team_id, row.slack_user_id))
            elif isinstance(row, Workspace):
                self._changed(session).add(row.team_id)

    def _note_bulk_statement(self, state: ORMExecuteState) -> None:
        """A statement on many rows (a data deletion, a purge) may change anyone: forget everything."""
        if not (state.is_update or state.is_delete or state.is_insert):
            return
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _WATCHED_TABLES:
            self._changed(state.session).add(_EVERYTHING)

    def _forget_committed(self, session: Session) -> None:
        changed = session.info.pop(self._changed_key, None)
        if not changed:
            return
        if _EVERYTHING in changed:
            self._languages.forget(None)
            self._installed.forget(None)
            return
        self._languages.forget(key for key in changed if isinstance(key, tuple))
        self._installed.forget(key for key in changed if isinstance(key, str))
