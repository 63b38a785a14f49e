"""Build the messages `/crmcoach` and direct messages answer with. Failures are raised, not rendered
here: the background runner and the app's error handler turn them into the user's language."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.coaching.ask import AskResult, ask_coach
from bot.coaching.identity import stored_language
from bot.coaching.stats import my_stats
from bot.container import Container
from bot.i18n import Language, t
from bot.slack import blocks


def known_language(container: Container, team_id: str, user_id: str) -> Language | None:
    return stored_language(container.sessions, team_id=team_id, slack_user_id=user_id)


def stats_message(container: Container, team_id: str, user_id: str) -> dict[str, Any]:
    report = my_stats(
        identities=container.identities,
        stats=container.stats,
        team_id=team_id,
        slack_user_id=user_id,
        now=container.clock(),
    )
    return blocks.to_message(
        blocks.stats_blocks(report.stats, report.identity.language),
        t(report.identity.language, "stats.title", name=report.stats.owner.name),
    )


def answer_message(container: Container, team_id: str, user_id: str, question: str) -> dict[str, Any]:
    result = ask_coach(
        sessions=container.sessions,
        identities=container.identities,
        stats=container.stats,
        coach=container.answers,
        team_id=team_id,
        slack_user_id=user_id,
        question=question,
        now=container.clock(),
    )
    return render_answer(result)


def render_answer(result: AskResult) -> dict[str, Any]:
    """Every answer the bot posts (`/crmcoach ask` and DMs) passes here: whatever wrote it, no Slack
    control sequence from the question survives."""
    text = blocks.inert(result.answer.text)
    # "Answered from the lessons and your numbers" only fits an answer that is a lesson.
    with_source = result.kind == "coaching"
    answer = blocks.answer_blocks(replace(result.answer, text=text), result.language, with_source=with_source)
    return blocks.to_message(answer, text)
