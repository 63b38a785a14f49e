"""When a manager's next weekly nudge and lesson come, and whether they are paused, unsubscribed or
unreachable: what the Home tab shows under "next"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import due_between
from bot.coaching.manager_calendar import manager_zone, rules_for, slots_for
from bot.config import Settings
from bot.store.delivery_models import Subscription
from bot.store.managers import find_manager

LOOK_AHEAD = timedelta(days=28)


@dataclass(frozen=True, slots=True)
class Schedule:
    subscribed: bool
    paused_until: datetime | None
    unreachable: str | None
    next_nudge: datetime | None
    next_lesson: datetime | None
    tz: str


def upcoming(
    *, sessions: sessionmaker[Session], settings: Settings, team_id: str, slack_user_id: str, now: datetime
) -> Schedule | None:
    """None when the person is not enrolled."""
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        subscription = session.get(Subscription, manager.id) if manager else None
        if manager is None or subscription is None:
            return None
        tz = manager_zone(manager.tz, settings)
        start = max(now, subscription.paused_until or now)
        upcoming = sorted(
            due_between(
                slots_for(subscription, settings),
                tz,
                rules_for(subscription, settings),
                start,
                start + LOOK_AHEAD,
            ),
            key=lambda due: due.due_at,
        )
        active = subscription.subscribed and subscription.unreachable_reason is None
        return Schedule(
            subscribed=subscription.subscribed,
            paused_until=subscription.paused_until if (subscription.paused_until or now) > now else None,
            unreachable=subscription.unreachable_reason,
            next_nudge=next((d.due_at for d in upcoming if d.slot.kind == "nudge"), None) if active else None,
            next_lesson=next((d.due_at for d in upcoming if d.slot.kind == "lesson"), None)
            if active
            else None,
            tz=str(tz),
        )
