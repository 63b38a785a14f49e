"""Messages someone is waiting for: a coach's broadcast, a notice to one person, the answer to a DM.

Each is recorded as an outbox row due now, and the caller's process sends it at once through the same
sender as every scheduled message (claim, render, chat.postMessage with the idempotency key in the
metadata). A worker racing for the row cannot post it twice: whoever claims it sends it. Retries keep
the outbox's rules: a rate limit waits for Retry-After, an uncertain failure looks for the message in
the conversation before posting again. A few short retries happen right here; a longer wait is left to
the workers (or, for a broadcast whose coach is waiting, the row is cancelled and the coach told).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.coaching.broadcasts import Exercise, mark_failed, record_broadcast
from bot.delivery import outbox
from bot.delivery.notices import record_notice
from bot.delivery.sender import Outcome, deliver
from bot.delivery.services import Delivery
from bot.delivery.worker import delivery_client, worker_name
from bot.i18n import Language

log = logging.getLogger(__name__)
NOW_ATTEMPTS = 4  # the first attempt and three retries, right away
NOW_LONGEST_WAIT = timedelta(seconds=30)  # a longer wait is the workers' job
ANSWER_DEADLINE = timedelta(hours=1)  # an answer later than this would only confuse
TAKEN = Outcome("taken", "another worker has the message")


def broadcast_now(
    *,
    delivery: Delivery,
    team_id: str,
    coach_id: str,
    channel_id: str,
    exercise: Exercise,
    language: Language,
) -> Outcome:
    """Post a coach's exercise to a channel now. The coach hears the outcome from the caller; when it
    could not be posted within a few attempts, it is not posted later either (the coach decides)."""
    now = delivery.clock()
    broadcast_id = record_broadcast(
        delivery.sessions,
        team_id=team_id,
        coach_id=coach_id,
        channel_id=channel_id,
        exercise=exercise,
        language=language,
        now=now,
    )
    outgoing = outbox.Outgoing(
        team_id=team_id,
        recipient=coach_id,
        kind="broadcast",
        idempotency_key=f"{team_id}:broadcast:now:{broadcast_id}",
        channel=channel_id,
        payload={"broadcast_id": broadcast_id},
    )
    row_id = outbox.record_now(delivery.sessions, outgoing, now=now)
    outcome = deliver_now(delivery=delivery, row_id=row_id, coach_waiting=True)
    if outcome.status == "retry":
        if outbox.cancel(
            delivery.sessions, row_id, reason=f"not posted in time ({outcome.error}); coach told"
        ):
            mark_failed(delivery.sessions, broadcast_id, error=outcome.error)
            return outcome
        return TAKEN  # a worker took it over meanwhile: it posts it
    return outcome


def notify(*, delivery: Delivery, team_id: str, user_id: str, text: str, key: str | None = None) -> Outcome:
    """A short direct message to one person, now. `key` makes it once-only (else it is unique)."""
    now = delivery.clock()
    row_id = record_notice(delivery.sessions, team_id=team_id, user_id=user_id, text=text, now=now, key=key)
    return deliver_now(delivery=delivery, row_id=row_id)


def answer(
    *,
    delivery: Delivery,
    team_id: str,
    user_id: str,
    channel: str,
    event_id: str,
    message: dict[str, Any],
) -> Outcome:
    """The answer to a direct message, in the same DM; Slack's retries of the event are answered once."""
    outgoing = outbox.Outgoing(
        team_id=team_id,
        recipient=user_id,
        kind="answer",
        idempotency_key=f"{team_id}:answer:{event_id}",
        channel=channel,
        payload={"message": message},
        deadline=ANSWER_DEADLINE,
    )
    row_id = outbox.record_now(delivery.sessions, outgoing, now=delivery.clock())
    return deliver_now(delivery=delivery, row_id=row_id)


def deliver_now(
    *,
    delivery: Delivery,
    row_id: int,
    coach_waiting: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome:
    """Send one row from this process right away, retrying briefly by the outbox's rules; "taken" when
    a worker has it, "retry" when it is left to the workers."""
    client = delivery_client(delivery)
    started, at_start = time.monotonic(), delivery.clock()

    def clock() -> datetime:  # the delivery's clock, moving on while we wait (a frozen clock too)
        return at_start + timedelta(seconds=time.monotonic() - started)

    worker = worker_name()
    outcome = TAKEN
    for attempt in range(NOW_ATTEMPTS):
        claimed = outbox.claim(delivery.sessions, worker=worker, now=clock(), limit=1, row_ids=(row_id,))
        if not claimed:
            return outcome if attempt else TAKEN
        outcome = deliver(
            claimed[0], delivery=delivery, client=client, now=clock(), tell_coach=not coach_waiting
        )
        if outcome.status != "retry" or outcome.retry_at is None:
            return outcome
        wait = (outcome.retry_at - clock()).total_seconds()
        if attempt + 1 == NOW_ATTEMPTS or wait > NOW_LONGEST_WAIT.total_seconds():
            break
        sleep(max(0.0, wait))
    log.info("outbox row %s left to the workers: %s", row_id, outcome.detail)
    return outcome
