"""The planner: which coaching messages fell due, written into the outbox exactly once.

Stateless and idempotent: every tick looks back CATCH_UP (24 h) and inserts what is due, keyed by
workspace:manager:kind:period, so a missed tick, a restart or a second run never plans anything twice,
and an outage longer than a day does not flood managers with stale messages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.broadcast_schedule import planned_broadcasts
from bot.config import Settings
from bot.delivery.schedule import Due, Rules, Slot, due_between, first_allowed, iso_week
from bot.store.db import upsert_insert
from bot.store.delivery_models import OutboxMessage, Subscription
from bot.store.models import Manager
from bot.timeparse import parse_clock, parse_dates, parse_range, parse_weekdays

log = logging.getLogger(__name__)
CATCH_UP = timedelta(hours=24)
LATE_AFTER = timedelta(minutes=5)  # a tick a few minutes late is on time; later than that, re-check the rules
# When the weekly budget is full, what gives way first (welcome messages always go).
PRIORITY = {"welcome": 0, "nudge": 1, "lesson": 2, "broadcast": 3}


@dataclass(frozen=True, slots=True)
class PlanReport:
    planned: int
    deferred: int


def plan_due(*, session: Session, settings: Settings, now: datetime) -> PlanReport:
    """Insert every message due in (now - 24 h, now] for subscribed, unpaused managers."""
    rows: list[dict[str, object]] = []
    query = (
        select(Manager, Subscription)
        .join(Subscription, Subscription.manager_id == Manager.id)
        .where(Subscription.subscribed.is_(True), Manager.crm_owner_id.is_not(None))
        .where((Subscription.paused_until.is_(None)) | (Subscription.paused_until <= now))
    )
    for manager, subscription in session.execute(query):
        tz = manager_zone(manager.tz, settings)
        slots, rules = slots_for(subscription, settings), rules_for(subscription, settings)
        # Nothing from before they enrolled, resumed or their pause ended: no backlog arrives at once.
        starts = [
            now - CATCH_UP,
            subscription.enrolled_at,
            subscription.active_since,
            subscription.paused_until,
        ]
        since = max(moment for moment in starts if moment is not None)
        for due in due_between(slots, tz, rules, since, now):
            # Caught up late (an outage): still only inside the window, outside quiet hours.
            late = first_allowed(now, tz, rules) if due.due_at < now - LATE_AFTER else due.due_at
            if late is not None:
                rows.append(_row(manager, replace(due, due_at=late)))
    new_keys = _insert(session, rows)
    planned = len(new_keys) + len(
        _insert(session, planned_broadcasts(session, now))
    )  # channel posts: no budget
    # Only weeks that just received a message can have gone over budget: most ticks check none.
    weeks = {(r["manager_id"], r["week"]) for r in rows if r["idempotency_key"] in new_keys}
    deferred = enforce_budget(session, settings, weeks, now)
    session.commit()
    if planned or deferred:
        log.info("planned %s message(s), deferred %s for the weekly budget", planned, deferred)
    return PlanReport(planned, deferred)


def plan_welcome(session: Session, manager: Manager, settings: Settings, now: datetime) -> bool:
    """The first-contact message, at the first allowed moment from now; False if already planned."""
    tz = manager_zone(manager.tz, settings)
    subscription = session.get(Subscription, manager.id)
    due_at = first_allowed(now, tz, rules_for(subscription, settings)) or now
    slot = Slot("welcome", due_at.astimezone(tz).weekday(), due_at.astimezone(tz).time())
    due = Due(slot, "welcome", iso_week(due_at.astimezone(tz).date()), now, due_at)
    return bool(_insert(session, [_row(manager, due)]))


def slots_for(subscription: Subscription | None, settings: Settings) -> list[Slot]:
    nudge_day = int(_override(subscription, "nudge_weekday", settings.crmcoach_nudge_day))
    nudge_at = parse_clock(str(_override(subscription, "nudge_time", settings.crmcoach_nudge_time)))
    lesson_days = parse_weekdays(
        str(_override(subscription, "lesson_weekdays", settings.crmcoach_lesson_days))
    )
    lesson_at = parse_clock(str(_override(subscription, "lesson_time", settings.crmcoach_lesson_time)))
    return [Slot("nudge", nudge_day, nudge_at), *(Slot("lesson", day, lesson_at) for day in lesson_days)]


def rules_for(subscription: Subscription | None, settings: Settings) -> Rules:
    quiet = _override(subscription, "quiet_hours", settings.crmcoach_quiet_hours or "")
    return Rules(
        window=parse_range(settings.crmcoach_delivery_window),
        quiet=parse_range(str(quiet)) if quiet else None,
        holidays=parse_dates(settings.crmcoach_holidays),
    )


def manager_zone(name: str | None, settings: Settings) -> ZoneInfo:
    try:
        return ZoneInfo(name or settings.crmcoach_default_tz)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown timezone %r; using %s", name, settings.crmcoach_default_tz)
        return ZoneInfo(settings.crmcoach_default_tz)


def enforce_budget(
    session: Session, settings: Settings, weeks: set[tuple[object, object]], now: datetime
) -> int:
    """Move messages beyond the weekly budget to the next week, lowest priority first; never drop them."""
    budget = settings.crmcoach_weekly_message_budget
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


def _row(manager: Manager, due: Due) -> dict[str, object]:
    return {
        "team_id": manager.team_id,
        "manager_id": manager.id,
        "kind": due.slot.kind,
        "period": due.period,
        "week": due.week,
        "idempotency_key": f"{manager.team_id}:{manager.id}:{due.slot.kind}:{due.period}",
        "scheduled_at": due.scheduled_at,
        "next_attempt_at": due.due_at,
        "status": "pending",
        "attempts": 0,
        "payload": {},
    }


def _next_week(week: str) -> str:
    year, number = week.split("-W")
    monday = datetime.strptime(f"{year}-W{int(number):02d}-1", "%G-W%V-%u").date()
    return iso_week(monday + timedelta(days=7))


def _override(subscription: Subscription | None, attribute: str, fallback: str | int) -> str | int:
    """The manager's own setting, or the workspace default when they have none."""
    value = getattr(subscription, attribute, None) if subscription is not None else None
    return fallback if value is None or value == "" else value
