"""Settings: the only place the environment (and .env) is read.

The environment names are flat (SLACK_BOT_TOKEN, CRMCOACH_NUDGE_TIME, …); the code reads them grouped and
parsed (`settings.slack.bot_token`, `settings.schedule.nudge_time` is a `time`). Each field's alias is its
environment name and its description says what to set it to: ConfigError's hints and
docs/configuration.md (`crmcoach config docs`) both come from there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, ClassVar

from pydantic import Field, SecretStr, ValidationError, create_model, field_validator, model_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.sources import EnvSettingsSource

from bot.config_crm import CRM_VARIANTS, CRMConnectorName, CRMSettings, DemoCRM
from bot.config_groups import (
    CoachingSettings,
    DatabaseSettings,
    LLMSettings,
    ScheduleSettings,
    ServerSettings,
)
from bot.config_types import Group, TeamIds

__all__ = ["CRMConnectorName", "ConfigError", "Settings", "load_settings"]


class ConfigError(Exception):
    """Settings are missing or invalid; `problems` maps each env var to what is wrong."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = ["CRM Coach cannot start: please fix these settings (environment or .env file):"]
        hints = setting_hints()
        for name, problem in self.problems.items():
            hint = hints.get(name)
            lines.append(f"  - {name}: {problem}" + (f"; set it to {hint}" if hint else ""))
        return "\n".join(lines)


