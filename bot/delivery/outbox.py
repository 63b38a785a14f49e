"""Claiming outbox rows with a lease, and recording what happened to them.

Any number of workers may run. A claim is a compare-and-set UPDATE … RETURNING, so two workers can
never both own a row; on Postgres the candidate SELECT also uses FOR UPDATE SKIP LOCKED so workers
do not queue behind each other. A lease that expires without a recorded result marks the row
`suspect`: the next owner first looks in the DM for the message before sending it again.

Messages that should go out now (a coach's broadcast, a notice to one person, the answer to a DM) are
recorded with `record_now`: a row due at once, which the caller's own process usually takes right away
(bot/delivery/outbound.py) and any worker takes otherwise.

Retries are bounded by time, not by count: a row is retried until its catch-up deadline (`deadline_at`),
so an outage costs time, not messages. Only a row whose workers keep dying on it is failed by count.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import iso_week
from bot.delivery.rules import CATCH_UP
from bot.store.db import upsert_insert
from bot.store.delivery_models import OutboxMessage
from bot.store.managers import get_or_create_manager

LEASE = timedelta(minutes=2)
# Claims that ended with the worker gone (killed, out of memory) before any result: a row that does
# this again and again is probably what kills them.
MAX_EXPIRED_LEASES = 8
NOW_PERIOD = "now"  # the period of rows recorded by record_now: not part of any schedule


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message that should go out now, as plain data; bot/render/outbound.py turns it into Block Kit."""

    team_id: str
    recipient: str  # the Slack user it is for (for a broadcast: the coach who asked for it)
    kind: str  # broadcast | notice | answer
    idempotency_key: str  # unique in the outbox; Slack finds the message by it (message metadata)
    channel: str  # where it is posted: a channel, a DM, or a user id (Slack opens the DM)
    payload: dict[str, Any]
    deadline: timedelta | None = CATCH_UP  # past it the message is not sent late


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    team_id: str
    manager_id: int
    kind: str
    period: str
    idempotency_key: str
    attempts: int
    expired_leases: int
    claim_seq: int
    suspect: bool  # a previous claim expired: the message may already be in Slack
    slack_channel: str | None
    payload: dict[str, Any]
    created_at: datetime
    deadline_at: datetime | None  # past it the message is not sent late (None: no limit)
    first_attempt_at: datetime  # nothing of this row can be in Slack from before it


def record_now(sessions: sessionmaker[Session], outgoing: Outgoing, *, now: datetime) -> int:
    """Put a message due now into the outbox; returns its row id. Recording the same idempotency key
    again (Slack retrying an event) returns the row recorded first: it is sent once."""
    with sessions() as session:
        manager = get_or_create_manager(session, outgoing.team_id, outgoing.recipient)
        statement = upsert_insert(session, OutboxMessage).values(
            team_id=outgoing.team_id,
            manager_id=manager.id,
            kind=outgoing.kind,
            period=NOW_PERIOD,
            week=iso_week(now.date()),
            idempotency_key=outgoing.idempotency_key,
            scheduled_at=now,
            next_attempt_at=now,
            deadline_at=now + outgoing.deadline if outgoing.deadline is not None else None,
            status="pending",
            attempts=0,
            slack_channel=outgoing.channel,
            payload=outgoing.payload,
            created_at=now,
        )
        statement = statement.on_conflict_do_nothing(index_elements=["idempotency_key"])
        row_id = session.execute(statement.returning(OutboxMessage.id)).scalar_one_or_none()
        if row_id is None:
            key = outgoing.idempotency_key
            row_id = session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key)
            ).one()
        session.commit()
        return int(row_id)


def cancel(sessions: sessionmaker[Session], row_id: int, *, reason: str) -> bool:
    """Skip a row nobody holds (the person who asked for it was told it did not go out); False when a
    worker holds it or it is done."""
    with sessions() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
            .values(status="skipped", last_error=reason)
        )
        session.commit()
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def claim(
    sessions: sessionmaker[Session],
    *,
    worker: str,
    now: datetime,
    limit: int = 50,
    lease: timedelta = LEASE,
    team_ids: Collection[str] | None = None,
    row_ids: Collection[int] | None = None,
) -> list[Claimed]:
    """Take up to `limit` rows that are due (or whose lease expired) for this worker; only rows of
    `team_ids`, or only the rows `row_ids`, when given."""
    ready = or_(
        (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "claimed") & (OutboxMessage.lease_until < now),
    )
    if team_ids is not None:
        ready = ready & OutboxMessage.team_id.in_(team_ids)
    if row_ids is not None:
        ready = ready & OutboxMessage.id.in_(row_ids)
    with sessions() as session:
        columns = (
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.expired_leases,
            OutboxMessage.claim_seq,
            OutboxMessage.last_error,
        )
        candidates = select(*columns).where(ready)
        candidates = candidates.order_by(OutboxMessage.next_attempt_at).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        claimed: list[Claimed] = []
        for row_id, status, attempts, expired_before, seq, last_error in session.execute(candidates).all():
            expired = expired_before + (status == "claimed")
            if expired >= MAX_EXPIRED_LEASES:
                # Its worker keeps dying on it (leases expire unfinished): stop, and say so.
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id, OutboxMessage.claim_seq == seq)
                    .values(
                        status="failed",
                        lease_until=None,
                        claimed_by=None,
                        expired_leases=expired,
                        last_error=f"gave up after {expired} attempts whose leases expired",
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
                    expired_leases=expired,
                    claim_seq=seq + 1,
                    first_attempt_at=func.coalesce(OutboxMessage.first_attempt_at, now),
                )
                .returning(OutboxMessage)
            ).scalar_one_or_none()
            if won is not None:
                # An expired lease or an uncertain failure: Slack may already have the message.
                suspect = status == "claimed" or (last_error or "").startswith("uncertain")
                claimed.append(_snapshot(won, suspect=suspect, now=now))
        session.commit()
        return claimed


