"""Direct messages to the bot: each one is a question for the coach, answered in the same DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.ask import answer_direct_message
from bot.coaching.broadcasts import record_submission
from bot.container import Container
from bot.slack import blocks, failures
from bot.slack.replies import known_language, render_answer

log = logging.getLogger(__name__)
ANSWER_EVENT_TYPE = "crmcoach_answer"
# Plain messages, thread replies also sent to the channel, and messages with a file (a screenshot).
ANSWERABLE_SUBTYPES = (None, "thread_broadcast", "file_share")


def register(app: App, container: Container) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("subtype") not in ANSWERABLE_SUBTYPES or event.get("bot_id"):
            return  # edits, joins and other bots' messages are neither questions nor submissions
        if event.get("channel_type") in ("channel", "group"):
            _maybe_submission(container, event, body)
            return
        if event.get("channel_type") != "im":
            return
        question = (event.get("text") or "").strip()
        if not question:
            return
        team_id, user_id, event_id = body["team_id"], event["user"], body["event_id"]
        try:
            result = answer_direct_message(
                container=container,
                team_id=team_id,
                slack_user_id=user_id,
                event_id=event_id,
                question=question,
                now=container.clock(),
            )
            if result is None:
                return
            message = render_answer(result)
        except Exception:
            log.exception("direct message answer failed for %s/%s", team_id, user_id)
            text = failures.generic_error_text(known_language(container, team_id, user_id) or "en")
            message = blocks.to_message(blocks.text_blocks(text), text)
        metadata = {"event_type": ANSWER_EVENT_TYPE, "event_payload": {"idempotency_key": f"dm:{event_id}"}}
        try:
            client.chat_postMessage(channel=event["channel"], metadata=metadata, **message)
        except SlackApiError as exc:
            log.error("could not answer the DM of %s: %s", user_id, exc.response.get("error"))


def _maybe_submission(container: Container, event: dict[str, Any], body: dict[str, Any]) -> None:
    """A reply in the thread of a broadcast exercise counts as that manager's submission."""
    thread_ts, ts = event.get("thread_ts"), event.get("ts")
    if not thread_ts or thread_ts == ts or not event.get("user"):
        return
    # Slack's retries are harmless here: (broadcast, user, reply ts) is unique in the database.
    record_submission(
        container.sessions,
        team_id=body["team_id"],
        channel_id=event["channel"],
        thread_ts=str(thread_ts),
        user_id=event["user"],
        ts=str(ts),
        text=(event.get("text") or "")[:4000],
        now=container.clock(),
    )
