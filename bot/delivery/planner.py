"""The planner: which coaching messages fell due, written into the outbox exactly once.

Stateless and idempotent: every tick inserts what fell due in the last CATCH_UP (24 h), keyed by
workspace:manager:kind:period, so a missed tick, a restart or a second run never plans anything twice,
and an outage longer than a day does not flood managers with stale messages (what it missed is recorded
as skipped). When a message may go out is decided by bot/delivery/rules.py, as in the sender.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.broadcast_schedule import planned_broadcasts
from bot.coaching.calendar import Due, Slot, due_between, first_allowed, iso_week
from bot.coaching.manager_calendar import manager_zone, rules_for, slots_for
from bot.config import Settings
from bot.delivery.rules import CATCH_UP, deadline_for, verdict
from bot.store.db import upsert_insert
from bot.store.delivery_models import OutboxMessage, Subscription
from bot.store.models import Manager

log = logging.getLogger(__name__)
# How far back a late tick looks for slots it missed: those beyond the catch-up limit are recorded as
# skipped (with the reason), so a long outage leaves a trace instead of silently nothing.
MISSED_LOOKBACK = timedelta(days=7)
# When the weekly budget is full, what gives way first (welcome messages always go).
PRIORITY = {"welcome": 0, "nudge": 1, "lesson": 2, "broadcast": 3}


@dataclass(frozen=True, slots=True)
class PlanReport:
    planned: int
    deferred: int
    missed: int = 0  # slots found more than 24 h late: recorded as skipped


def plan_due(
    *, session: Session, settings: Settings, now: datetime, team_ids: Collection[str] | None = None
) -> PlanReport:
    """Insert every message due in (now - 24 h, now] for subscribed, unpaused, reachable managers, at
    the first moment the rules allow; slots that fell due earlier (a tick more than a day late) become
    `skipped` rows that say so. With `team_ids`, only for those workspaces."""
    rows: list[dict[str, object]] = []
    query = (
        select(Manager, Subscription)
        .join(Subscription, Subscription.manager_id == Manager.id)
        .where(Subscription.subscribed.is_(True), Manager.crm_owner_id.is_not(None))
        .where(Subscription.unreachable_reason.is_(None))
        .where((Subscription.paused_until.is_(None)) | (Subscription.paused_until <= now))
    )
    if team_ids is not None:
        query = query.where(Manager.team_id.in_(team_ids))
    for manager, subscription in session.execute(query):
        tz = manager_zone(manager.tz, settings)
        slots, rules = slots_for(subscription, settings), rules_for(subscription, settings)
        # Nothing from before they enrolled, resumed or their pause ended: no backlog arrives at once.
        starts = [subscription.enrolled_at, subscription.active_since, subscription.paused_until]
        since = max(moment for moment in [now - MISSED_LOOKBACK, *starts] if moment is not None)
        for due in due_between(slots, tz, rules, since, now):
            deadline = deadline_for(due.slot.kind, due.due_at)
            decision = verdict(
                subscription=subscription,
                tz=tz,
                settings=settings,
                kind=due.slot.kind,
                now=now,
                deadline=deadline,
            )
            # On time: keep its own moment; late (an outage): the next moment the rules allow.
            send_at = due.due_at if decision.allows_now(now) else decision.send_at
            rows.append(_row(manager, due, send_at=send_at, deadline=deadline, reason=decision.reason))
    new_keys = _insert(session, rows)
    broadcasts = [
        {**row, "deadline_at": row["next_attempt_at"] + CATCH_UP}  # type: ignore[operator]
        for row in planned_broadcasts(session, now, team_ids=team_ids)
    ]
    planned_broadcast_count = len(_insert(session, broadcasts))  # channel posts: no budget
    missed = [r for r in rows if r["idempotency_key"] in new_keys and r["status"] == "skipped"]
    for row in missed:
        log.info("%s not sent: %s", row["idempotency_key"], row["last_error"])
    if missed:
        log.warning(
            "%s message(s) fell due too long ago to send; recorded as skipped "
            "(crmcoach deliveries --status skipped)",
            len(missed),
        )
    planned = len(new_keys) - len(missed) + planned_broadcast_count
    # Only weeks that just received a message can have gone over budget: most ticks check none.
    weeks = {
        (r["manager_id"], r["week"])
        for r in rows
        if r["idempotency_key"] in new_keys and r["status"] == "pending"
    }
    deferred = enforce_budget(session, settings, weeks, now)
    session.commit()
    if planned or deferred:
        log.info("planned %s message(s), deferred %s for the weekly budget", planned, deferred)
    return PlanReport(planned, deferred, len(missed))


def plan_welcome(session: Session, manager: Manager, settings: Settings, now: datetime) -> bool:
    """The first-contact message, at the first allowed moment from now; False if already planned."""
    tz = manager_zone(manager.tz, settings)
    subscription = session.get(Subscription, manager.id)
    due_at = first_allowed(now, tz, rules_for(subscription, settings)) or now
    slot = Slot("welcome", due_at.astimezone(tz).weekday(), due_at.astimezone(tz).time())
    due = Due(slot, "welcome", iso_week(due_at.astimezone(tz).date()), now, due_at)
    return bool(_insert(session, [_row(manager, due, send_at=due_at, deadline=None, reason="")]))


def enforce_budget(
    session: Session, settings: Settings, weeks: set[tuple[object, object]], now: datetime
) -> int:
    """Move messages beyond the weekly budget to the next week, lowest priority first; never drop them."""
    budget = settings.schedule.weekly_message_budget
    deferred = 0
    for manager_id, week in sorted(weeks, key=str):
        counted = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.manager_id == manager_id,
                OutboxMessage.week == week,
                OutboxMessage.status.in_(["pending", "claimed", "sent"]),
                OutboxMessage.kind != "broadcast",
            )
        ).all()
        if len(counted) <= budget:
            continue
        movable = sorted(
            (m for m in counted if m.status == "pending" and m.kind != "welcome"),
            key=lambda m: (PRIORITY.get(m.kind, 9), m.next_attempt_at),
            reverse=True,
        )
        for message in movable[: len(counted) - budget]:
            if message.kind == "lesson" and (message.last_error or "").startswith("deferred"):
                # A lesson already pushed once would only pile up behind next week's: record why it goes.
                message.status = "skipped"
                message.last_error = f"skipped: weekly budget of {budget} messages full two weeks in a row"
                log.info("lesson %s skipped: budget full two weeks in a row", message.idempotency_key)
                continue
            message.week = _next_week(str(week))
            message.next_attempt_at = max(message.next_attempt_at, now) + timedelta(days=7)
            if message.deadline_at is not None:  # a week later, with the same day of catch-up
                message.deadline_at = message.next_attempt_at + CATCH_UP
            message.last_error = f"deferred: weekly budget of {budget} messages reached"
            deferred += 1
    if deferred:
        session.flush()
    return deferred


def _insert(session: Session, rows: list[dict[str, object]]) -> set[str]:
    """Insert what is not planned yet; returns the idempotency keys that were new."""
    if not rows:
        return set()
    statement = upsert_insert(session, OutboxMessage).on_conflict_do_nothing(
        index_elements=["idempotency_key"]
    )
    inserted: set[str] = set()
    for start in range(0, len(rows), 500):
        result = session.execute(
            statement.returning(OutboxMessage.idempotency_key), rows[start : start + 500]
        )
        inserted.update(str(key) for key in result.scalars())
    return inserted


def _row(
    manager: Manager, due: Due, *, send_at: datetime | None, deadline: datetime | None, reason: str
) -> dict[str, object]:
    """An outbox row: pending at `send_at`, or (no allowed moment left) skipped for `reason`."""
    return {
        "team_id": manager.team_id,
        "manager_id": manager.id,
        "kind": due.slot.kind,
        "period": due.period,
        "week": due.week,
        "idempotency_key": f"{manager.team_id}:{manager.id}:{due.slot.kind}:{due.period}",
        "scheduled_at": due.scheduled_at,
        "next_attempt_at": send_at or due.due_at,
        "deadline_at": deadline,
        "status": "pending" if send_at is not None else "skipped",
        "last_error": None if send_at is not None else reason,
        "attempts": 0,
        "payload": {},
    }


def _next_week(week: str) -> str:
    year, number = week.split("-W")
    monday = datetime.strptime(f"{year}-W{int(number):02d}-1", "%G-W%V-%u").date()
    return iso_week(monday + timedelta(days=7))