class SlackSettings(Group):
    title: ClassVar[str] = "Slack"
    bot_token: SecretStr | None = Field(
        None,
        alias="SLACK_BOT_TOKEN",
        description="the Bot User OAuth Token (xoxb-…) from your Slack app's 'OAuth & Permissions' page "
        "(required by `serve`)",
    )
    signing_secret: SecretStr | None = Field(
        None,
        alias="SLACK_SIGNING_SECRET",
        description="the Signing Secret from your Slack app's 'Basic Information' page (required by `serve` "
        "over HTTP)",
    )
    app_token: SecretStr | None = Field(
        None,
        alias="SLACK_APP_TOKEN",
        description="an app-level token (xapp-…) with connections:write to use Socket Mode, or leave it "
        "unset to use HTTP",
    )
    api_url: str = Field(
        "https://slack.com/api/",
        alias="SLACK_API_URL",
        description="the Slack Web API base URL ending in /api/ (GovSlack; tests point it at a stand-in)",
    )
    team_ids: TeamIds = Field(
        (),
        alias="SLACK_TEAM_IDS",
        description="Slack team ids separated by commas, e.g. T012AB3CD,T045EF6GH: the workspaces this "
        "install serves besides the bot token's own (requests from any other get an empty 200 and change "
        "nothing)",
    )

    @field_validator("bot_token")
    @classmethod
    def _bot_token_prefix(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("app_token")
    @classmethod
    def _app_token_prefix(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def require(self) -> None:
        """Raise ConfigError unless the settings needed to talk to Slack are present."""
        problems: dict[str, str] = {}
        if self.bot_token is None:
            problems["SLACK_BOT_TOKEN"] = "missing"
        if self.signing_secret is None and not self.socket_mode:
            problems["SLACK_SIGNING_SECRET"] = "missing (needed for HTTP mode)"
        if problems:
            raise ConfigError(problems)

    def request_signing_secret(self) -> str | None:
        """What HTTP requests must be signed with; None in Socket Mode, where nothing comes over HTTP."""
        if self.socket_mode or self.signing_secret is None:
            return None
        return self.signing_secret.get_secret_value()


class Settings(BaseSettings):
    """Every setting, grouped. Built from flat environment names: `Settings(DATABASE_URL=…)` or lower case."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    slack: SlackSettings = Field(default_factory=SlackSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    coaching: CoachingSettings = Field(default_factory=CoachingSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    crm: CRMSettings = Field(default_factory=DemoCRM)
    server: ServerSettings = Field(default_factory=ServerSettings)

    def __init__(self, **values: Any) -> None:
        """Flat environment names (any case) as keyword arguments; `_env_file=None` skips .env."""
        options = {key: values.pop(key) for key in list(values) if key.startswith("_")}
        try:
            by_group: dict[str, Any] = grouped(values)
            super().__init__(**options, **by_group)
        except ValidationError as exc:
            raise ConfigError(problems_of(exc)) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Users set flat names; no nested delimiters. Environment wins over .env.
        return init_settings, _Grouped(env_settings), _Grouped(dotenv_settings)

    @model_validator(mode="before")
    @classmethod
    def _demo_unless_told(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("crm"), dict):
            data["crm"] = {"CRM_CONNECTOR": "demo", **data["crm"]}
        return data

    def replaced(self, **values: object) -> Settings:
        """These settings with some replaced (flat environment names); validated, the environment unread."""
        current = {
            str(field.alias): getattr(group, name)
            for group in (getattr(self, group_name) for group_name in type(self).model_fields)
            for name, field in type(group).model_fields.items()
        }
        merged = {**current, **{key.upper(): value for key, value in values.items()}}
        try:  # not Settings.model_validate: that would read the environment again
            validated = _Groups.model_validate(grouped(merged))
        except ValidationError as exc:
            raise ConfigError(problems_of(exc)) from None
        return self.model_copy(update={name: getattr(validated, name) for name in type(self).model_fields})


# The groups of Settings as a plain model: validates values without reading any environment.
_GROUP_FIELDS: dict[str, Any] = {
    name: (field.annotation, field) for name, field in Settings.model_fields.items()
}
_Groups = create_model("_Groups", **_GROUP_FIELDS)


class _Grouped(PydanticBaseSettingsSource):
    """An environment source (variables or .env) whose flat names are sorted into the groups."""

    def __init__(self, source: PydanticBaseSettingsSource) -> None:
        super().__init__(source.settings_cls)
        self._source = source

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        raise NotImplementedError  # __call__ reads the variables at once

    def __call__(self) -> dict[str, Any]:
        variables = self._source.env_vars if isinstance(self._source, EnvSettingsSource) else {}
        return grouped(variables)


def _groups() -> Iterator[tuple[str, type[Group]]]:
    """(field name in Settings, model) for every group, each CRM variant on its own."""
    for name, field in Settings.model_fields.items():
        models = CRM_VARIANTS if name == "crm" else (field.annotation,)
        for model in models:
            assert isinstance(model, type) and issubclass(model, Group)
            yield name, model


def setting_groups() -> list[type[Group]]:
    return [model for _, model in _groups()]


@cache
def _env_names() -> dict[str, str]:
    """Each environment name (lower case) and the group it belongs to."""
    return {
        str(field.alias).lower(): group_name
        for group_name, model in _groups()
        for field in model.model_fields.values()
    }


def setting_hints() -> dict[str, str]:
    """What to set each environment name to: the fields' descriptions."""
    return {
        str(field.alias): str(field.description)
        for model in setting_groups()
        for field in model.model_fields.values()
    }


def grouped(values: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """{"DATABASE_URL": …} (any case) -> {"database": {"DATABASE_URL": …}}; unknown names are ignored."""
    groups = _env_names()
    result: dict[str, dict[str, object]] = {}
    for key, value in values.items():
        group = groups.get(key.lower())
        if group is not None:
            result.setdefault(group, {})[key.upper()] = value
    return result


def problems_of(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors by environment name, in words an operator understands."""
    problems: dict[str, str] = {}
    for error in exc.errors():
        name, message = _problem(error)
        problems.setdefault(name, message)
    return problems


def _problem(error: ErrorDetails) -> tuple[str, str]:
    context = error.get("ctx") or {}
    if "setting" in context:
        return str(context["setting"]), error["msg"]
    if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
        tag = context.get("tag")
        return "CRM_CONNECTOR", f"there is no connector '{tag}'" if tag else "missing"
    names = [part for part in error["loc"] if isinstance(part, str) and part.isupper()]
    name = names[-1] if names else "settings"
    if error["type"] == "missing":
        connector = error["loc"][1] if error["loc"][:1] == ("crm",) else None
        return name, f"missing (CRM_CONNECTOR={connector})" if connector else "missing"
    return name, error["msg"].removeprefix("Value error, ")


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and .env; raises one ConfigError naming every bad field."""
    return Settings(**overrides)