def mark_sent(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    *,
    channel: str,
    ts: str,
    now: datetime,
    forget: Collection[str] = (),
) -> None:
    """`forget`: payload keys not kept once the message is in Slack, dropped in the same write as the
    status (nobody can see a sent row that still holds them)."""
    kept = {"payload": {k: v for k, v in claimed.payload.items() if k not in forget}} if forget else {}
    _finish(
        sessions,
        claimed,
        status="sent",
        slack_channel=channel,
        slack_ts=ts,
        sent_at=now,
        last_error=None,
        **kept,
    )


def mark_failed(sessions: sessionmaker[Session], claimed: Claimed, *, error: str) -> None:
    _finish(sessions, claimed, status="failed", last_error=error)


def mark_skipped(sessions: sessionmaker[Session], claimed: Claimed, *, reason: str) -> None:
    _finish(sessions, claimed, status="skipped", last_error=reason)


def release(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    *,
    now: datetime,
    retry_at: datetime,
    error: str,
) -> bool:
    """Give the row back for a later attempt (Slack or the CRM unavailable), at the latest at its
    deadline; False (and the row failed) when the deadline has passed: retrying longer is too late."""
    deadline = claimed.deadline_at
    if deadline is not None and now >= deadline:
        mark_failed(sessions, claimed, error=f"gave up at its catch-up deadline: {error}")
        return False
    if deadline is not None:
        retry_at = min(retry_at, deadline)
    _finish(sessions, claimed, status="pending", next_attempt_at=retry_at, last_error=error)
    return True


def postpone(sessions: sessionmaker[Session], claimed: Claimed, *, retry_at: datetime, error: str) -> None:
    """Give the row back without counting an attempt: after a 429 (a rate limit says nothing about the
    message) or when the rules say "not now". Results are fenced by claim_seq, which never goes back, so
    lowering `attempts` cannot let a stale worker's result count. A suspect row stays suspect."""
    if claimed.suspect and not error.startswith("uncertain"):
        error = f"uncertain: {error}"
    _finish(
        sessions,
        claimed,
        status="pending",
        next_attempt_at=retry_at,
        last_error=error,
        attempts=claimed.attempts - 1,
    )


def requeue(sessions: sessionmaker[Session], *, status: str, since: datetime | None, now: datetime) -> int:
    """Plan `status` rows (due since `since`) again from now, with a fresh day of catch-up. They are
    marked uncertain: one may have reached Slack before it failed, so the DM is checked first."""
    values = {
        "status": "pending",
        "next_attempt_at": now,
        "attempts": 0,
        "expired_leases": 0,
        "last_error": "uncertain: requeued",
        "lease_until": None,
        "claimed_by": None,
    }
    requeued = 0
    with sessions() as session:
        query = update(OutboxMessage).where(OutboxMessage.status == status)
        if since is not None:
            query = query.where(OutboxMessage.scheduled_at >= since)
        # A welcome has no deadline and keeps none; every other row gets a day from now.
        for has_deadline, deadline in ((True, now + CATCH_UP), (False, None)):
            column = OutboxMessage.deadline_at
            limited = query.where(column.is_not(None) if has_deadline else column.is_(None))
            result = session.execute(limited.values(deadline_at=deadline, **values))
            requeued += int(result.rowcount)  # type: ignore[attr-defined]
        session.commit()
    return requeued


def remember(sessions: sessionmaker[Session], claimed: Claimed, **values: Any) -> None:
    """Keep progress in the row's payload across attempts (where a paginated DM check stopped)."""
    payload = {key: value for key, value in {**claimed.payload, **values}.items() if value is not None}
    with sessions() as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.claim_seq == claimed.claim_seq)
            .values(payload=payload)
        )
        session.commit()


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


def _snapshot(row: OutboxMessage, *, suspect: bool, now: datetime) -> Claimed:
    return Claimed(
        id=row.id,
        team_id=row.team_id,
        manager_id=row.manager_id,
        kind=row.kind,
        period=row.period,
        idempotency_key=row.idempotency_key,
        attempts=row.attempts,
        expired_leases=row.expired_leases,
        claim_seq=row.claim_seq,
        suspect=suspect,
        slack_channel=row.slack_channel,
        payload=dict(row.payload or {}),
        created_at=row.created_at,
        deadline_at=row.deadline_at,
        first_attempt_at=row.first_attempt_at or now,
    )
