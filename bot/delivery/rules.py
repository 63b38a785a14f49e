"""The delivery rules, in one place for the planner and the sender: whether a manager may get a coaching
message at a given moment (subscribed, not paused, reachable, inside the window, outside quiet hours, on a
working day, in their *current* timezone) and until when a missed one may still be caught up.

The planner asks when a slot that fell due may go out; the sender asks again at the moment it posts, since
an outage, retries, a pause or a timezone change may lie in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.calendar import first_allowed
from bot.coaching.manager_calendar import rules_for
from bot.config import Settings
from bot.store.delivery_models import Subscription

# A message that cannot go out within a day of falling due is skipped: stale coaching is noise.
CATCH_UP = timedelta(hours=24)
MISSED_REASON = "missed: more than 24 h late"
NO_ROOM_REASON = "missed: no allowed moment within 24 h of its time"
# Kinds that go to a manager's DM and follow the manager's rules (broadcasts follow the coach's schedule).
MANAGER_KINDS = frozenset({"welcome", "nudge", "lesson"})


@dataclass(frozen=True, slots=True)
class Verdict:
    """`send_at` is now (go), a later moment (wait until then), or None (skip for `reason`)."""

    send_at: datetime | None
    reason: str = ""

    def allows_now(self, now: datetime) -> bool:
        return self.send_at is not None and self.send_at <= now


def verdict(
    *,
    subscription: Subscription | None,
    tz: ZoneInfo,
    settings: Settings,
    kind: str,
    now: datetime,
    deadline: datetime | None,
) -> Verdict:
    """May a `kind` message go to this manager at `now`? If not now, when (before `deadline`), or never."""
    unwanted = _unwanted(subscription, kind, now)
    if unwanted is not None or subscription is None:
        return Verdict(None, unwanted or "")
    if deadline is not None and now > deadline:
        return Verdict(None, MISSED_REASON)
    moment = first_allowed(now, tz, rules_for(subscription, settings))
    if moment is None or (deadline is not None and moment > deadline):
        return Verdict(None, NO_ROOM_REASON)
    return Verdict(moment)


def _unwanted(subscription: Subscription | None, kind: str, now: datetime) -> str | None:
    """Why the manager wants or can get nothing now, or None."""
    if subscription is None:
        return "the manager is no longer enrolled"
    if not subscription.subscribed:
        return "unsubscribed"
    if subscription.unreachable_reason:
        return f"unreachable in Slack ({subscription.unreachable_reason})"
    paused_until = subscription.paused_until
    if kind != "welcome" and paused_until is not None and paused_until > now:
        # A pause does not postpone coaching, it skips it: the manager asked for quiet.
        return f"paused until {paused_until.date().isoformat()}"
    return None


def deadline_for(kind: str, due_at: datetime) -> datetime | None:
    """The catch-up limit of a message that fell due at `due_at`; a welcome waits as long as it takes."""
    return None if kind == "welcome" else due_at + CATCH_UP
