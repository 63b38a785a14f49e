"""`/crmcoach settings | pause | resume | unsubscribe` (database only: answered with the ack)
and `/crmcoach subscribe` (needs Slack and the CRM: answered by the lazy listener)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.coaching import preferences
from bot.coaching.preferences import Preferences, SettingError
from bot.container import Container
from bot.delivery.subscribe import subscribe_self
from bot.i18n import WEEKDAY_NAMES, Language, t, weekdays_text
from bot.slack import blocks

QUICK = {"settings", "einstellungen", "pause", "resume", "unsubscribe", "abmelden"}
SUBSCRIBE = {"subscribe", "anmelden"}


def quick_reply(
    container: Container, *, subcommand: str, rest: str, team_id: str, user_id: str, language: Language
) -> dict[str, Any]:
    sessions, settings, now = container.sessions, container.settings, container.clock()
    try:
        if subcommand in ("settings", "einstellungen"):
            if not rest:
                return _settings(
                    preferences.preferences(sessions, settings, team_id=team_id, user_id=user_id)
                )
            view = preferences.change(
                sessions, settings, team_id=team_id, user_id=user_id, words=rest.split(), now=now
            )
            return _settings(view, saved=True)
        if subcommand == "pause":
            day = preferences.pause(sessions, settings, team_id=team_id, user_id=user_id, until=rest, now=now)
            return _text(t(language, "settings.paused", date=day.isoformat()))
        subscribed = subcommand == "resume"
        preferences.set_subscribed(sessions, team_id=team_id, user_id=user_id, subscribed=subscribed, now=now)
        return _text(t(language, "settings.resumed" if subscribed else "settings.unsubscribed"))
    except SettingError as error:
        return _text(t(language, error.key, **error.values))


def subscribe_reply(container: Container, *, team_id: str, user_id: str) -> dict[str, Any]:
    language = subscribe_self(
        container=container, team_id=team_id, slack_user_id=user_id, now=container.clock()
    )
    return _text(t(language, "settings.subscribed"))


def _settings(view: Preferences, *, saved: bool = False) -> dict[str, Any]:
    language = view.language
    names = WEEKDAY_NAMES[language]
    if not view.subscribed:
        status = t(language, "settings.status_unsubscribed")
    elif view.paused_until is not None:
        status = t(
            language,
            "settings.status_paused",
            date=(view.paused_until.astimezone(ZoneInfo(view.tz)) - timedelta(minutes=1)).date().isoformat(),
        )
    else:
        status = t(language, "settings.status_active")
    language_name = "Deutsch" if language == "de" else "English"
    summary = t(
        language,
        "settings.summary",
        nudge_day=names[view.nudge_weekday],
        nudge_time=f"{view.nudge_time:%H:%M}",
        lesson_days=weekdays_text(view.lesson_weekdays, language),
        lesson_time=f"{view.lesson_time:%H:%M}",
        quiet=f"{view.quiet[0]:%H:%M}–{view.quiet[1]:%H:%M}"
        if view.quiet
        else t(language, "settings.quiet_none"),
        lang_name=language_name
        if view.chosen_language
        else t(language, "settings.language_auto", lang_name=language_name),
        tz=view.tz,
        status=status,
    )
    head = (t(language, "settings.saved") + "\n") if saved else ""
    text = f"{head}{t(language, 'settings.title')}\n{summary}\n\n{t(language, 'settings.how')}"
    return _text(text)


def _text(text: str) -> dict[str, Any]:
    return blocks.to_message(blocks.text_blocks(text), text)
