"""A notice: a short direct message to one person (a coach told about a stall or a failed broadcast, a
help request, the composer's outcome), recorded as an outbox row due now under `workspace:notice:…`.

Below the sender and everything it uses, so the sender and the composer record notices the same way
the services do (bot/delivery/outbound.notify) without importing the road that sends them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.delivery import outbox


def record_notice(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    user_id: str,
    text: str,
    now: datetime,
    key: str | None = None,
) -> int:
    """Record a direct message to one person, due now (a worker sends it if the caller does not).
    `key` makes it once-only (else it is unique); returns the row's id."""
    outgoing = outbox.Outgoing(
        team_id=team_id,
        recipient=user_id,
        kind="notice",
        idempotency_key=f"{team_id}:notice:{user_id}:{key or uuid.uuid4().hex}",
        channel=user_id,  # Slack opens the DM
        payload={"text": text},
    )
    return outbox.record_now(sessions, outgoing, now=now)
