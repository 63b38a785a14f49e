"""A manager's own calendar: the slots their messages fall due in, the rules where they may land and their
time zone — their own settings where they chose any, else the workspace's (parsed once, when the settings
load). Used by the manager's settings (coaching) and by the planner and sender (delivery)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.coaching.calendar import Rules, Slot
from bot.config import Settings
from bot.store.delivery_models import Subscription
from bot.timeparse import parse_clock, parse_range, parse_weekdays

log = logging.getLogger(__name__)
T = TypeVar("T")


def slots_for(subscription: Subscription | None, settings: Settings) -> list[Slot]:
    """The manager's own days and times, else the workspace's (parsed once, when the settings load)."""
    defaults = settings.schedule
    nudge_day = _own(subscription, "nudge_weekday", int, defaults.nudge_day)
    nudge_at = _own(subscription, "nudge_time", parse_clock, defaults.nudge_time)
    lesson_days = _own(subscription, "lesson_weekdays", parse_weekdays, defaults.lesson_days)
    lesson_at = _own(subscription, "lesson_time", parse_clock, defaults.lesson_time)
    return [Slot("nudge", nudge_day, nudge_at), *(Slot("lesson", day, lesson_at) for day in lesson_days)]


def rules_for(subscription: Subscription | None, settings: Settings) -> Rules:
    defaults = settings.schedule
    return Rules(
        window=defaults.delivery_window,
        quiet=_own(subscription, "quiet_hours", parse_range, defaults.quiet_hours),
        holidays=defaults.holidays,
    )


def manager_zone(name: str | None, settings: Settings) -> ZoneInfo:
    default = settings.schedule.default_tz
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown timezone %r; using %s", name, default.key)
        return default


def _own(subscription: Subscription | None, attribute: str, parse: Callable[[str], T], default: T) -> T:
    """The manager's own setting (stored as text), or the workspace default when they have none."""
    value = getattr(subscription, attribute, None) if subscription is not None else None
    return default if value is None or value == "" else parse(str(value))
