"""Settings: defaults, parsing into types, validation, and one clear message naming every bad field."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import ConfigError, Settings, load_settings, setting_groups, setting_hints
from bot.config_crm import DemoCRM, HubSpotCRM
from bot.config_types import CoachId


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in setting_hints():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_the_embedded_setup() -> None:
    settings = load_settings()

    assert settings.database.url == "sqlite:///crmcoach.db"
    assert isinstance(settings.crm, DemoCRM) and settings.crm.connector == "demo"
    assert settings.server.port == 3000
    assert settings.slack.api_url == "https://slack.com/api/"
    assert settings.slack.socket_mode is False
    assert settings.llm.enabled is False


def test_env_file_is_read_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    Path(".env").write_text("PORT=8080\nSLACK_API_URL=https://slack-gov.com/api\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("log_level", "warning")  # names are not case-sensitive

    settings = load_settings()

    assert settings.server.port == 8080
    assert settings.slack.api_url == "https://slack-gov.com/api/"
    assert settings.server.log_level == "WARNING"


def test_the_schedule_is_parsed_once_into_times_days_dates_and_a_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "CRMCOACH_NUDGE_DAY": "Friday",
        "CRMCOACH_NUDGE_TIME": "7:30",
        "CRMCOACH_LESSON_DAYS": "4, 0",
        "CRMCOACH_DELIVERY_WINDOW": "07:00–19:00",
        "CRMCOACH_QUIET_HOURS": "12-13",
        "CRMCOACH_HOLIDAYS": "2026-12-24, 2026-12-25",
        "CRMCOACH_DEFAULT_TZ": "Europe/Vienna",
    }.items():
        monkeypatch.setenv(name, value)

    schedule = load_settings().schedule

    assert (schedule.nudge_day, schedule.nudge_time) == (4, time(7, 30))
    assert (schedule.lesson_days, schedule.lesson_time) == ((0, 4), time(10))
    assert schedule.delivery_window == (time(7), time(19))
    assert schedule.quiet_hours == (time(12), time(13))
    assert schedule.holidays == {date(2026, 12, 24), date(2026, 12, 25)}
    assert schedule.default_tz == ZoneInfo("Europe/Vienna")


def test_every_invalid_field_is_named_with_the_hint_of_its_description(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("CRM_CONNECTOR", "excel")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("DATABASE_URL", "mysql://db")
    monkeypatch.setenv("CRMCOACH_DELIVERY_WINDOW", "18:00-08:00")
    monkeypatch.setenv("CRMCOACH_DEFAULT_TZ", "Mars/Olympus")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    problems = caught.value.problems
    assert set(problems) == {
        "PORT",
        "CRM_CONNECTOR",
        "SLACK_BOT_TOKEN",
        "DATABASE_URL",
        "CRMCOACH_DELIVERY_WINDOW",
        "CRMCOACH_DEFAULT_TZ",
    }
    assert problems["CRM_CONNECTOR"] == "there is no connector 'excel'"
    assert "same day" in problems["CRMCOACH_DELIVERY_WINDOW"]
    message = caught.value.render()
    assert "SLACK_BOT_TOKEN: must start with xoxb-; set it to the Bot User OAuth Token" in message
    assert "OAuth & Permissions" in message
    assert "set it to one of: demo, csv, hubspot, salesforce, pipedrive" in message
    assert "xoxp-user-token" not in message  # secrets are never echoed


def test_a_connector_without_its_required_token_is_named_when_settings_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRM_CONNECTOR", "hubspot")
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "another connector's")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert caught.value.problems == {"HUBSPOT_ACCESS_TOKEN": "missing (CRM_CONNECTOR=hubspot)"}
    assert "set it to a HubSpot private app access token (pat-…)" in caught.value.render()


def test_each_connector_holds_only_its_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-1")
    monkeypatch.setenv("HUBSPOT_REQUESTS_PER_10S", "190")

    demo = load_settings().crm
    monkeypatch.setenv("CRM_CONNECTOR", "hubspot")
    hubspot = load_settings().crm

    assert not hasattr(demo, "access_token")
    assert isinstance(hubspot, HubSpotCRM)
    assert (hubspot.access_token.get_secret_value(), hubspot.requests_per_10s) == ("pat-1", 190)


def test_slack_settings_are_required_only_where_slack_is_used() -> None:
    settings = load_settings()

    with pytest.raises(ConfigError) as caught:
        settings.slack.require()

    assert set(caught.value.problems) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")

    settings = load_settings()

    settings.slack.require()
    assert settings.slack.socket_mode is True
    assert settings.slack.request_signing_secret() is None


def test_plain_postgres_urls_use_psycopg_3() -> None:
    settings = Settings(_env_file=None, database_url="postgresql://u@h/db")  # type: ignore[call-arg]

    assert settings.database.url == "postgresql+psycopg://u@h/db"


def test_coaches_may_name_their_workspace_and_team_ids_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMCOACH_COACHES", "U012AB3CD, T045EF6GH:U045EF6GH")
    monkeypatch.setenv("SLACK_TEAM_IDS", "T045EF6GH,T099")

    settings = load_settings()

    assert settings.coaching.coaches == (CoachId("", "U012AB3CD"), CoachId("T045EF6GH", "U045EF6GH"))
    assert settings.slack.team_ids == ("T045EF6GH", "T099")


@pytest.mark.parametrize(
    ("name", "value"),
    [("CRMCOACH_COACHES", "sales:U012AB3CD"), ("CRMCOACH_COACHES", "T0X:"), ("SLACK_TEAM_IDS", "U012AB3CD")],
)
def test_a_malformed_coach_or_team_id_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert set(caught.value.problems) == {name}
    assert "T012AB3CD" in caught.value.render()  # says what an id looks like


def test_the_llm_is_on_with_a_key_or_a_local_server() -> None:
    assert Settings(_env_file=None, openai_api_key="sk-1").llm.enabled  # type: ignore[call-arg]
    assert Settings(_env_file=None, openai_base_url="http://localhost:11434/v1").llm.enabled  # type: ignore[call-arg]


def test_replaced_settings_keep_the_rest_and_are_validated_again() -> None:
    settings = Settings(_env_file=None, crm_connector="hubspot", hubspot_access_token="pat-1")  # type: ignore[call-arg]

    later = settings.replaced(CRMCOACH_NUDGE_TIME="11:15", crmcoach_lesson_days="2")

    assert (later.schedule.nudge_time, later.schedule.lesson_days) == (time(11, 15), (2,))
    assert later.crm == settings.crm and later.slack == settings.slack
    with pytest.raises(ConfigError) as caught:
        settings.replaced(CRMCOACH_NUDGE_TIME="25:00")
    assert set(caught.value.problems) == {"CRMCOACH_NUDGE_TIME"}


def test_every_setting_has_an_environment_name_and_a_hint() -> None:
    fields = [field for model in setting_groups() for field in model.model_fields.values()]

    assert all(field.alias and field.alias.isupper() for field in fields)
    assert all(field.description and len(field.description) > 10 for field in fields)
