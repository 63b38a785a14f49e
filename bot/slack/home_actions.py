"""Buttons on App Home: practice tasks, Settings, Pause / Resume, the coach's team pages, broadcast Cancel
and New broadcast. Each records through its service and publishes the Home again."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.coaching import preferences
from bot.coaching.broadcast_schedule import cancel_schedule
from bot.coaching.preferences import SettingError
from bot.coaching.tasks import Response, record_response
from bot.container import Container
from bot.i18n import Language
from bot.render import home_ids as ids
from bot.slack.composer import open_composer
from bot.slack.home import publish_home
from bot.slack.replies import known_language
from bot.slack.settings_modal import open_settings

log = logging.getLogger(__name__)
RESPONSES: dict[str, Response] = {
    ids.ACTION_HOME_TASK_DONE: "done",
    ids.ACTION_HOME_TASK_SNOOZE: "snoozed",
    ids.ACTION_HOME_TASK_NOT_RELEVANT: "not_relevant",
}
PAUSE_DAYS = 7  # the Pause button: a week off; the settings modal picks any date


def register(app: App, container: Container) -> None:
    @app.action(re.compile("^(" + "|".join(ids.HOME_TASK_ACTIONS) + ")$"))
    def on_task(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        if str(action.get("value", "")).isdigit():
            record_response(
                container.sessions,
                team_id=team_id,
                slack_user_id=user_id,
                task_id=int(action["value"]),
                response=RESPONSES[action["action_id"]],
                now=container.clock(),
            )
        publish_home(container, team_id=team_id, user_id=user_id)

    @app.action(ids.ACTION_OPEN_SETTINGS)
    def on_settings(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        if not open_settings(container, team_id=team_id, user_id=user_id, trigger_id=body["trigger_id"]):
            publish_home(container, team_id=team_id, user_id=user_id)  # not enrolled: the Home says how

    @app.action(ids.ACTION_PAUSE)
    def on_pause(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        now = container.clock()
        try:
            view = preferences.preferences(
                container.sessions, container.settings, team_id=team_id, user_id=user_id
            )
            until = (now.astimezone(ZoneInfo(view.tz)) + timedelta(days=PAUSE_DAYS)).date()
            preferences.pause(
                container.sessions,
                container.settings,
                team_id=team_id,
                user_id=user_id,
                until=until.isoformat(),
                now=now,
            )
        except SettingError as error:
            log.info("pause from Home refused for %s: %s", user_id, error.key)
        publish_home(container, team_id=team_id, user_id=user_id)

    @app.action(ids.ACTION_RESUME)
    def on_resume(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        try:
            preferences.set_subscribed(
                container.sessions, team_id=team_id, user_id=user_id, subscribed=True, now=container.clock()
            )
        except SettingError as error:
            log.info("resume from Home refused for %s: %s", user_id, error.key)
        publish_home(container, team_id=team_id, user_id=user_id)

    @app.action(re.compile(f"^{ids.ACTION_TEAM_PAGE}_\\d+$"))
    def on_team_page(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        page = int(action["value"]) if str(action.get("value", "")).isdigit() else 1
        if container.coach_roster.is_coach(team_id, user_id):
            publish_home(container, team_id=team_id, user_id=user_id, team_page=page)

    @app.action(ids.ACTION_CANCEL_BROADCAST)
    def on_cancel(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        if container.coach_roster.is_coach(team_id, user_id) and str(action.get("value", "")).isdigit():
            cancel_schedule(
                container.sessions, team_id=team_id, coach_user_id=user_id, schedule_id=int(action["value"])
            )
        publish_home(container, team_id=team_id, user_id=user_id)

    @app.action(ids.ACTION_NEW_BROADCAST)
    def on_new_broadcast(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        team_id, user_id = _who(body)
        if container.coach_roster.is_coach(team_id, user_id):
            language = known_language(container, team_id, user_id) or "en"
            _open_composer(container, trigger_id=body["trigger_id"], user_id=user_id, language=language)


def _open_composer(container: Container, *, trigger_id: str, user_id: str, language: Language) -> None:
    try:
        open_composer(container.slack, trigger_id=trigger_id, language=language)
    except SlackApiError as exc:
        log.error("views.open (composer) failed for %s: %s", user_id, exc.response.get("error"))


def _who(body: dict[str, Any]) -> tuple[str, str]:
    return body["team"]["id"], body["user"]["id"]
