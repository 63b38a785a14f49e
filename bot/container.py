"""Everything the app needs, built once from Settings and handed to services explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.coach import Coach
from bot.coaching.coach_cache import CoachCache
from bot.coaching.coaches import CoachDirectory
from bot.coaching.identity import Identities
from bot.coaching.pipeline import PipelineStats
from bot.coaching.shared import shared_coach
from bot.coaching.workspaces import Workspaces
from bot.config import Settings
from bot.crm.base import CRMConnector
from bot.crm.registry import build_connector
from bot.delivery.services import Delivery
from bot.llm import LLMAnswerWriter, build_llm_client
from bot.slack_gateway import SlackGateway
from bot.store.db import make_engine, make_session_factory

SLACK_TIMEOUT_SECONDS = 10


def slack_retry_handlers() -> list[RetryHandler]:
    """Slack answers 429 with Retry-After and sometimes 5xx; slack_sdk retries neither by default."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


@dataclass(frozen=True, slots=True)
class Container:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    slack: WebClient
    crm: CRMConnector
    answers: Coach  # the answer engine: lessons, classifier, LLM writer
    coach_roster: CoachDirectory  # the human coaches
    workspaces: Workspaces
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # (team_id, manager_id) after a weekly nudge was sent: the processes that send wire in the App Home
    # refresh (bot.slack.home.with_home_refresh), which the delivery layer cannot import.
    after_nudge: Callable[[str, int], None] | None = None

    # Derived, not stored: `dataclasses.replace(container, crm=...)` must not keep the old connector.
    @property
    def gateway(self) -> SlackGateway:
        return SlackGateway(self.slack)

    @property
    def delivery(self) -> Delivery:
        """What the outbound road uses (bot/delivery): the narrow view delivery gets instead of this."""
        return Delivery(
            sessions=self.sessions,
            settings=self.settings,
            library=self.answers.library,
            crm=self.crm,
            files=self.gateway,
            slack_token=self.slack.token,
            slack_api_url=self.slack.base_url,
            slack_timeout=SLACK_TIMEOUT_SECONDS,
            clock=self.clock,
            after_nudge=self.after_nudge,
        )

    @property
    def identities(self) -> Identities:
        return Identities(sessions=self.sessions, profiles=self.gateway, crm=self.crm)

    @property
    def stats(self) -> PipelineStats:
        return self.delivery.stats


def build_container(
    settings: Settings, *, engine: Engine | None = None, answers: Coach | None = None
) -> Container:
    engine = engine or make_engine(settings.database.url)
    token = settings.slack.bot_token.get_secret_value() if settings.slack.bot_token else None
    slack = WebClient(
        token=token,
        base_url=settings.slack.api_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=slack_retry_handlers(),
    )
    gateway = SlackGateway(slack)
    workspaces = Workspaces(slack=gateway, listed=settings.slack.team_ids)
    return Container(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        slack=slack,
        crm=build_connector(settings.crm, engine=engine),
        answers=answers or build_coach(settings),
        coach_roster=CoachDirectory(settings, gateway, home_team=workspaces.home),
        workspaces=workspaces,
    )


def build_coach(settings: Settings) -> Coach:
    """The lesson library, its indexes (built once per process: see shared.py) and, when configured,
    the LLM client.

    Raises LessonError for invalid lesson files.
    """
    llm = (
        build_llm_client(
            api_key=settings.llm.api_key.get_secret_value() if settings.llm.api_key else None,
            base_url=settings.llm.base_url,
            timeout_seconds=settings.llm.timeout_seconds,
            max_retries=settings.llm.max_retries,
        )
        if settings.llm.enabled
        else None
    )
    writer = (
        LLMAnswerWriter(
            llm,
            model=settings.llm.model,
            max_prompt_tokens=settings.llm.max_prompt_tokens,
            send_names=settings.llm.send_names,
        )
        if llm is not None
        else None
    )
    folder = settings.server.coach_cache_folder()
    return shared_coach(writer, cache=CoachCache(folder) if folder is not None else None)
