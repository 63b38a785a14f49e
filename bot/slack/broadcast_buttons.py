"""The Done / I need help buttons on broadcast exercises: recorded once; "help" tells the coach."""

from __future__ import annotations

import re
from typing import Any, Literal

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.broadcasts import record_response
from bot.container import Container
from bot.delivery import outbound
from bot.i18n import language_for, t
from bot.render.replies import text_message
from bot.slack import ids
from bot.slack.caller import caller_of
from bot.slack.replies import known_language
from bot.slack.responder import reply_ephemeral
from bot.store.coach_models import Broadcast

# action id -> (recorded kind, reply the first time, reply when already answered)
BUTTONS: dict[str, tuple[Literal["done", "help"], str, str]] = {
    ids.ACTION_BROADCAST_DONE: ("done", "broadcast.recorded_done", "broadcast.already_done"),
    ids.ACTION_BROADCAST_HELP: ("help", "broadcast.help_sent", "broadcast.help_already"),
}


def register(app: App, container: Container) -> None:
    @app.action(re.compile("^(" + "|".join(BUTTONS) + ")$"))
    def on_button(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()
        caller = caller_of(context)
        team_id, user_id = caller.team_id, caller.user_id
        kind, first_key, again_key = BUTTONS[action["action_id"]]
        first, broadcast = record_response(
            container.sessions,
            team_id=team_id,
            broadcast_id=_id(action),
            user_id=user_id,
            kind=kind,
            now=container.clock(),
        )
        if first and broadcast is not None and kind == "help":
            _ask_coach_for_help(container, client, broadcast, user_id=user_id)
        key = "broadcast.gone" if broadcast is None else (first_key if first else again_key)
        reply_ephemeral(body["response_url"], text_message(t(caller.language, key)))


def _ask_coach_for_help(
    container: Container, client: WebClient, broadcast: Broadcast, *, user_id: str
) -> None:
    coach_id, channel = broadcast.coach_user_id, broadcast.channel_id
    # The coach's own language; for a coach who never used the bot, the exercise's.
    language = known_language(container, broadcast.team_id, coach_id) or language_for(
        broadcast.language, None
    )
    try:
        link = str(
            client.chat_getPermalink(channel=channel, message_ts=broadcast.message_ts or "")["permalink"]
        )
    except SlackApiError:
        link = f"<#{channel}>"
    text = t(
        language, "broadcast.help_for_coach", user=user_id, title=broadcast.title, channel=channel, link=link
    )
    # Once per person and broadcast: the button is recorded once, and so is the notice.
    key = f"help:{broadcast.id}:{user_id}"
    outbound.notify(
        delivery=container.delivery, team_id=broadcast.team_id, user_id=coach_id, text=text, key=key
    )


def _id(action: dict[str, Any]) -> int:
    try:
        return int(action.get("value", "0"))
    except ValueError:
        return 0
