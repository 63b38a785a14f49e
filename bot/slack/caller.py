"""Who sent a request: one Bolt middleware turns away workspaces this install does not serve, and looks
up the caller's language and coach role once per request (from memory: caller_memory.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App, BoltContext, BoltResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.identity import recorded_language
from bot.container import Container
from bot.i18n import Language
from bot.slack.caller_memory import CallerMemory

log = logging.getLogger(__name__)
CONTEXT_KEY = "crmcoach_caller"


@dataclass(frozen=True, slots=True)
class Caller:
    team_id: str
    user_id: str
    known_language: Language | None  # None: a stranger, whose Slack profile we have not read yet
    is_coach: bool

    @property
    def language(self) -> Language:
        """What to answer in right now: their language, English for a stranger."""
        return self.known_language or "en"


def register(app: App, container: Container, memory: CallerMemory) -> None:
    @app.middleware
    def identify_caller(context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:
        if not container.workspaces.serves(context.team_id):
            # Another workspace's users must not see this install's CRM numbers: no reply, no row.
            log.warning(
                "ignored a request from workspace %s, which this install does not serve", context.team_id
            )
            return BoltResponse(status=200, body="")
        team_id, user_id = context.team_id, context.user_id
        if team_id and user_id:
            context[CONTEXT_KEY] = Caller(
                team_id=team_id,
                user_id=user_id,
                known_language=caller_language(memory, container.sessions, team_id, user_id),
                is_coach=container.coach_roster.is_coach(team_id, user_id),
            )
        next()
        return None


def caller_language(
    memory: CallerMemory, sessions: sessionmaker[Session], team_id: str, user_id: str
) -> Language | None:
    """The caller's language, from memory or the database; English (for this request only) when the
    database cannot say."""

    def read() -> Language | None:
        return recorded_language(sessions, team_id=team_id, slack_user_id=user_id)

    try:
        return memory.language(team_id, user_id, read)
    except SQLAlchemyError as exc:
        # English for this request only: a database hiccup must not be remembered as the caller's language.
        log.warning("stored language unavailable for %s/%s: %s", team_id, user_id, exc)
        return "en"


def caller_of(context: BoltContext) -> Caller:
    """The caller the middleware found (a stranger without a coach role if the request named nobody)."""
    found = context.get(CONTEXT_KEY)
    if isinstance(found, Caller):
        return found
    return Caller(
        team_id=context.team_id or "", user_id=context.user_id or "", known_language=None, is_coach=False
    )
