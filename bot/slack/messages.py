"""Direct messages to the bot: each one is a question for the coach, answered in the same DM."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.coaching.ask import answer_direct_message
from bot.coaching.broadcasts import record_submission
from bot.container import Container
from bot.delivery import outbound
from bot.render.ids import ANSWER_EVENT_TYPE
from bot.render.replies import Answer, answer_record
from bot.slack.background import Background, Message, Outcome
from bot.slack.caller import Caller, caller_of
from bot.slack.router import LazyWork

log = logging.getLogger(__name__)
__all__ = ["ANSWER_EVENT_TYPE", "answer_in_background", "register"]
# Plain messages, thread replies also sent to the channel, and messages with a file (a screenshot).
ANSWERABLE_SUBTYPES = (None, "thread_broadcast", "file_share")


def register(app: App, container: Container, later: LazyWork) -> None:
    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        if event.get("subtype") not in ANSWERABLE_SUBTYPES or event.get("bot_id"):
            return  # edits, joins and other bots' messages are neither questions nor submissions
        if event.get("channel_type") in ("channel", "group"):
            _maybe_submission(container, event, body)
        elif event.get("channel_type") == "im" and (event.get("text") or "").strip():
            later.direct_message(event, event_id=body["event_id"], caller=caller_of(context))


def answer_in_background(
    container: Container,
    background: Background,
    event: dict[str, Any],
    *,
    event_id: str,
    caller: Caller,
) -> None:
    """The coach's answer in the same DM; Slack's retries of the event are answered once."""

    def answer() -> Message | None:
        result = answer_direct_message(
            sessions=container.sessions,
            identities=container.identities,
            stats=container.stats,
            coach=container.answers,
            team_id=caller.team_id,
            slack_user_id=caller.user_id,
            event_id=event_id,
            question=(event.get("text") or "").strip(),
            now=container.clock(),
        )
        return None if result is None else answer_record(Answer.of(result))  # rendered when sent

    def post(message: Message) -> None:
        sent = outbound.answer(
            delivery=container.delivery,
            team_id=caller.team_id,
            user_id=caller.user_id,
            channel=event["channel"],
            event_id=event_id,
            message=message,
        )
        if sent.status not in ("sent", "recovered", "taken"):
            log.error("could not answer the DM of %s yet: %s", caller.user_id, sent.detail)

    outcome = Outcome(
        what="direct message answer",
        team_id=caller.team_id,
        user_id=caller.user_id,
        crm=container.crm.display_name,
        send=post,
        language=lambda: caller.language,
    )
    background.run(answer, outcome)


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
