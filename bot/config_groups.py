"""Settings groups that need nothing but their own fields: database, schedule, coaches, LLM, process.

(Slack's group is in bot/config.py: it raises ConfigError; the CRM's are in bot/config_crm.py.)
"""

from __future__ import annotations

import logging
import os
from datetime import time
from pathlib import Path
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator

from bot.config_types import (
    ClockTime,
    CoachIds,
    Dates,
    Group,
    OptionalWindow,
    TimeZone,
    Weekday,
    Weekdays,
    Window,
)
from bot.timeparse import ClockRange

log = logging.getLogger(__name__)
_reported: set[str] = set()  # said once per process, not for every container a process builds


class DatabaseSettings(Group):
    title: ClassVar[str] = "Database"
    url: str = Field(
        "sqlite:///crmcoach.db",
        alias="DATABASE_URL",
        description="a SQLAlchemy URL: sqlite:///crmcoach.db (one process) or "
        "postgresql+psycopg://user:pass@host/db (shared by several processes)",
    )
    retention_days: int = Field(
        30,
        ge=0,
        le=3650,
        alias="CRMCOACH_RETENTION_DAYS",
        description="days a workspace's data is kept after it uninstalled the app or revoked its tokens "
        "(0 to 3650)",
    )

    @field_validator("url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("only sqlite:/// and postgresql+psycopg:// URLs are supported")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # psycopg 3 is the driver we ship; plain URLs would ask SQLAlchemy for psycopg2.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value


class ScheduleSettings(Group):
    """Workspace defaults; managers change theirs with `/crmcoach settings`."""

    title: ClassVar[str] = "Delivery schedule"
    auto_enroll: bool = Field(
        True,
        alias="CRMCOACH_AUTO_ENROLL",
        description="true to enroll every CRM owner with direct reports who is in Slack, false to enroll "
        "by hand",
    )
    nudge_day: Weekday = Field(
        0, alias="CRMCOACH_NUDGE_DAY", description="the weekday of the weekly nudge, 0 = Monday … 6 = Sunday"
    )
    nudge_time: ClockTime = Field(
        time(9), alias="CRMCOACH_NUDGE_TIME", description="the local time of the weekly nudge, like 09:00"
    )
    lesson_days: Weekdays = Field(
        (1, 3),
        alias="CRMCOACH_LESSON_DAYS",
        description="the weekdays of micro-lessons, numbers separated by commas, e.g. 1,3 for Tuesday and "
        "Thursday",
    )
    lesson_time: ClockTime = Field(
        time(10), alias="CRMCOACH_LESSON_TIME", description="the local time of micro-lessons, like 10:00"
    )
    delivery_window: Window = Field(
        ClockRange(time(8), time(18)),
        alias="CRMCOACH_DELIVERY_WINDOW",
        description="local hours like 08:00-18:00: messages only arrive inside them",
    )
    quiet_hours: OptionalWindow = Field(
        None,
        alias="CRMCOACH_QUIET_HOURS",
        description="local hours like 12:00-13:00 without messages, or leave it unset",
    )
    holidays: Dates = Field(
        frozenset(),
        alias="CRMCOACH_HOLIDAYS",
        description="dates like 2026-12-24,2026-12-25: no messages on these days",
    )
    weekly_message_budget: int = Field(
        4,
        ge=1,
        le=20,
        alias="CRMCOACH_WEEKLY_MESSAGE_BUDGET",
        description="at most this many coaching messages per manager and week, all kinds together (1 to 20)",
    )
    default_tz: TimeZone = Field(
        ZoneInfo("UTC"),
        alias="CRMCOACH_DEFAULT_TZ",
        description="an IANA timezone such as Europe/Vienna, for managers whose timezone Slack does not tell",
    )


class CoachingSettings(Group):
    """Who may broadcast and see the team's progress: Slack user ids and/or a Slack user group."""

    title: ClassVar[str] = "Coaches"
    coaches: CoachIds = Field(
        (),
        alias="CRMCOACH_COACHES",
        description="Slack user ids separated by commas, e.g. U012AB3CD,T045EF6GH:U045EF6GH: T…:U… is a "
        "coach of that workspace, a bare U… of the bot token's workspace",
    )
    coach_group: str | None = Field(
        None,
        alias="CRMCOACH_COACH_GROUP",
        description="a Slack user group id (S…) of the bot token's workspace whose members are coaches there",
    )
    tell_coach_on_stall: bool = Field(
        False,
        alias="CRMCOACH_TELL_COACH_ON_STALL",
        description="true to DM the coaches in CRMCOACH_COACHES when a manager's focus number has not moved "
        "for three weekly nudges",
    )


class LLMSettings(Group):
    """Optional: OpenAI, or any OpenAI-compatible server (Ollama, vLLM) via OPENAI_BASE_URL."""

    title: ClassVar[str] = "LLM coach"
    api_key: SecretStr | None = Field(
        None,
        alias="OPENAI_API_KEY",
        description="an OpenAI API key (sk-…), or leave it unset and set OPENAI_BASE_URL for a local server",
    )
    base_url: str | None = Field(
        None,
        alias="OPENAI_BASE_URL",
        description="an OpenAI-compatible base URL, e.g. http://localhost:11434/v1 for Ollama",
    )
    model: str = Field("gpt-4o-mini", alias="CRMCOACH_LLM_MODEL", description="the chat model's name")
    timeout_seconds: float = Field(
        8.0,
        gt=0,
        le=120,
        alias="CRMCOACH_LLM_TIMEOUT_SECONDS",
        description="seconds to wait for the LLM before answering offline (e.g. 8)",
    )
    max_retries: int = Field(
        1, ge=0, le=5, alias="CRMCOACH_LLM_MAX_RETRIES", description="how often to retry the LLM (0 to 5)"
    )
    max_prompt_tokens: int = Field(
        1500,
        ge=300,
        le=8000,
        alias="CRMCOACH_LLM_MAX_PROMPT_TOKENS",
        description="the prompt budget in tokens, estimated conservatively (300 to 8000)",
    )
    send_names: bool = Field(
        False,
        alias="CRMCOACH_LLM_SEND_NAMES",
        description="true to send deal, company and people names to the LLM, false to send neutral labels",
    )

    @property
    def enabled(self) -> bool:
        return self.api_key is not None or bool(self.base_url)


class ServerSettings(Group):
    title: ClassVar[str] = "Process"
    port: int = Field(
        3000,
        ge=1,
        le=65535,
        alias="PORT",
        description="the HTTP port of `crmcoach serve`, between 1 and 65535",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", alias="LOG_LEVEL", description="one of DEBUG, INFO, WARNING, ERROR"
    )

    cache_dir: Path | None = Field(
        None,
        alias="CRMCOACH_CACHE_DIR",
        description="an absolute folder for what the app can rebuild (the built coach, about 26 MB), e.g. "
        "/var/cache/crmcoach, or leave it unset for $XDG_CACHE_HOME/crmcoach or ~/.cache/crmcoach",
    )
    coach_cache: bool = Field(
        True,
        alias="CRMCOACH_COACH_CACHE",
        description="true to load the built coach from CRMCOACH_CACHE_DIR (built and stored there when it "
        "is missing or stale: seconds saved per process), false to build it in every process",
    )

    def coach_cache_folder(self) -> Path | None:
        """Where the built coach is cached, or None when it is not."""
        if not self.coach_cache:
            return None
        return self.cache_dir if self.cache_dir is not None else default_cache_folder()

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _absolute_cache_dir(cls, value: object) -> object:
        # Unset is often written as an empty value (compose, .env); a .env file does not expand ~.
        if isinstance(value, str | Path) and not str(value).strip():
            return None
        if isinstance(value, str | Path):
            try:
                folder = Path(str(value).strip()).expanduser()
            except RuntimeError:
                raise ValueError(f"{value} starts with ~, but there is no such home folder") from None
            if not folder.is_absolute():
                raise ValueError(
                    f"{value} is relative (to each process's working folder): it must be absolute"
                )
            return folder
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


def default_cache_folder() -> Path | None:
    """$XDG_CACHE_HOME/crmcoach, else ~/.cache/crmcoach; None (the cache is off) without a home folder."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and Path(xdg).is_absolute():  # the XDG spec: a relative value is ignored
        return Path(xdg) / "crmcoach"
    try:
        return Path.home() / ".cache" / "crmcoach"
    except (RuntimeError, KeyError):  # no HOME and no passwd entry (a container's arbitrary uid)
        if "no home" not in _reported:
            _reported.add("no home")
            log.warning(
                "coach cache: off, this user has no home folder (HOME is unset); set CRMCOACH_CACHE_DIR "
                "to use it"
            )
        return None
