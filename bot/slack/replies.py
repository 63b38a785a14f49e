"""The answers to `/crmcoach stats` and `ask`: the service's result, rendered by bot/render/replies.py.
Failures are raised, not rendered here: the background runner and the app's error handler turn them
into the user's language."""

from __future__ import annotations

from typing import Any

from bot.coaching.ask import ask_coach
from bot.coaching.identity import stored_language
from bot.coaching.stats import my_stats
from bot.container import Container
from bot.i18n import Language
from bot.render.replies import Answer, answer_message, stats_message


def known_language(container: Container, team_id: str, user_id: str) -> Language | None:
    return stored_language(container.sessions, team_id=team_id, slack_user_id=user_id)


def stats_reply(container: Container, team_id: str, user_id: str) -> dict[str, Any]:
    report = my_stats(
        identities=container.identities,
        stats=container.stats,
        team_id=team_id,
        slack_user_id=user_id,
        now=container.clock(),
    )
    return stats_message(report.stats, report.identity.language)


def answer_reply(container: Container, team_id: str, user_id: str, question: str) -> dict[str, Any]:
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
    return answer_message(Answer.of(result))
