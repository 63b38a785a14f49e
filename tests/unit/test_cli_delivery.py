"""`crmcoach managers enroll`, `tick` and `deliveries`, as an admin runs them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli import main
from bot.demo.standins.slack import SlackStandIn
from tests.conftest import SIGNING_SECRET


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeded: Engine, slack: SlackStandIn) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)


def test_enroll_tick_and_report(slack: SlackStandIn, capsys: pytest.CaptureFixture[str]) -> None:
    slack.deactivate_user("U0JAMES")

    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 0
    later = (datetime.now(UTC) + timedelta(days=4)).strftime(
        "%Y-%m-%dT%H:%MZ"
    )  # the welcomes are due by then
    assert main(["tick", "--now", later]) == 1  # James's deliveries failed for good
    assert main(["deliveries", "--status", "failed"]) == 0

    out = capsys.readouterr().out
    assert "Enrolled 2 new manager(s); 0 already enrolled." in out
    assert "not found in Slack: sofia.rossi@example.com" in out
    assert "failed" in out.split("Planned")[1].splitlines()[0]
    assert "Outbox: " in out and "U0JAMES" in out and "user_disabled" in out and "U0ANNA" not in out


def test_a_malformed_instant_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["tick", "--now", "next monday"])

    assert caught.value.code == 2
    assert "is not an ISO 8601 instant" in capsys.readouterr().err


def test_enroll_needs_to_know_whom(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["managers", "enroll"]) == 2
    assert "--all, or --crm-email" in capsys.readouterr().err
