"""`/crmcoach ask` and direct messages: coaching grounded in the asker's own numbers when we have them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.coaching.coach import CoachAnswer
from bot.coaching.identity import IdentityProblem, identify, profile_language
from bot.coaching.pipeline import current_stats
from bot.container import Container
from bot.crm.base import CRMError, ManagerStats
from bot.i18n import Language
from bot.store.events import first_delivery

log = logging.getLogger(__name__)


def answer_direct_message(
    *, container: Container, team_id: str, slack_user_id: str, event_id: str, question: str, now: datetime
) -> AskResult | None:
    """Like ask_coach, but None for a delivery Slack already sent us (a retry)."""
    if not first_delivery(container.sessions, team_id=team_id, event_id=event_id, now=now):
        log.info("ignoring a repeated delivery of event %s", event_id)
        return None
    return ask_coach(
        container=container, team_id=team_id, slack_user_id=slack_user_id, question=question, now=now
    )


@dataclass(frozen=True, slots=True)
class AskResult:
    answer: CoachAnswer
    language: Language
    with_numbers: bool


def ask_coach(
    *, container: Container, team_id: str, slack_user_id: str, question: str, now: datetime
) -> AskResult:
    """Answer from the lessons; the asker's numbers are used when they are linked and the CRM answers."""
    stats: ManagerStats | None = None
    try:
        identity = identify(container, team_id=team_id, slack_user_id=slack_user_id, now=now)
        language = identity.language
        stats = current_stats(
            container=container, team_id=team_id, crm_owner_id=identity.crm_owner_id, now=now
        )
    except IdentityProblem as problem:
        language = problem.language  # not linked yet: coach without numbers
    except CRMError as error:
        log.warning("answering %s/%s without numbers: %s", team_id, slack_user_id, error)
        language = profile_language(
            sessions=container.sessions,
            slack=container.slack,
            team_id=team_id,
            slack_user_id=slack_user_id,
            now=now,
        )
    answer = container.coach.answer(question, language=language, stats=stats)
    return AskResult(answer=answer, language=answer.language, with_numbers=stats is not None)
