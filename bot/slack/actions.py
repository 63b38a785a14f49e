"""Buttons on practice tasks: Done, Snooze a week, Not relevant — recorded once, answered in place."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.coaching.tasks import Response, TaskAnswer, record_response
from bot.container import Container
from bot.i18n import Language, t
from bot.render.kit import slack_date
from bot.render.outbound import answered_task
from bot.slack import ids
from bot.slack.caller import caller_of
from bot.slack.responder import replace_message, reply_ephemeral

log = logging.getLogger(__name__)
RESPONSES: dict[str, Response] = {
    ids.ACTION_TASK_DONE: "done",
    ids.ACTION_TASK_SNOOZE: "snoozed",
    ids.ACTION_TASK_NOT_RELEVANT: "not_relevant",
}


def register(app: App, container: Container) -> None:
    @app.action(re.compile("^(" + "|".join(ids.TASK_ACTIONS) + ")$"))
    def on_task_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        ack()
        caller = caller_of(context)
        team_id, user_id = caller.team_id, caller.user_id
        try:
            answer = record_response(
                container.sessions,
                team_id=team_id,
                slack_user_id=user_id,
                task_id=int(action["value"]),
                response=RESPONSES[action["action_id"]],
                now=container.clock(),
                library=container.answers.library,
            )
        except (KeyError, ValueError):
            log.warning("malformed task button from %s: %s", user_id, action)
            if isinstance(body.get("response_url"), str):  # still an answer: the click did nothing
                reply_ephemeral(body["response_url"], {"text": t(caller.language, "buttons.not_understood")})
            return
        note = _note(answer, caller.language)
        if answer.outcome == "recorded" and answer.response != "snoozed" and body.get("message"):
            replace_message(body["response_url"], answered_task(body["message"], note))
        else:
            reply_ephemeral(body["response_url"], {"text": note})


def _note(answer: TaskAnswer, language: Language) -> str:
    if answer.outcome == "not_yours":
        return t(language, "buttons.not_yours")
    if answer.outcome == "already":
        return t(language, "buttons.already", response=t(language, f"buttons.response_{answer.response}"))
    if answer.response == "snoozed" and answer.deadline is not None:
        return t(language, "buttons.recorded_snooze", date=slack_date(answer.deadline, language))
    if answer.response == "done" and answer.deadline is not None:
        return t(language, "buttons.recorded_done", date=slack_date(answer.deadline, language))
    if answer.rested_topic is not None:
        topic = t(language, f"topics.{answer.rested_topic}").split(":")[0]
        return t(language, "buttons.recorded_topic_rested", topic=topic)
    return t(language, "buttons.recorded_not_relevant")
