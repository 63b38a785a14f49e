"""Sending one claimed outbox row to Slack, exactly once, and for coaching messages only when the rules
allow. This is the one place the bot calls chat.postMessage: a manager's coaching, a coach's broadcast,
a notice to one person, the answer to a DM.

- The rules (bot/delivery/rules.py) are checked again at the moment of posting: a row that may not go
  out now waits for the next allowed moment inside its catch-up deadline, or is skipped with the reason.
- 429: the row waits for Retry-After; other recipients are not held up.
- Unavailability (5xx, timeouts, connection errors, the CRM down): retried with capped backoff until the
  row's deadline. A 5xx or timeout leaves the outcome uncertain, so the next attempt first reads the DM
  back to the row's first attempt for the message (its idempotency key travels in message metadata).
- Slack cannot reach the person (user_not_found, deactivated, archived DM): the row fails and the manager
  is marked unreachable, so nothing new is planned for them. Other errors retrying cannot fix
  (invalid_blocks, …) fail the row at once. Every give-up is logged in one line with its reason.
  What each Slack error means is one table: bot/delivery/slack_errors.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.broadcasts import mark_failed, mark_posted
from bot.coaching.identity import stored_language
from bot.coaching.manager_calendar import manager_zone
from bot.delivery import outbox
from bot.delivery.availability import CRM, DATABASE, is_database_outage
from bot.delivery.messages import MessageComposer, RetryLater, SkipMessage
from bot.delivery.notices import record_notice
from bot.delivery.rules import MANAGER_KINDS, MISSED_REASON, Verdict, verdict
from bot.delivery.services import Delivery
from bot.delivery.slack_errors import Meaning, coach_message_key, slack_error
from bot.i18n import t
from bot.render import ids
from bot.store.delivery_models import Subscription
from bot.store.managers import mark_unreachable
from bot.store.models import Manager

log = logging.getLogger(__name__)
EVENT_TYPES = {"answer": ids.ANSWER_EVENT_TYPE, "broadcast": ids.BROADCAST_EVENT_TYPE}
HISTORY_PAGE = 200  # Slack's advice for conversations.history; apps with lower limits get fewer per page
HISTORY_CURSOR = "history_cursor"  # payload key: where an interrupted DM check goes on
BACKOFF_FIRST = timedelta(seconds=15)
BACKOFF_FIRST_NOW = timedelta(seconds=1)  # someone is waiting for a message recorded "now"
BACKOFF_CAP = timedelta(minutes=10)  # after an outage the message goes out within minutes of recovery
WAITING_FOR_RULES = "waiting: outside the delivery window, quiet hours or working days (manager's time)"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # sent | recovered | skipped | failed | retry | waiting | superseded
    detail: str = ""
    error: str = ""  # Slack's error code, when Slack refused the message
    retry_at: datetime | None = None  # for "retry": when the row may be tried again


def deliver(
    claimed: outbox.Claimed,
    *,
    delivery: Delivery,
    client: WebClient,
    now: datetime,
    tell_coach: bool = True,
) -> Outcome:
    """Post one claimed row and record what happened. `tell_coach=False`: a coach waiting for this
    broadcast hears the outcome from the caller, not in a DM of its own."""
    try:
        return _send(claimed, delivery=delivery, client=client, now=now)
    except Exception as exc:  # every failure ends in a recorded outcome, never in a dead worker
        if is_database_outage(exc):
            # The lease runs out and the row is taken up again (as uncertain) once the database is back.
            DATABASE.down(exc)
            return Outcome("retry", "database unavailable")
        return _failure(claimed, exc, delivery=delivery, now=now, tell_coach=tell_coach)


def _send(claimed: outbox.Claimed, *, delivery: Delivery, client: WebClient, now: datetime) -> Outcome:
    sessions = delivery.sessions
    decision = _decide(delivery, claimed, now)
    composer = MessageComposer(delivery=delivery, now=now)
    channel = claimed.slack_channel
    if claimed.suspect:
        channel = _conversation(client, channel) if channel else composer.dm_channel(claimed, client)
        if (ts := _already_posted(client, channel, claimed, delivery=delivery)) is not None:
            _posted(
                delivery,
                claimed,
                channel=channel,
                ts=ts,
                now=now,
                broadcast_id=claimed.payload.get("broadcast_id"),
            )
            return Outcome("recovered", ts)
    if decision.send_at is None:
        # Missing a message is news; not sending to someone who paused or left is not.
        level = logging.WARNING if decision.reason.startswith("missed") else logging.INFO
        log.log(level, "%s not sent: %s", claimed.idempotency_key, decision.reason)
        outbox.mark_skipped(sessions, claimed, reason=decision.reason)
        return Outcome("skipped", decision.reason)
    if decision.send_at > now:
        outbox.postpone(sessions, claimed, retry_at=decision.send_at, error=WAITING_FOR_RULES)
        return Outcome("waiting", f"until {decision.send_at.isoformat()}")
    channel = channel or composer.dm_channel(claimed, client)
    message = composer.compose(claimed)
    if claimed.kind in ("nudge", "lesson"):
        CRM.up()  # composing read the CRM
    if not outbox.renew(sessions, claimed, now=now):
        # Composing outlasted the lease (a slow CRM) and another worker owns the row now: it delivers.
        return Outcome("superseded", "the lease ran out and another worker took the message over")
    metadata = {
        "event_type": EVENT_TYPES.get(claimed.kind, ids.DELIVERY_EVENT_TYPE),
        # Next to the key: what the curriculum sent (lesson id, focus metric), for support and analytics.
        "event_payload": {
            "idempotency_key": claimed.idempotency_key,
            "kind": claimed.kind,
            **composer.curriculum,
            **({"broadcast_id": composer.broadcast_id} if composer.broadcast_id is not None else {}),
        },
    }
    response = client.chat_postMessage(channel=channel, metadata=metadata, **message)
    ts = str(response["ts"])
    _posted(
        delivery,
        claimed,
        channel=str(response["channel"]),
        ts=ts,
        now=now,
        broadcast_id=composer.broadcast_id,
    )
    if claimed.kind == "nudge" and delivery.after_nudge is not None:
        _after_nudge(delivery.after_nudge, claimed)
    return Outcome("sent", ts)


def _after_nudge(refresh: Callable[[str, int], None], claimed: outbox.Claimed) -> None:
    # The nudge is posted and recorded: a failing Home refresh is logged, it must not fail the send.
    try:
        refresh(claimed.team_id, claimed.manager_id)
    except Exception:
        log.exception("Home refresh after the nudge to manager %s failed", claimed.manager_id)


def _decide(delivery: Delivery, claimed: outbox.Claimed, now: datetime) -> Verdict:
    """The rules, as of now: the manager's current timezone, settings, pause and subscription."""
    if claimed.kind not in MANAGER_KINDS:  # a coach's broadcast keeps the coach's schedule
        late = claimed.deadline_at is not None and now > claimed.deadline_at
        return Verdict(None, MISSED_REASON) if late else Verdict(now)
    with delivery.sessions() as session:
        manager = session.get(Manager, claimed.manager_id)
        subscription = session.get(Subscription, claimed.manager_id)
        tz = manager_zone(manager.tz if manager else None, delivery.settings)
        return verdict(
            subscription=subscription if manager is not None else None,
            tz=tz,
            settings=delivery.settings,
            kind=claimed.kind,
            now=now,
            deadline=claimed.deadline_at,
        )


