"""Settings: defaults, validation, and one clear message naming every bad field."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_API_URL",
        "DATABASE_URL",
        "CRM_CONNECTOR",
        "PORT",
        "LOG_LEVEL",
        "CRMCOACH_STALE_DAYS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_the_embedded_setup() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite:///crmcoach.db"
    assert settings.crm_connector == "demo"
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.socket_mode is False


def test_env_file_is_read() -> None:
    Path(".env").write_text("PORT=8080\nSLACK_API_URL=https://slack-gov.com/api\nLOG_LEVEL=debug\n")

    settings = load_settings()

    assert settings.port == 8080
    assert settings.slack_api_url == "https://slack-gov.com/api/"
    assert settings.log_level == "DEBUG"


def test_every_invalid_field_is_named_with_a_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("CRM_CONNECTOR", "excel")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("DATABASE_URL", "mysql://db")

    with pytest.raises(ConfigError) as caught:
        load_settings()

    assert set(caught.value.problems) == {"PORT", "CRM_CONNECTOR", "SLACK_BOT_TOKEN", "DATABASE_URL"}
    message = caught.value.render()
    assert "SLACK_BOT_TOKEN: must start with xoxb-" in message
    assert "OAuth & Permissions" in message
    assert "xoxp-user-token" not in message  # secrets are never echoed


def test_slack_settings_are_required_only_where_slack_is_used() -> None:
    settings = load_settings()

    with pytest.raises(ConfigError) as caught:
        settings.require_slack()

    assert set(caught.value.problems) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")

    settings = load_settings()

    settings.require_slack()
    assert settings.socket_mode is True


def test_plain_postgres_urls_use_psycopg_3() -> None:
    settings = Settings(_env_file=None, database_url="postgresql://u@h/db")  # type: ignore[call-arg]

    assert settings.database_url == "postgresql+psycopg://u@h/db"


def test_coaches_may_name_their_workspace_and_team_ids_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMCOACH_COACHES", "U012AB3CD, T045EF6GH:U045EF6GH")
    monkeypatch.setenv("SLACK_TEAM_IDS", "T045EF6GH,T099")

    settings = load_settings()

    assert settings.listed_team_ids == ("T045EF6GH", "T099")


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
