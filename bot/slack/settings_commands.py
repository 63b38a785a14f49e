"""`/crmcoach settings | pause | resume | unsubscribe` (database only: answered with the ack)
and `/crmcoach subscribe` (needs Slack and the CRM: answered after the ack)."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps
from zoneinfo import ZoneInfo

from bot.coaching import preferences
from bot.coaching.preferences import Preferences, SettingError
from bot.delivery.subscribe import subscribe_self
from bot.formatting import format_date
from bot.i18n import Language, language_name, t, weekday_name, weekdays_text
from bot.render.kit import escape
from bot.render.replies import text_message
from bot.slack.background import Message
from bot.slack.router import Command, Handler, Route
from bot.slack.settings_modal import open_settings


def _explains_setting_errors(handler: Handler) -> Handler:
    """Input the manager can fix is answered with what to type instead."""

    @wraps(handler)
    def answer(command: Command) -> Message | None:
        try:
            return handler(command)
        except SettingError as error:
            values = {name: escape(str(value)) for name, value in error.values.items()}
            return text_message(t(command.language, error.key, **values))

    return answer


@_explains_setting_errors
def _settings(command: Command) -> Message:
    container = command.container
    if not command.rest:
        trigger_id = command.body.get("trigger_id")
        if trigger_id:  # the modal to change them; the summary still comes as the reply
            open_settings(container, team_id=command.team_id, user_id=command.user_id, trigger_id=trigger_id)
        view = preferences.preferences(
            container.sessions, container.settings, team_id=command.team_id, user_id=command.user_id
        )
        return _settings_message(view)
    view = preferences.change(
        container.sessions,
        container.settings,
        team_id=command.team_id,
        user_id=command.user_id,
        words=command.rest.split(),
        now=container.clock(),
    )
    return _settings_message(view, saved=True)


@_explains_setting_errors
def _pause(command: Command) -> Message:
    container = command.container
    day = preferences.pause(
        container.sessions,
        container.settings,
        team_id=command.team_id,
        user_id=command.user_id,
        until=command.rest,
        now=container.clock(),
    )
    return text_message(t(command.language, "settings.paused", date=format_date(day, command.language)))


def _subscription(subscribed: bool, reply_key: str) -> Handler:
    @_explains_setting_errors
    def change(command: Command) -> Message:
        preferences.set_subscribed(
            command.container.sessions,
            team_id=command.team_id,
            user_id=command.user_id,
            subscribed=subscribed,
            now=command.container.clock(),
        )
        return text_message(t(command.language, reply_key))

    return change


def _subscribe(command: Command) -> Message:
    container = command.container
    language = subscribe_self(
        sessions=container.sessions,
        identities=container.identities,
        settings=container.settings,
        team_id=command.team_id,
        slack_user_id=command.user_id,
        now=container.clock(),
    )
    return text_message(t(language, "settings.subscribed"))


def _empty_ack(command: Command) -> None:
    return None


ROUTES: tuple[Route, ...] = (
    Route("settings", ack=_settings, waits_for_language=True, once=True),
    Route("pause", ack=_pause, waits_for_language=True, once=True),
    Route("resume", ack=_subscription(True, "settings.resumed"), waits_for_language=True, once=True),
    Route(
        "unsubscribe", ack=_subscription(False, "settings.unsubscribed"), waits_for_language=True, once=True
    ),
    Route("subscribe", ack=_empty_ack, lazy=_subscribe, once=True),
)


def _settings_message(view: Preferences, *, saved: bool = False) -> Message:
    language = view.language
    if not view.subscribed:
        status = t(language, "settings.status_unsubscribed")
    elif view.paused_until is not None:
        last_day = (view.paused_until.astimezone(ZoneInfo(view.tz)) - timedelta(minutes=1)).date()
        status = t(language, "settings.status_paused", date=format_date(last_day, language))
    else:
        status = t(language, "settings.status_active")
    name = language_name(language)
    summary = t(
        language,
        "settings.summary",
        nudge_day=weekday_name(view.nudge_weekday, language),
        nudge_time=f"{view.nudge_time:%H:%M}",
        lesson_days=weekdays_text(view.lesson_weekdays, language),
        lesson_time=f"{view.lesson_time:%H:%M}",
        quiet=_quiet_text(view, language),
        lang_name=name if view.chosen_language else t(language, "settings.language_auto", lang_name=name),
        tz=view.tz,
        status=status,
    )
    head = (t(language, "settings.saved") + "\n") if saved else ""
    return text_message(f"{head}{t(language, 'settings.title')}\n{summary}\n\n{t(language, 'settings.how')}")


def _quiet_text(view: Preferences, language: Language) -> str:
    if not view.quiet:
        return t(language, "settings.quiet_none")
    return f"{view.quiet[0]:%H:%M}–{view.quiet[1]:%H:%M}"
