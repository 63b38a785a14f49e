"""`/crmcoach`: the router table and its one listener. The ack is answered from the database; CRM and
coaching work runs after it in the background and replies through the response_url."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.container import Container
from bot.i18n import t
from bot.render.replies import help_message, text_message
from bot.slack import coach_commands, ids, replies, settings_commands
from bot.slack.background import Message
from bot.slack.caller import caller_of
from bot.slack.router import Command, LazyWork, Route, Router, parse

__all__ = ["ROUTER", "ROUTES", "parse", "register"]


def _help(command: Command) -> Message:
    return help_message(command.language, coach=command.caller.is_coach)


def _unknown(command: Command) -> Message:
    return help_message(command.language, coach=command.caller.is_coach, unknown_command=command.word)


def _stats_ack(command: Command) -> Message:
    return {"text": t(command.language, "stats.loading", crm=command.container.crm.display_name)}


def _stats(command: Command) -> Message:
    return replies.stats_reply(command.container, command.team_id, command.user_id)


def _ask_ack(command: Command) -> Message:
    if command.rest:
        return {"text": t(command.language, "ask.thinking")}
    return text_message(t(command.language, "answer.empty_question"))


def _ask(command: Command) -> Message | None:
    if not command.rest:
        return None
    return replies.answer_reply(command.container, command.team_id, command.user_id, command.rest)


ROUTES: tuple[Route, ...] = (
    Route("help", ack=_help, waits_for_language=True),
    Route("stats", ack=_stats_ack, lazy=_stats, slow_key="stats.slow", waits_for_language=True),
    Route("ask", ack=_ask_ack, lazy=_ask, slow_key="ask.slow", waits_for_language=True),
    *settings_commands.ROUTES,
    *coach_commands.ROUTES,
)
UNKNOWN = Route("unknown", ack=_unknown, waits_for_language=True)
ROUTER = Router(ROUTES, default="help", unknown=UNKNOWN, refusal=coach_commands.refusal)


def register(app: App, container: Container, later: LazyWork) -> None:
    @app.command(ids.COMMAND)
    def on_command(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        word, rest = parse(body.get("text", ""))
        caller = caller_of(context)
        command = Command(
            container=container, caller=caller, word=word, rest=rest, language=caller.language, body=body
        )
        ROUTER.dispatch(ack, command, later)
