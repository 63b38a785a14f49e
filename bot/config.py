"""Settings: the only place the environment (and .env) is read."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.timeparse import parse_clock, parse_dates, parse_range, parse_weekdays

CRMConnectorName = Literal["demo", "csv", "hubspot", "salesforce", "pipedrive"]

# How to fix each setting, shown next to the field name when it is missing or invalid.
FIX_HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) from your Slack app's 'OAuth & Permissions' page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's 'Basic Information' page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, or leave it unset to use HTTP",
    "SLACK_API_URL": "the Slack Web API base URL ending in /api/ (default https://slack.com/api/)",
    "DATABASE_URL": "a SQLAlchemy URL, e.g. sqlite:///crmcoach.db or postgresql+psycopg://user@host/db",
    "CRM_CONNECTOR": "one of: demo, csv, hubspot, salesforce, pipedrive",
    "CRMCOACH_ROSTER_CSV": "the path of a CSV file with the columns email,manager_email",
    "CRMCOACH_STATS_TTL_MINUTES": "how long fetched CRM numbers are reused, in minutes (1 to 10080)",
    "CRM_TIMEOUT_SECONDS": "seconds to wait for one CRM request (1 to 120)",
    "HUBSPOT_ACCESS_TOKEN": "a HubSpot private app access token (pat-…) with crm.objects.deals.read, "
    "crm.objects.owners.read and the engagement read scopes",
    "HUBSPOT_API_URL": "the HubSpot API base URL (default https://api.hubapi.com)",
    "HUBSPOT_REQUESTS_PER_10S": "your HubSpot tier's burst limit: 100 (Free/Starter) or 190 (Pro/Enterprise)",
    "SALESFORCE_INSTANCE_URL": "your org's instance URL, e.g. https://yourorg.my.salesforce.com",
    "SALESFORCE_ACCESS_TOKEN": "an OAuth access token, or SALESFORCE_USERNAME + _PASSWORD + _SECURITY_TOKEN",
    "SALESFORCE_USERNAME": "the integration user's Salesforce username",
    "SALESFORCE_PASSWORD": "the integration user's password (with SALESFORCE_USERNAME)",
    "SALESFORCE_SECURITY_TOKEN": "the integration user's security token (Settings → Reset My Security Token)",
    "SALESFORCE_DOMAIN": "login for production orgs, test for sandboxes",
    "SALESFORCE_API_VERSION": "a REST API version such as 62.0",
    "PIPEDRIVE_API_TOKEN": "a Pipedrive API token (Personal preferences → API)",
    "PIPEDRIVE_API_URL": "your company's Pipedrive URL, e.g. https://yourcompany.pipedrive.com",
    "CRMCOACH_NUDGE_DAY": "a weekday number, 0 = Monday … 6 = Sunday",
    "CRMCOACH_NUDGE_TIME": "a local time like 09:00",
    "CRMCOACH_LESSON_DAYS": "weekday numbers separated by commas, e.g. 1,3 for Tuesday and Thursday",
    "CRMCOACH_LESSON_TIME": "a local time like 10:00",
    "CRMCOACH_DELIVERY_WINDOW": "local hours like 08:00-18:00",
    "CRMCOACH_QUIET_HOURS": "local hours like 12:00-13:00, or leave it unset",
    "CRMCOACH_HOLIDAYS": "dates like 2026-12-24,2026-12-25",
    "CRMCOACH_WEEKLY_MESSAGE_BUDGET": "at most this many coaching messages per manager and week (1 to 20)",
    "CRMCOACH_DEFAULT_TZ": "an IANA timezone such as Europe/Vienna, used when Slack does not tell",
    "CRMCOACH_COACHES": "Slack user ids separated by commas, e.g. U012AB3CD,T012AB3CD:U045EF6GH",
    "SLACK_TEAM_IDS": "Slack team ids separated by commas, e.g. T012AB3CD,T045EF6GH",
    "CRMCOACH_COACH_GROUP": "a Slack user group id (S…), e.g. of a 'crm-coaches' group",
    "OPENAI_API_KEY": "an OpenAI API key (sk-…), or leave unset and set OPENAI_BASE_URL for a local server",
    "OPENAI_BASE_URL": "an OpenAI-compatible base URL, e.g. http://localhost:11434/v1 for Ollama",
    "CRMCOACH_LLM_TIMEOUT_SECONDS": "seconds to wait for the LLM before answering offline (e.g. 8)",
    "CRMCOACH_LLM_MAX_RETRIES": "how often to retry the LLM (0 to 5)",
    "CRMCOACH_LLM_MAX_PROMPT_TOKENS": "the prompt budget in tokens (300 to 8000; default 1500)",
    "CRMCOACH_LLM_SEND_NAMES": "true to send deal and company names to the LLM, false to send neutral labels",
    "PIPEDRIVE_REQUESTS_PER_2S": "your plan's burst limit per 2 seconds (API token: 20, 40, 80 or 120)",
    "PORT": "a TCP port number between 1 and 65535",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR",
    "CRMCOACH_STALE_DAYS": "a whole number of days between 1 and 365",
}


class ConfigError(Exception):
    """Settings are missing or invalid; `problems` maps each env var to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = ["CRM Coach cannot start: please fix these settings (environment or .env file):"]
        for name, problem in self.problems.items():
            hint = FIX_HINTS.get(name)
            lines.append(f"  - {name}: {problem}" + (f"; set it to {hint}" if hint else ""))
        return "\n".join(lines)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Workspaces this install serves besides the bot token's own (requests from any other are ignored)
    slack_team_ids: str = ""
    database_url: str = "sqlite:///crmcoach.db"
    crm_connector: CRMConnectorName = "demo"
    port: int = Field(default=3000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    crmcoach_stale_days: int = Field(default=14, ge=1, le=365)
    crmcoach_roster_csv: Path | None = None
    crmcoach_stats_ttl_minutes: int = Field(default=60, ge=1, le=10080)
    # Days a workspace's data is kept after it uninstalled the app or revoked its tokens.
    crmcoach_retention_days: int = Field(default=30, ge=0, le=3650)
    crm_timeout_seconds: float = Field(default=10.0, ge=1, le=120)

    # HubSpot (CRM v3)
    hubspot_access_token: SecretStr | None = None
    hubspot_api_url: str = "https://api.hubapi.com"
    hubspot_requests_per_10s: int = Field(default=100, ge=1, le=1000)

    # Salesforce (REST via simple-salesforce): an access token, or username + password + security token
    salesforce_instance_url: str | None = None
    salesforce_access_token: SecretStr | None = None
    salesforce_username: str | None = None
    salesforce_password: SecretStr | None = None
    salesforce_security_token: SecretStr | None = None
    salesforce_domain: str = "login"
    salesforce_api_version: str = "62.0"

    # Pipedrive (REST v2 where it exists, v1 otherwise)
    pipedrive_api_token: SecretStr | None = None
    pipedrive_api_url: str = "https://api.pipedrive.com"
    pipedrive_requests_per_2s: int = Field(default=20, ge=1, le=1000)

    # Scheduled delivery: workspace defaults; managers change theirs with /crmcoach settings
    crmcoach_auto_enroll: bool = True
    crmcoach_nudge_day: int = Field(default=0, ge=0, le=6)  # 0 = Monday
    crmcoach_nudge_time: str = "09:00"
    crmcoach_lesson_days: str = "1,3"  # Tuesday and Thursday
    crmcoach_lesson_time: str = "10:00"
    crmcoach_delivery_window: str = "08:00-18:00"
    crmcoach_quiet_hours: str | None = None  # e.g. "12:00-13:00"
    crmcoach_holidays: str = ""  # "2026-12-24,2026-12-25,2027-01-01"
    crmcoach_weekly_message_budget: int = Field(default=4, ge=1, le=20)
    crmcoach_default_tz: str = "UTC"

    # Coaches: Slack user ids and/or a Slack user group (S…) whose members may broadcast and see progress
    crmcoach_coaches: str = ""
    crmcoach_coach_group: str | None = None
    # When a manager's focus number has not moved for three weekly nudges, DM the coaches (CRMCOACH_COACHES)
    crmcoach_tell_coach_on_stall: bool = False

    # LLM coach (optional): OpenAI, or any OpenAI-compatible server (Ollama, vLLM) via OPENAI_BASE_URL
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    crmcoach_llm_model: str = "gpt-4o-mini"
    crmcoach_llm_timeout_seconds: float = Field(default=8.0, gt=0, le=120)
    crmcoach_llm_max_retries: int = Field(default=1, ge=0, le=5)
    crmcoach_llm_max_prompt_tokens: int = Field(default=1500, ge=300, le=8000)
    crmcoach_llm_send_names: bool = False

    @field_validator("crmcoach_nudge_time", "crmcoach_lesson_time")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        parse_clock(value)
        return value

    @field_validator("crmcoach_delivery_window")
    @classmethod
    def _delivery_window(cls, value: str) -> str:
        start, end = parse_range(value)
        if end < start:
            raise ValueError("the delivery window must start and end on the same day, like 08:00-18:00")
        return value

    @field_validator("crmcoach_quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str | None) -> str | None:
        if value:
            parse_range(value)
        return value or None

    @field_validator("crmcoach_lesson_days")
    @classmethod
    def _weekdays(cls, value: str) -> str:
        parse_weekdays(value)
        return value

    @field_validator("crmcoach_coaches")
    @classmethod
    def _coach_ids(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            team, _, user = part.rpartition(":")
            if not _is_slack_id(user, "UW") or (team and not _is_slack_id(team, "TE")):
                raise ValueError(f"'{part}' is not a Slack user id like U012AB3CD or T012AB3CD:U012AB3CD")
        return value

    @field_validator("slack_team_ids")
    @classmethod
    def _team_ids(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            if not _is_slack_id(part, "TE"):
                raise ValueError(f"'{part}' is not a Slack team id like T012AB3CD")
        return value

    @property
    def listed_team_ids(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.slack_team_ids.split(",") if p.strip())

    @field_validator("crmcoach_holidays")
    @classmethod
    def _holidays(cls, value: str) -> str:
        parse_dates(value)
        return value

    @field_validator("crmcoach_default_tz")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA timezone such as Europe/Vienna") from None
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_prefix(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_prefix(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("only sqlite:/// and postgresql+psycopg:// URLs are supported")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # psycopg 3 is the driver we ship; plain URLs would ask SQLAlchemy for psycopg2.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @property
    def llm_enabled(self) -> bool:
        return self.openai_api_key is not None or bool(self.openai_base_url)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_slack(self) -> None:
        """Raise ConfigError unless the settings needed to talk to Slack are present."""
        problems: dict[str, str] = {}
        if self.slack_bot_token is None:
            problems["SLACK_BOT_TOKEN"] = "missing"
        if self.slack_signing_secret is None and not self.socket_mode:
            problems["SLACK_SIGNING_SECRET"] = "missing (needed for HTTP mode)"
        if problems:
            raise ConfigError(problems)

    def require_crm(self) -> None:
        """Raise ConfigError unless the chosen CRM connector has what it needs to connect."""
        problems: dict[str, str] = {}
        if self.crm_connector == "hubspot" and self.hubspot_access_token is None:
            problems["HUBSPOT_ACCESS_TOKEN"] = "missing (CRM_CONNECTOR=hubspot)"
        if self.crm_connector == "pipedrive" and self.pipedrive_api_token is None:
            problems["PIPEDRIVE_API_TOKEN"] = "missing (CRM_CONNECTOR=pipedrive)"
        if self.crm_connector == "salesforce":
            if self.salesforce_access_token is not None and not self.salesforce_instance_url:
                problems["SALESFORCE_INSTANCE_URL"] = "missing (needed with SALESFORCE_ACCESS_TOKEN)"
            password_login = self.salesforce_username and self.salesforce_password
            if self.salesforce_access_token is None and not password_login:
                problems["SALESFORCE_ACCESS_TOKEN"] = "missing (CRM_CONNECTOR=salesforce)"
        if problems:
            raise ConfigError(problems)

    def request_signing_secret(self) -> str | None:
        """What HTTP requests must be signed with; None in Socket Mode, where nothing comes over HTTP."""
        if self.socket_mode or self.slack_signing_secret is None:
            return None
        return self.slack_signing_secret.get_secret_value()

    def bot_token(self) -> str:
        self.require_slack()
        assert self.slack_bot_token is not None
        return self.slack_bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's errors into one ConfigError naming every bad field."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "settings"
            problems[field.upper()] = _short_message(error["msg"])
        raise ConfigError(problems) from None


def _short_message(message: str) -> str:
    return message.removeprefix("Value error, ")


def _is_slack_id(text: str, prefixes: str) -> bool:
    return text[:1] in prefixes and len(text) > 2 and text[1:].isalnum() and text.isupper()
