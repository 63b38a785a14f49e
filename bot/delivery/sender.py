"""Sending one claimed outbox row to a manager's DM, exactly once.

- 429: the row waits for Retry-After; other recipients are not held up.
- 5xx / timeouts: retried with backoff; the outcome is uncertain, so the next attempt first looks in the
  DM for the message (its idempotency key travels in Slack message metadata).
- user_not_found, account_inactive, channel_not_found …: permanent, the row fails and is reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.broadcasts import mark_posted
from bot.container import Container
from bot.delivery import outbox
from bot.delivery.messages import MessageComposer, RetryLater, SkipMessage
from bot.slack import ids

log = logging.getLogger(__name__)
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
    }
)
# Slack allows 15 messages per conversations.history call for newer non-Marketplace apps.
HISTORY_LOOKBACK = 15


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # sent | recovered | skipped | failed | retry | superseded
    detail: str = ""


def deliver(claimed: outbox.Claimed, *, container: Container, client: WebClient, now: datetime) -> Outcome:
    try:
        return _send(claimed, container=container, client=client, now=now)
    except Exception as exc:  # every failure ends in a recorded outcome, never in a dead worker
        return _failure(claimed, exc, container=container, now=now)


def _send(claimed: outbox.Claimed, *, container: Container, client: WebClient, now: datetime) -> Outcome:
    sessions = container.sessions
    composer = MessageComposer(container=container, now=now)
    channel = claimed.slack_channel or composer.dm_channel(claimed, client)
    if claimed.suspect and (ts := _already_posted(client, channel, claimed)) is not None:
        outbox.mark_sent(sessions, claimed, channel=channel, ts=ts, now=now)
        _after_post(container, claimed.payload.get("broadcast_id"), ts)
        return Outcome("recovered", ts)
    message = composer.compose(claimed)
    if not outbox.renew(sessions, claimed, now=now):
        # Composing outlasted the lease (a slow CRM) and another worker owns the row now: it delivers.
        return Outcome("superseded", "the lease ran out and another worker took the message over")
    metadata = {
        "event_type": ids.DELIVERY_EVENT_TYPE,
        "event_payload": {"idempotency_key": claimed.idempotency_key, "kind": claimed.kind},
    }
    response = client.chat_postMessage(channel=channel, metadata=metadata, **message)
    outbox.mark_sent(sessions, claimed, channel=str(response["channel"]), ts=str(response["ts"]), now=now)
    _after_post(container, composer.broadcast_id, str(response["ts"]))
    return Outcome("sent", str(response["ts"]))


def _after_post(container: Container, broadcast_id: object, ts: str) -> None:
    """A posted broadcast remembers its ts: thread replies to it are submissions."""
    if broadcast_id is not None:
        mark_posted(container.sessions, int(str(broadcast_id)), ts=ts)


def _failure(claimed: outbox.Claimed, exc: Exception, *, container: Container, now: datetime) -> Outcome:
    sessions = container.sessions
    if isinstance(exc, SkipMessage):
        outbox.mark_skipped(sessions, claimed, reason=str(exc))
        return Outcome("skipped", str(exc))
    if isinstance(exc, SlackApiError):
        return _slack_failure(claimed, exc, container=container, now=now)
    if isinstance(exc, RetryLater):  # nothing was posted: not uncertain
        error = f"waiting: {exc}"
    elif isinstance(exc, TimeoutError | OSError):
        error = f"uncertain: {exc}"
    else:
        # A bug or a database hiccup: retry later, as uncertain since it may have struck after the post.
        log.exception("delivering %s failed unexpectedly", claimed.idempotency_key, exc_info=exc)
        error = f"uncertain: {type(exc).__name__}"
    outbox.release(sessions, claimed, retry_at=now + _backoff(claimed), error=error)
    return Outcome("retry", error)


def _slack_failure(
    claimed: outbox.Claimed, exc: SlackApiError, *, container: Container, now: datetime
) -> Outcome:
    status = exc.response.status_code
    error = (
        str(exc.response.get("error", "unknown_error"))
        if isinstance(exc.response.data, dict)
        else "http_error"
    )
    if status == 429:
        wait = int(exc.response.headers.get("Retry-After", exc.response.headers.get("retry-after", 1)) or 1)
        # Turned away before it did anything; but a message already suspect (an earlier 5xx, an expired
        # lease) stays suspect, or the next attempt would post without looking in the DM first.
        error = "uncertain: ratelimited" if claimed.suspect else "ratelimited"
        outbox.postpone(container.sessions, claimed, retry_at=now + timedelta(seconds=wait), error=error)
        return Outcome("retry", f"rate limited for {wait} s")
    if error in PERMANENT_ERRORS:
        log.error(
            "delivery %s to manager %s failed for good: %s",
            claimed.idempotency_key,
            claimed.manager_id,
            error,
        )
        if claimed.kind == "broadcast":
            _tell_coach(container, claimed, error)
        outbox.mark_failed(container.sessions, claimed, error=error)
        return Outcome("failed", error)
    # 5xx and unknown errors: Slack may or may not have posted it.
    outbox.release(container.sessions, claimed, retry_at=now + _backoff(claimed), error=f"uncertain: {error}")
    return Outcome("retry", error)


def _already_posted(client: WebClient, channel: str, claimed: outbox.Claimed) -> str | None:
    """The ts of a message in the DM that carries this row's idempotency key, if Slack has one."""
    oldest = f"{claimed.created_at.timestamp() - 60:.6f}"
    response = client.conversations_history(
        channel=channel, oldest=oldest, limit=HISTORY_LOOKBACK, include_all_metadata=True
    )
    for message in response.get("messages") or []:
        payload: dict[str, Any] = (message.get("metadata") or {}).get("event_payload") or {}
        if payload.get("idempotency_key") == claimed.idempotency_key:
            return str(message["ts"])
    return None


def _backoff(claimed: outbox.Claimed) -> timedelta:
    return timedelta(seconds=min(3600, 15 * 2 ** max(0, claimed.attempts - 1)))


def _tell_coach(container: Container, claimed: outbox.Claimed, error: str) -> None:
    """A scheduled broadcast that cannot be posted: the coach learns why and what to do."""
    from bot.coaching.broadcasts import FIXABLE
    from bot.coaching.identity import stored_language
    from bot.i18n import t
    from bot.slack.responder import notify_user
    from bot.store.models import Manager

    with container.sessions() as session:
        coach = session.get(Manager, claimed.manager_id)
        coach_id = coach.slack_user_id if coach else None
    if coach_id is None:
        return
    language = stored_language(container.sessions, team_id=claimed.team_id, slack_user_id=coach_id) or "en"
    text = t(language, FIXABLE.get(error, "broadcast.failed"), channel=f"<#{claimed.slack_channel}>")
    notify_user(container.slack, coach_id, text)
