"""A manager's own delivery settings: day, time, language, quiet hours, pause, (un)subscribe."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import local_to_utc
from bot.coaching.manager_calendar import manager_zone, rules_for, slots_for
from bot.config import Settings
from bot.i18n import Language, language_for
from bot.store.delivery_models import Subscription
from bot.store.managers import find_manager
from bot.store.models import Manager
from bot.timeparse import parse_clock, parse_range, parse_weekdays


class SettingError(ValueError):
    """Input a manager can fix; `key` names the message, `values` fill it."""

    def __init__(self, key: str, *, field: str = "", **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.field = field  # which setting it is about, when known
        self.values = values


@dataclass(frozen=True, slots=True)
class Preferences:
    language: Language
    chosen_language: str | None  # None: follows Slack
    tz: str
    subscribed: bool
    paused_until: datetime | None
    nudge_weekday: int
    nudge_time: time
    lesson_weekdays: tuple[int, ...]
    lesson_time: time
    quiet: tuple[time, time] | None


def preferences(
    sessions: sessionmaker[Session], settings: Settings, *, team_id: str, user_id: str
) -> Preferences:
    with sessions() as session:
        return _view(session, settings, team_id, user_id)


def change(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    team_id: str,
    user_id: str,
    words: list[str],
    now: datetime,
) -> Preferences:
    """Apply `/crmcoach settings <what> <value…>`; raises SettingError for input we cannot use."""
    what, values = (words[0].lower(), words[1:]) if words else ("", [])
    return change_all(sessions, settings, team_id=team_id, user_id=user_id, changes=[(what, values)], now=now)


def change_all(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    team_id: str,
    user_id: str,
    changes: Sequence[tuple[str, list[str]]],
    now: datetime,
    pause_until: date | None = None,
    unpause: bool = False,
) -> Preferences:
    """Several changes at once (the settings modal), all or none; the SettingError names the `field`
    (`nudge`, `lessons`, `quiet`, `language`, `pause`) it is about."""
    with sessions() as session:
        manager, subscription = _enrolled(session, team_id, user_id)
        for what, values in changes:
            try:
                _apply(manager, subscription, what, values)
            except SettingError as error:
                error.field = error.field or what
                raise
        _check_deliverable(subscription, settings)
        if pause_until is not None:
            _pause(subscription, manager, settings, pause_until, now)
        elif unpause and subscription.paused_until is not None and subscription.paused_until > now:
            subscription.paused_until = None
            subscription.active_since = now
        session.commit()
        return _view(session, settings, team_id, user_id)


def _apply(manager: Manager, subscription: Subscription, what: str, values: list[str]) -> None:
    if what in ("language", "sprache"):
        choice = (values or [""])[0].lower()
        if choice not in ("en", "de", "auto"):
            raise SettingError("settings.bad_language")
        manager.preferred_language = None if choice == "auto" else choice
    elif what in ("nudge", "impuls"):
        days, subscription.nudge_time = _days_and_time(values)
        if len(days) != 1:
            raise SettingError("settings.bad_schedule")
        subscription.nudge_weekday = days[0]
    elif what in ("lessons", "lektionen"):
        days, subscription.lesson_time = _days_and_time(values)
        subscription.lesson_weekdays = ",".join(str(day) for day in days)
    elif what in ("quiet", "ruhezeit"):
        subscription.quiet_hours = _quiet(values)
    else:
        raise SettingError("settings.unknown")


def pause(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    team_id: str,
    user_id: str,
    until: str,
    now: datetime,
) -> date:
    """Pause until (and including) a date in the manager's own timezone; returns the date."""
    words = until.strip().split()
    try:
        day = date.fromisoformat(
            words[-1] if words and words[0].lower() in ("until", "bis") else until.strip()
        )
    except (ValueError, IndexError):
        raise SettingError("settings.bad_date", value=until) from None
    with sessions() as session:
        manager, subscription = _enrolled(session, team_id, user_id)
        _pause(subscription, manager, settings, day, now)
        session.commit()
    return day


def _pause(
    subscription: Subscription, manager: Manager, settings: Settings, day: date, now: datetime
) -> None:
    tz = manager_zone(manager.tz, settings)
    if day <= now.astimezone(tz).date():
        raise SettingError("settings.past_date", field="pause", value=day.isoformat())
    subscription.paused_until = local_to_utc(day + timedelta(days=1), time(0), tz)  # the end of that day


def set_subscribed(
    sessions: sessionmaker[Session], *, team_id: str, user_id: str, subscribed: bool, now: datetime
) -> None:
    """unsubscribe / resume (subscribe for someone never enrolled goes through enrollment)."""
    with sessions() as session:
        _, subscription = _enrolled(session, team_id, user_id)
        subscription.subscribed = subscribed
        subscription.paused_until = None
        subscription.active_since = now  # what fell due while away is not sent now
        session.commit()


def _view(session: Session, settings: Settings, team_id: str, user_id: str) -> Preferences:
    manager, subscription = _enrolled(session, team_id, user_id)
    nudge, *lessons = slots_for(subscription, settings)
    return Preferences(
        language=language_for(manager.preferred_language, manager.slack_locale),
        chosen_language=manager.preferred_language,
        tz=str(manager_zone(manager.tz, settings)),
        subscribed=subscription.subscribed,
        paused_until=subscription.paused_until,
        nudge_weekday=nudge.weekday,
        nudge_time=nudge.at,
        lesson_weekdays=tuple(slot.weekday for slot in lessons),
        lesson_time=lessons[0].at if lessons else nudge.at,
        quiet=rules_for(subscription, settings).quiet,
    )


def _enrolled(session: Session, team_id: str, user_id: str) -> tuple[Manager, Subscription]:
    manager = find_manager(session, team_id, user_id)
    subscription = session.get(Subscription, manager.id) if manager else None
    if manager is None or subscription is None:
        raise SettingError("settings.not_enrolled")
    return manager, subscription


def _days_and_time(values: list[str]) -> tuple[tuple[int, ...], str]:
    """'tue,thu 10:00' -> ((1, 3), '10:00')."""
    if len(values) != 2:
        raise SettingError("settings.bad_schedule")
    try:
        return parse_weekdays(values[0]), parse_clock(values[1]).strftime("%H:%M")
    except ValueError:
        raise SettingError("settings.bad_schedule") from None


def _check_deliverable(subscription: Subscription, settings: Settings) -> None:
    """Refuse times that could never be kept: outside the delivery window or inside quiet hours."""
    rules = rules_for(subscription, settings)
    start, end = rules.window
    window = f"{start:%H:%M}-{end:%H:%M}"
    for slot in slots_for(subscription, settings):
        if not start <= slot.at < end:
            raise SettingError(
                "settings.outside_window", field=_field(slot.kind), time=f"{slot.at:%H:%M}", window=window
            )
        if rules.quiet is not None and _within(slot.at, rules.quiet):
            raise SettingError("settings.in_quiet_hours", field="quiet", time=f"{slot.at:%H:%M}")


def _field(kind: str) -> str:
    return "nudge" if kind == "nudge" else "lessons"


def _within(moment: time, span: tuple[time, time]) -> bool:
    first, last = span
    return first <= moment < last if first < last else (moment >= first or moment < last)


def _quiet(values: list[str]) -> str | None:
    if values and values[0].lower() in ("off", "aus", "none"):
        return None
    try:
        start, end = parse_range(values[0] if values else "")
    except ValueError:
        raise SettingError("settings.bad_quiet") from None
    return f"{start:%H:%M}-{end:%H:%M}"
