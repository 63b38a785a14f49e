"""The app's one error handler: whatever a listener raises ends as a short reply in the user's language
(the log keeps the details). Work after the ack reports its failures the same way (background.py)."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.container import Container
from bot.render.replies import text_message
from bot.slack.caller import caller_of
from bot.slack.failures import failure_text
from bot.slack.responder import reply_ephemeral


def register(app: App, container: Container) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], context: BoltContext, response: BoltResponse | None
    ) -> BoltResponse | None:
        caller = caller_of(context)
        text = failure_text(
            error,
            what=_what(body),
            team_id=caller.team_id,
            user_id=caller.user_id,
            language=caller.language,
            crm=container.crm.display_name,
        )
        message = {"response_type": "ephemeral", **text_message(text)}
        if "command" in body and response is not None:  # not acknowledged yet: the apology is the ack
            return BoltResponse(
                status=200, body=json.dumps(message), headers={"content-type": "application/json"}
            )
        if body.get("response_url"):
            reply_ephemeral(str(body["response_url"]), message)
        return None


def _what(body: dict[str, Any]) -> str:
    """What failed, for the log: "/crmcoach stats", "block_actions", "event message"."""
    if "command" in body:
        return f"{body['command']} {body.get('text', '').strip().partition(' ')[0]}".strip()
    if body.get("type") == "event_callback":
        return f"event {body.get('event', {}).get('type', '?')}"
    return str(body.get("type", "request"))
