"""`/crmcoach`: ack at once, do CRM and coaching work in a lazy listener, reply ephemerally."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any

from slack_bolt import Ack, App

from bot.coaching.identity import profile_language
from bot.container import Container
from bot.i18n import Language, t
from bot.slack import blocks, coach_commands, ids, replies, settings_commands
from bot.slack.responder import reply_ephemeral
from bot.slack.settings_modal import open_settings

# Slack users expect an answer within about 3 s; a slow CRM gets a "still working" note first.
SLOW_REPLY_SECONDS = 2.5

HELP_WORDS = {"", "help", "hilfe", "?"}
ASK_WORDS = {"ask", "frage", "frag"}


def parse(text: str) -> tuple[str, str]:
    """'/crmcoach Stats  now' -> ('stats', 'now')."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def register(app: App, container: Container) -> None:
    app.command(ids.COMMAND)(ack=_make_ack(container), lazy=[_make_worker(container)])


def _make_ack(container: Container) -> Callable[..., None]:
    def ack_command(ack: Ack, body: dict[str, Any]) -> None:
        subcommand, question = parse(body.get("text", ""))
        language = replies.known_language(container, body["team_id"], body["user_id"])
        if language is None and subcommand in settings_commands.QUICK | coach_commands.COACH_COMMANDS:
            language = "en"  # answered now; a stranger to the bot has no settings or coach data to read
        if language is None:
            ack()  # a first-time user: the lazy listener answers once it knows their language
        elif subcommand == "stats":
            ack(text=t(language, "stats.loading", crm=container.crm.display_name))
        elif subcommand in ASK_WORDS:
            ack(text=t(language, "ask.thinking" if question else "answer.empty_question"))
        elif subcommand in settings_commands.QUICK:
            if subcommand in ("settings", "einstellungen") and not question and body.get("trigger_id"):
                open_settings(
                    container, team_id=body["team_id"], user_id=body["user_id"], trigger_id=body["trigger_id"]
                )
            ack(
                **settings_commands.quick_reply(
                    container,
                    subcommand=subcommand,
                    rest=question,
                    team_id=body["team_id"],
                    user_id=body["user_id"],
                    language=language,
                )
            )
        elif subcommand in settings_commands.SUBSCRIBE:
            ack()
        elif subcommand in coach_commands.COACH_COMMANDS:
            coach_commands.acknowledge(
                ack, container, body, subcommand=subcommand, rest=question, language=language
            )
        else:
            ack(**_help_message(language, subcommand))

    return ack_command


def _make_worker(container: Container) -> Callable[..., None]:
    def run_command(body: dict[str, Any]) -> None:
        subcommand, question = parse(body.get("text", ""))
        team_id, user_id = body["team_id"], body["user_id"]
        if subcommand == "stats":
            _reply_in_time(
                container, body, "stats.slow", lambda: replies.stats_message(container, team_id, user_id)
            )
        elif subcommand in settings_commands.SUBSCRIBE:
            reply_ephemeral(body["response_url"], replies.subscribe_message(container, team_id, user_id))
        elif subcommand == "team" and question.lower() == "export" and container.coaches.is_coach(user_id):
            language = replies.known_language(container, team_id, user_id) or "en"
            reply_ephemeral(body["response_url"], coach_commands.export_reply(container, body, language))
        elif subcommand == "broadcast" and question and container.coaches.is_coach(user_id):
            language = replies.known_language(container, team_id, user_id) or "en"
            reply_ephemeral(
                body["response_url"], coach_commands.broadcast_reply(container, body, question, language)
            )
        elif subcommand in ASK_WORDS and question:
            answer = lambda: replies.answer_message(container, team_id, user_id, question)  # noqa: E731
            _reply_in_time(container, body, "ask.slow", answer)
        elif (
            subcommand not in settings_commands.QUICK | coach_commands.COACH_COMMANDS  # answered with the ack
            and replies.known_language(container, team_id, user_id) is None
        ):
            language = profile_language(
                sessions=container.sessions,
                slack=container.slack,
                team_id=team_id,
                slack_user_id=user_id,
                now=container.clock(),
            )
            message = (
                _help_message(language, subcommand) if subcommand not in ASK_WORDS else _no_question(language)
            )
            reply_ephemeral(body["response_url"], message)

    return run_command


def _help_message(language: Language, subcommand: str) -> dict[str, Any]:
    if subcommand in HELP_WORDS:
        return blocks.to_message(blocks.help_blocks(language), t(language, "help.intro"))
    help_blocks = blocks.help_blocks(language, unknown_command=subcommand)
    return blocks.to_message(help_blocks, t(language, "unknown.hint", command=subcommand))


def _no_question(language: Language) -> dict[str, Any]:
    text = t(language, "answer.empty_question")
    return blocks.to_message(blocks.text_blocks(text), text)


def _reply_in_time(
    container: Container, body: dict[str, Any], slow_key: str, produce: Callable[[], dict[str, Any]]
) -> None:
    """The answer within Slack's patience: a short note after SLOW_REPLY_SECONDS, the answer when it comes."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crmcoach-reply")
    pending = worker.submit(produce)
    worker.shutdown(wait=False)
    try:
        message = pending.result(timeout=SLOW_REPLY_SECONDS)
    except FuturesTimeout:
        language = replies.known_language(container, body["team_id"], body["user_id"]) or "en"
        slow = t(language, slow_key, crm=container.crm.display_name)
        reply_ephemeral(body["response_url"], blocks.to_message(blocks.text_blocks(slow), slow))
        message = pending.result()  # bounded by the CRM's and the LLM's own timeouts and retries
    reply_ephemeral(body["response_url"], message)
