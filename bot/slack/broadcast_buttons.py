"""The Done / I need help buttons on broadcast exercises: recorded once; "help" tells the coach."""

from __future__ import annotations

import re
from typing import Any, Literal

from slack_bolt import Ack, App, BoltContext

from bot.coaching.broadcasts import record_response
from bot.container import Container
from bot.delivery.broadcast_help import tell_coach_about_help
from bot.i18n import t
from bot.render.replies import text_message
from bot.slack import ids
from bot.slack.caller import caller_of
from bot.slack.responder import reply_ephemeral

# action id -> (recorded kind, reply the first time, reply when already answered)
BUTTONS: dict[str, tuple[Literal["done", "help"], str, str]] = {
    ids.ACTION_BROADCAST_DONE: ("done", "broadcast.recorded_done", "broadcast.already_done"),
    ids.ACTION_BROADCAST_HELP: ("help", "broadcast.help_sent", "broadcast.help_already"),
}


def register(app: App, container: Container) -> None:
    @app.action(re.compile("^(" + "|".join(BUTTONS) + ")$"))
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        ack()
        caller = caller_of(context)
        team_id, user_id = caller.team_id, caller.user_id
        kind, first_key, again_key = BUTTONS[action["action_id"]]
        first, exercise = record_response(
            container.sessions,
            team_id=team_id,
            broadcast_id=_id(action),
            user_id=user_id,
            kind=kind,
            now=container.clock(),
        )
        if first and exercise is not None and kind == "help":
            tell_coach_about_help(
                delivery=container.delivery, permalinks=container.gateway, exercise=exercise, user_id=user_id
            )
        key = "broadcast.gone" if exercise is None else (first_key if first else again_key)
        reply_ephemeral(body["response_url"], text_message(t(caller.language, key)))


def _id(action: dict[str, Any]) -> int:
    try:
        return int(action.get("value", "0"))
    except ValueError:
        return 0
