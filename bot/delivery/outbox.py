"""Claiming outbox rows with a lease, and recording what happened to them.

Any number of workers may run. A claim is a compare-and-set UPDATE … RETURNING, so two workers can
never both own a row; on Postgres the candidate SELECT also uses FOR UPDATE SKIP LOCKED so workers
do not queue behind each other. A lease that expires without a recorded result marks the row
`suspect`: the next owner first looks in the DM for the message before sending it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.store.delivery_models import OutboxMessage

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    team_id: str
    manager_id: int
    kind: str
    period: str
    idempotency_key: str
    attempts: int
    claim_seq: int
    suspect: bool  # a previous claim expired: the message may already be in Slack
    slack_channel: str | None
    payload: dict[str, Any]
    created_at: datetime


def claim(
    sessions: sessionmaker[Session], *, worker: str, now: datetime, limit: int = 50, lease: timedelta = LEASE
) -> list[Claimed]:
    """Take up to `limit` rows that are due (or whose lease expired) for this worker."""
    ready = or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "claimed") & (OutboxMessage.lease_until < now),
    )
    with sessions() as session:
        columns = (
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.claim_seq,
            OutboxMessage.last_error,
        )
        candidates = select(*columns).where(ready)
        candidates = candidates.order_by(OutboxMessage.next_attempt_at).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        claimed: list[Claimed] = []
        for row_id, status, attempts, seq, last_error in session.execute(candidates).all():
            if status == "claimed" and attempts >= MAX_ATTEMPTS:
                # Its worker keeps dying on it (leases expire unfinished): stop, and say so.
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id, OutboxMessage.claim_seq == seq)
                    .values(
                        status="failed",
                        lease_until=None,
                        claimed_by=None,
                        last_error=f"gave up after {attempts} attempts whose leases expired",
                    )
                )
                continue
            won = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.claim_seq == seq, ready)
                .values(
                    status="claimed",
                    claimed_by=worker,
                    lease_until=now + lease,
                    attempts=attempts + 1,
                    claim_seq=seq + 1,
                )
                .returning(OutboxMessage)
            ).scalar_one_or_none()
            if won is not None:
                # An expired lease or an uncertain failure: Slack may already have the message.
                suspect = status == "claimed" or (last_error or "").startswith("uncertain")
                claimed.append(_snapshot(won, suspect=suspect))
        session.commit()
        return claimed


def mark_sent(
    sessions: sessionmaker[Session], claimed: Claimed, *, channel: str, ts: str, now: datetime
) -> None:
    _finish(
        sessions, claimed, status="sent", slack_channel=channel, slack_ts=ts, sent_at=now, last_error=None
    )


def mark_failed(sessions: sessionmaker[Session], claimed: Claimed, *, error: str) -> None:
    _finish(sessions, claimed, status="failed", last_error=error)


def mark_skipped(sessions: sessionmaker[Session], claimed: Claimed, *, reason: str) -> None:
    _finish(sessions, claimed, status="skipped", last_error=reason)


def release(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    *,
    retry_at: datetime,
    error: str,
    channel: str | None = None,
) -> None:
    """Give the row back for a later attempt (rate limited, Slack hiccup); fail it after MAX_ATTEMPTS."""
    if claimed.attempts >= MAX_ATTEMPTS:
        mark_failed(sessions, claimed, error=f"gave up after {claimed.attempts} attempts: {error}")
        return
    _finish(
        sessions, claimed, status="pending", next_attempt_at=retry_at, last_error=error, slack_channel=channel
    )


def postpone(sessions: sessionmaker[Session], claimed: Claimed, *, retry_at: datetime, error: str) -> None:
    """Give the row back after a 429 without using up one of its MAX_ATTEMPTS: a rate limit says nothing
    about the message, and a long storm of them must not fail it. Results are fenced by claim_seq, which
    never goes back, so lowering `attempts` cannot let a stale worker's result count."""
    _finish(
        sessions,
        claimed,
        status="pending",
        next_attempt_at=retry_at,
        last_error=error,
        attempts=claimed.attempts - 1,
    )


def renew(
    sessions: sessionmaker[Session], claimed: Claimed, *, now: datetime, lease: timedelta = LEASE
) -> bool:
    """Extend the lease right before posting; False when it ran out and another worker took the row over
    (then that worker delivers it, and posting too would send it twice)."""
    with sessions() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == claimed.id,
                OutboxMessage.claim_seq == claimed.claim_seq,
                OutboxMessage.status == "claimed",
            )
            .values(lease_until=now + lease)
        )
        session.commit()
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def _finish(sessions: sessionmaker[Session], claimed: Claimed, **values: Any) -> None:
    with sessions() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.claim_seq == claimed.claim_seq)
            .values(lease_until=None, claimed_by=None, **values)
        )
        session.commit()


def _snapshot(row: OutboxMessage, *, suspect: bool) -> Claimed:
    return Claimed(
        id=row.id,
        team_id=row.team_id,
        manager_id=row.manager_id,
        kind=row.kind,
        period=row.period,
        idempotency_key=row.idempotency_key,
        attempts=row.attempts,
        claim_seq=row.claim_seq,
        suspect=suspect,
        slack_channel=row.slack_channel,
        payload=dict(row.payload or {}),
        created_at=row.created_at,
    )