def _conversation(client: WebClient, channel: str) -> str:
    """The conversation id behind `channel`: a user id (a notice) stands for the DM with them."""
    if channel.startswith(("U", "W")):
        return str(client.conversations_open(users=channel)["channel"]["id"])
    return channel


def _posted(
    delivery: Delivery,
    claimed: outbox.Claimed,
    *,
    channel: str,
    ts: str,
    now: datetime,
    broadcast_id: object,
) -> None:
    # What was said to one person is in Slack now: the outbox keeps no copy.
    forget = ("text", "message") if claimed.kind in ("notice", "answer") else ()
    outbox.mark_sent(delivery.sessions, claimed, channel=channel, ts=ts, now=now, forget=forget)
    if broadcast_id is not None:  # a posted broadcast remembers its ts: thread replies are submissions
        mark_posted(delivery.sessions, int(str(broadcast_id)), ts=ts)


def _failure(
    claimed: outbox.Claimed, exc: Exception, *, delivery: Delivery, now: datetime, tell_coach: bool
) -> Outcome:
    sessions = delivery.sessions
    if isinstance(exc, SkipMessage):
        log.warning("%s not sent: %s", claimed.idempotency_key, exc)
        outbox.mark_skipped(sessions, claimed, reason=str(exc))
        return Outcome("skipped", str(exc))
    if isinstance(exc, SlackApiError):
        return _slack_failure(claimed, exc, delivery=delivery, now=now, tell_coach=tell_coach)
    if isinstance(exc, RetryLater):  # nothing was posted: not uncertain
        CRM.down(exc)
        error = f"waiting: {exc}"
    elif isinstance(exc, TimeoutError | OSError):
        error = f"uncertain: {exc}"
    else:
        # A bug: retry later, as uncertain since it may have struck after the post.
        log.exception("delivering %s failed unexpectedly", claimed.idempotency_key, exc_info=exc)
        error = f"uncertain: {type(exc).__name__}"
    return _retry(claimed, delivery=delivery, now=now, error=error)


def _retry(claimed: outbox.Claimed, *, delivery: Delivery, now: datetime, error: str) -> Outcome:
    retry_at = now + _backoff(claimed)
    if claimed.deadline_at is not None:
        retry_at = min(retry_at, claimed.deadline_at)
    if outbox.release(delivery.sessions, claimed, now=now, retry_at=retry_at, error=error):
        return Outcome("retry", error, error.removeprefix("uncertain: "), retry_at)
    log.warning(
        "%s not sent: gave up at its catch-up deadline after %s attempt(s): %s",
        claimed.idempotency_key,
        claimed.attempts,
        error,
    )
    return Outcome("failed", error)


