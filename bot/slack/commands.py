"""`/crmcoach`: ack at once, do CRM work in a lazy listener, reply ephemerally."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from typing import Any

from slack_bolt import Ack, App

from bot.coaching.identity import IdentityProblem, profile_language, stored_language
from bot.coaching.stats import my_stats
from bot.container import Container
from bot.crm.base import CRMError
from bot.i18n import Language, t
from bot.slack import blocks, failures, ids
from bot.slack.responder import reply_ephemeral

log = logging.getLogger(__name__)
# Slack users expect an answer within about 3 s; a slow CRM gets a "still working" note first.
SLOW_REPLY_SECONDS = 2.5

HELP_WORDS = {"", "help", "hilfe", "?"}


def parse(text: str) -> tuple[str, str]:
    """'/crmcoach Stats  now' -> ('stats', 'now')."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def register(app: App, container: Container) -> None:
    app.command(ids.COMMAND)(ack=_make_ack(container), lazy=[_make_worker(container)])


def _make_ack(container: Container) -> Callable[..., None]:
    def ack_command(ack: Ack, body: dict[str, Any]) -> None:
        subcommand, _ = parse(body.get("text", ""))
        language = _known_language(container, body)
        if language is None:
            ack()  # a first-time user: the lazy listener answers once it knows their language
        elif subcommand == "stats":
            ack(text=t(language, "stats.loading", crm=container.crm.display_name))
        else:
            ack(**_help_message(language, subcommand))

    return ack_command


def _make_worker(container: Container) -> Callable[..., None]:
    def run_command(body: dict[str, Any]) -> None:
        subcommand, _ = parse(body.get("text", ""))
        if subcommand == "stats":
            _stats(container, body)
        elif _known_language(container, body) is None:
            language = profile_language(
                sessions=container.sessions,
                slack=container.slack,
                team_id=body["team_id"],
                slack_user_id=body["user_id"],
                now=container.clock(),
            )
            reply_ephemeral(body["response_url"], _help_message(language, subcommand))

    return run_command


def _help_message(language: Language, subcommand: str) -> dict[str, Any]:
    if subcommand in HELP_WORDS:
        return blocks.to_message(blocks.help_blocks(language), t(language, "help.intro"))
    help_blocks = blocks.help_blocks(language, unknown_command=subcommand)
    return blocks.to_message(help_blocks, t(language, "unknown.hint", command=subcommand))


def _stats(container: Container, body: dict[str, Any]) -> None:
    """Numbers within Slack's patience: a note after SLOW_REPLY_SECONDS, the numbers when they come."""
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm-stats")
    pending = worker.submit(_stats_message, container, body)
    worker.shutdown(wait=False)
    try:
        message = pending.result(timeout=SLOW_REPLY_SECONDS)
    except FuturesTimeout:
        language = _known_language(container, body) or "en"
        slow = t(language, "stats.slow", crm=container.crm.display_name)
        reply_ephemeral(body["response_url"], blocks.to_message(blocks.text_blocks(slow), slow))
        message = pending.result()  # bounded by the connector's timeouts and retries
    reply_ephemeral(body["response_url"], message)


def _stats_message(container: Container, body: dict[str, Any]) -> dict[str, Any]:
    team_id, user_id = body["team_id"], body["user_id"]
    crm_name = container.crm.display_name
    try:
        report = my_stats(container=container, team_id=team_id, slack_user_id=user_id, now=container.clock())
        return blocks.to_message(
            blocks.stats_blocks(report.stats, report.identity.language),
            t(report.identity.language, "stats.title", name=report.stats.owner.name),
        )
    except IdentityProblem as problem:
        text = failures.identity_problem_text(problem, crm=crm_name, user_id=user_id)
    except CRMError as error:
        log.warning("CRM error for %s/%s: %s (%s)", team_id, user_id, error, error.kind)
        text = failures.crm_error_text(error, crm=crm_name, language=_known_language(container, body) or "en")
    except Exception:
        log.exception("/crmcoach stats failed for %s/%s", team_id, user_id)
        text = failures.generic_error_text(_known_language(container, body) or "en")
    return blocks.to_message(blocks.text_blocks(text), text)


def _known_language(container: Container, body: dict[str, Any]) -> Language | None:
    return stored_language(container.sessions, team_id=body["team_id"], slack_user_id=body["user_id"])
