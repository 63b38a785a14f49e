"""Work after the ack (CRM, LLM, uploads) on threads of its own, so it never delays anyone's ack.

Bolt runs ack functions and lazy listeners on one small shared pool: a few slow CRM calls there
make every other user's ack wait. Here the slow part runs on a separate pool, and its outcome —
the answer, or the failure in the user's language — goes wherever the caller says (a response_url,
a DM). A "still working" note follows after SLOW_REPLY_SECONDS if the answer is not there yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot.i18n import Language, t
from bot.render.replies import text_message
from bot.slack.failures import failure_text

Message = dict[str, Any]
MAX_WORKERS = 8
SLOW_REPLY_SECONDS = 2.5  # Slack users expect an answer within about 3 s


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a job's message goes, and what its failures are told in."""

    what: str  # for the log: "/crmcoach stats", "direct message"
    team_id: str
    user_id: str
    crm: str
    send: Callable[[Message], object]
    language: Callable[[], Language]  # read when needed: a first contact's language is known by then
    slow_key: str | None = None  # the "still working" note, if the job may take a while


class Background:
    def __init__(self, *, max_workers: int = MAX_WORKERS, slow_after: float = SLOW_REPLY_SECONDS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="crmcoach-work")
        self._slow_after = slow_after

    def run(self, work: Callable[[], Message | None], outcome: Outcome) -> Future[Message | None]:
        """Start `work`; its message (None: nothing to say) or its failure goes to outcome.send."""
        reply = _Reply(outcome)
        future = self._pool.submit(work)
        if outcome.slow_key is not None:
            timer = threading.Timer(self._slow_after, reply.note_slowness)
            timer.daemon = True
            timer.start()
            future.add_done_callback(lambda _: timer.cancel())
        future.add_done_callback(reply.finish)
        return future


class _Reply:
    """Sends at most one "still working" note, always before the answer, and then the answer."""

    def __init__(self, outcome: Outcome) -> None:
        self._outcome = outcome
        self._lock = threading.Lock()
        self._answered = False

    def note_slowness(self) -> None:
        outcome = self._outcome
        assert outcome.slow_key is not None
        with self._lock:
            if not self._answered:
                outcome.send(text_message(t(outcome.language(), outcome.slow_key, crm=outcome.crm)))

    def finish(self, future: Future[Message | None]) -> None:
        if future.cancelled():
            return  # the process is shutting down
        error = future.exception()
        message = future.result() if error is None else self._failure(error)
        with self._lock:
            self._answered = True
            if message is not None:
                self._outcome.send(message)

    def _failure(self, error: BaseException) -> Message:
        outcome = self._outcome
        text = failure_text(
            error,
            what=outcome.what,
            team_id=outcome.team_id,
            user_id=outcome.user_id,
            language=outcome.language(),
            crm=outcome.crm,
        )
        return text_message(text)
