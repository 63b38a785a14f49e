"""The settings modal: the same settings as `/crmcoach settings …`, validated by the same service, with
each error shown under its field."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot.coaching import preferences
from bot.coaching.preferences import SettingError
from bot.container import Container
from bot.i18n import Language, t
from bot.render import home_ids as ids
from bot.render.modals import settings_modal
from bot.slack.home import publish_home
from bot.slack.replies import known_language

log = logging.getLogger(__name__)
# Which input a service error belongs under (SettingError.field -> block id).
FIELD_BLOCKS = {
    "nudge": ids.FIELD_NUDGE_TIME,
    "impuls": ids.FIELD_NUDGE_TIME,
    "lessons": ids.FIELD_LESSON_TIME,
    "lektionen": ids.FIELD_LESSON_TIME,
    "quiet": ids.FIELD_QUIET_FROM,
    "ruhezeit": ids.FIELD_QUIET_FROM,
    "language": ids.FIELD_LANGUAGE,
    "pause": ids.FIELD_PAUSE_UNTIL,
}
DAY_WORDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def changes_from(
    values: dict[str, dict[str, Any]], language: Language
) -> tuple[list[tuple[str, list[str]]], str | None]:
    """The submitted state as the words of the slash subcommands, and the pause date (ISO) or None.
    Raises SettingError (with its field) for what the form itself can tell is incomplete."""

    def picked(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(ids.ELEMENT, {}) or {}

    nudge_day = (picked(ids.FIELD_NUDGE_DAY).get("selected_option") or {}).get("value")
    nudge_time = picked(ids.FIELD_NUDGE_TIME).get("selected_time")
    lesson_days = [o["value"] for o in picked(ids.FIELD_LESSON_DAYS).get("selected_options") or []]
    lesson_time = picked(ids.FIELD_LESSON_TIME).get("selected_time")
    quiet = (
        picked(ids.FIELD_QUIET_FROM).get("selected_time"),
        picked(ids.FIELD_QUIET_TO).get("selected_time"),
    )
    chosen = (picked(ids.FIELD_LANGUAGE).get("selected_option") or {}).get("value") or "auto"
    if not lesson_days:
        raise SettingError("settings_modal.need_days", field=ids.FIELD_LESSON_DAYS)
    if bool(quiet[0]) != bool(quiet[1]):
        raise SettingError(
            "settings_modal.need_both", field=ids.FIELD_QUIET_TO if quiet[0] else ids.FIELD_QUIET_FROM
        )
    changes = [
        ("nudge", [_day_word(nudge_day), str(nudge_time)]),
        ("lessons", [",".join(_day_word(day) for day in sorted(lesson_days, key=int)), str(lesson_time)]),
        ("quiet", [f"{quiet[0]}-{quiet[1]}"] if quiet[0] else ["off"]),
        ("language", [chosen]),
    ]
    return changes, picked(ids.FIELD_PAUSE_UNTIL).get("selected_date")


def open_settings(container: Container, *, team_id: str, user_id: str, trigger_id: str) -> bool:
    """Open the modal; False when the person has no settings yet (not enrolled) or Slack refused."""
    try:
        view = preferences.preferences(
            container.sessions, container.settings, team_id=team_id, user_id=user_id
        )
    except SettingError:
        return False
    try:
        container.slack.views_open(trigger_id=trigger_id, view=settings_modal(view, container.clock()))
    except SlackApiError as exc:
        log.error("views.open (settings) failed for %s: %s", user_id, exc.response.get("error"))
        return False
    return True


def register(app: App, container: Container) -> None:
    @app.view(ids.SETTINGS_CALLBACK)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        team_id, user_id = body["team"]["id"], body["user"]["id"]
        language = known_language(container, team_id, user_id) or "en"
        try:
            changes, pause_day = changes_from(view["state"]["values"], language)
            preferences.change_all(
                container.sessions,
                container.settings,
                team_id=team_id,
                user_id=user_id,
                changes=changes,
                now=container.clock(),
                pause_until=date.fromisoformat(pause_day) if pause_day else None,
                unpause=not pause_day,
            )
        except SettingError as error:
            block = FIELD_BLOCKS.get(error.field, error.field) or ids.FIELD_NUDGE_TIME
            ack(response_action="errors", errors={block: t(language, error.key, **error.values)})
            return
        ack()
        publish_home(container, team_id=team_id, user_id=user_id)


def _day_word(value: object) -> str:
    return DAY_WORDS[int(str(value))]
