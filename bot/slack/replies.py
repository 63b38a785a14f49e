"""Build the messages `/crmcoach` and direct messages answer with (services called, failures rendered)."""

from __future__ import annotations

import logging
from typing import Any

from bot.coaching.ask import AskResult, ask_coach
from bot.coaching.identity import IdentityProblem, stored_language
from bot.coaching.stats import my_stats
from bot.container import Container
from bot.crm.base import CRMError
from bot.i18n import Language, t
from bot.slack import blocks, failures, settings_commands

log = logging.getLogger(__name__)


def known_language(container: Container, team_id: str, user_id: str) -> Language | None:
    return stored_language(container.sessions, team_id=team_id, slack_user_id=user_id)


def stats_message(container: Container, team_id: str, user_id: str) -> dict[str, Any]:
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
        language = known_language(container, team_id, user_id) or "en"
        text = failures.crm_error_text(error, crm=crm_name, language=language)
    except Exception:
        log.exception("/crmcoach stats failed for %s/%s", team_id, user_id)
        text = failures.generic_error_text(known_language(container, team_id, user_id) or "en")
    return blocks.to_message(blocks.text_blocks(text), text)


def answer_message(container: Container, team_id: str, user_id: str, question: str) -> dict[str, Any]:
    try:
        result = ask_coach(
            container=container,
            team_id=team_id,
            slack_user_id=user_id,
            question=question,
            now=container.clock(),
        )
    except Exception:
        log.exception("coaching answer failed for %s/%s", team_id, user_id)
        text = failures.generic_error_text(known_language(container, team_id, user_id) or "en")
        return blocks.to_message(blocks.text_blocks(text), text)
    return render_answer(result)


def render_answer(result: AskResult) -> dict[str, Any]:
    # "Answered from the lessons and your numbers" only fits an answer that is a lesson.
    with_source = result.kind == "coaching"
    answer = blocks.answer_blocks(result.answer, result.language, with_source=with_source)
    return blocks.to_message(answer, result.answer.text)


def subscribe_message(container: Container, team_id: str, user_id: str) -> dict[str, Any]:
    try:
        return settings_commands.subscribe_reply(container, team_id=team_id, user_id=user_id)
    except IdentityProblem as problem:
        text = failures.identity_problem_text(problem, crm=container.crm.display_name, user_id=user_id)
    except Exception:
        log.exception("subscribe failed for %s/%s", team_id, user_id)
        text = failures.generic_error_text(known_language(container, team_id, user_id) or "en")
    return blocks.to_message(blocks.text_blocks(text), text)
