"""What the outbound road uses, named one by one: built once by the wiring (bot/container.py) and handed
down keyword by keyword, so no delivery module sees the whole container (its LLM, coach roster, engine)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.lessons import LessonLibrary
from bot.coaching.pipeline import PipelineStats
from bot.config import Settings
from bot.crm.base import CRMConnector
from bot.slack_gateway import SlackFiles


@dataclass(frozen=True, slots=True)
class Delivery:
    sessions: sessionmaker[Session]
    settings: Settings  # the schedule (slots, window, budget) and who is told about a stall
    library: LessonLibrary
    crm: CRMConnector  # the numbers a nudge shows, through the cache (`stats`)
    files: SlackFiles  # where a nudge's chart is uploaded
    # The delivery client is built from these (bot/delivery/worker.delivery_client).
    slack_token: str | None
    slack_api_url: str
    slack_timeout: int  # seconds
    clock: Callable[[], datetime]
    # (team_id, manager_id) after a weekly nudge was sent: the processes that send wire in the App Home
    # refresh (bot.slack.home.with_home_refresh), which the delivery layer cannot import.
    after_nudge: Callable[[str, int], None] | None = None

    # Derived, not stored: `dataclasses.replace(delivery, crm=...)` must not keep the old connector.
    @property
    def stats(self) -> PipelineStats:
        return PipelineStats(
            sessions=self.sessions,
            crm=self.crm,
            connector=self.settings.crm.connector,
            ttl=timedelta(minutes=self.settings.crm.stats_ttl_minutes),
        )