def _slack_failure(
    claimed: outbox.Claimed, exc: SlackApiError, *, delivery: Delivery, now: datetime, tell_coach: bool
) -> Outcome:
    status = exc.response.status_code
    error = (
        str(exc.response.get("error", "unknown_error"))
        if isinstance(exc.response.data, dict)
        else "http_error"
    )
    meaning = slack_error(error, status=status).meaning
    if meaning is Meaning.RATE_LIMITED:
        wait = int(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)) or 1)
        retry_at = now + timedelta(seconds=wait)
        # Turned away before it did anything; postpone() keeps a suspect message suspect, or the next
        # attempt would post without looking in the DM first.
        outbox.postpone(delivery.sessions, claimed, retry_at=retry_at, error="ratelimited")
        return Outcome("retry", f"rate limited for {wait} s", "ratelimited", retry_at)
    if meaning.final:
        return _give_up(claimed, error, meaning, delivery=delivery, now=now, tell_coach=tell_coach)
    # 5xx and unknown errors: Slack may or may not have posted it.
    return _retry(claimed, delivery=delivery, now=now, error=f"uncertain: {error}")


def _give_up(
    claimed: outbox.Claimed,
    error: str,
    meaning: Meaning,
    *,
    delivery: Delivery,
    now: datetime,
    tell_coach: bool,
) -> Outcome:
    if claimed.kind == "broadcast":
        log.warning("broadcast %s not posted: %s", claimed.idempotency_key, error)
        if (broadcast_id := claimed.payload.get("broadcast_id")) is not None:
            mark_failed(delivery.sessions, int(broadcast_id), error=error)
        if tell_coach:
            _tell_coach(delivery, claimed, error, now=now)
    elif meaning is Meaning.UNREACHABLE:
        with delivery.sessions() as session:
            news = mark_unreachable(session, claimed.manager_id, reason=error, now=now)
            session.commit()
        log.warning(
            "%s not sent: Slack cannot reach manager %s (%s)%s",
            claimed.idempotency_key,
            claimed.manager_id,
            error,
            "; nothing more is planned for them until Slack finds them again" if news else "",
        )
    else:
        log.error("%s not sent: Slack rejected it (%s)", claimed.idempotency_key, error)
    outbox.mark_failed(delivery.sessions, claimed, error=error)
    return Outcome("failed", error, error)


def _already_posted(
    client: WebClient, channel: str, claimed: outbox.Claimed, *, delivery: Delivery
) -> str | None:
    """The ts of a message in the DM that carries this row's idempotency key, if Slack has one. Reads
    the whole history back to the row's first attempt, page by page (the bot answers questions in the
    same DM, so any fixed number of newest messages can miss it). Where a rate limit cut the reading
    short is kept in the row, so the next attempt goes on from there instead of starting over."""
    oldest = f"{claimed.first_attempt_at.timestamp() - 60:.6f}"  # a minute for clocks that disagree
    cursor: str | None = claimed.payload.get(HISTORY_CURSOR)
    while True:
        try:
            response = client.conversations_history(
                channel=channel, oldest=oldest, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
            )
        except SlackApiError:
            if cursor != claimed.payload.get(HISTORY_CURSOR):
                outbox.remember(delivery.sessions, claimed, **{HISTORY_CURSOR: cursor})
            raise
        for message in response.get("messages") or []:
            payload: dict[str, Any] = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("idempotency_key") == claimed.idempotency_key:
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not response.get("has_more") or not cursor:
            if HISTORY_CURSOR in claimed.payload:  # read to the end: a later check starts afresh
                outbox.remember(delivery.sessions, claimed, **{HISTORY_CURSOR: None})
            return None


def _backoff(claimed: outbox.Claimed) -> timedelta:
    doublings: int = min(max(0, claimed.attempts - 1), 16)
    first = BACKOFF_FIRST_NOW if claimed.period == outbox.NOW_PERIOD else BACKOFF_FIRST
    return min(BACKOFF_CAP, first * (1 << doublings))


def _tell_coach(delivery: Delivery, claimed: outbox.Claimed, error: str, *, now: datetime) -> None:
    """A broadcast that cannot be posted: the coach learns why and what to do, in a notice of its own
    (recorded due now: the worker sending this row sends it next)."""
    with delivery.sessions() as session:
        coach = session.get(Manager, claimed.manager_id)
        coach_id = coach.slack_user_id if coach else None
    if coach_id is None:
        return
    language = stored_language(delivery.sessions, team_id=claimed.team_id, slack_user_id=coach_id) or "en"
    text = t(language, coach_message_key(error), channel=f"<#{claimed.slack_channel}>")
    record_notice(
        delivery.sessions,
        team_id=claimed.team_id,
        user_id=coach_id,
        text=text,
        now=now,
        key=f"{claimed.idempotency_key}:told",
    )
