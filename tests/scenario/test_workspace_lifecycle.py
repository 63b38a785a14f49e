"""A workspace leaves: app_uninstalled / tokens_revoked stop all sending at once, the data goes later."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.requests import event_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import OutboxMessage
from bot.store.models import Base, Workspace
from bot.store.workspace_lifecycle import purge_workspaces
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET, enroll_everyone
from tests.helpers import command


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    return container


def _send_event(url: str, slack: SlackStandIn, event: dict[str, Any], event_id: str) -> None:
    body = event_body(team_id=slack.team_id, event=event, event_id=event_id)
    assert post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET).status == 200


def _statuses(container: Container) -> list[str]:
    with Session(container.engine) as session:
        return list(session.scalars(select(OutboxMessage.status)))


def _wait_for_log(caplog: pytest.LogCaptureFixture, text: str) -> None:
    deadline = time.monotonic() + 10
    while not any(text in record.getMessage() for record in caplog.records) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(text in record.getMessage() for record in caplog.records), f"no log line with {text!r}"


def _wait_until_stopped(container: Container) -> None:
    deadline = time.monotonic() + 10
    while "pending" in _statuses(container) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_uninstall_stops_a_pending_delivery_and_everything_after(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    assert "pending" in _statuses(enrolled)  # the welcomes are waiting

    _send_event(base_url, slack, {"type": "app_uninstalled", "event_ts": "1.1"}, "EvUNINSTALL")
    _wait_until_stopped(enrolled)
    tick(delivery=enrolled.delivery, now=NOW + timedelta(hours=5))
    tick(delivery=enrolled.delivery, now=NOW + timedelta(days=7))  # a Monday: nudges would fall due

    assert set(_statuses(enrolled)) <= {"skipped"}
    assert not slack.calls_to("chat.postMessage")
    with Session(enrolled.engine) as session:
        workspace = session.get(Workspace, slack.team_id)
        assert workspace is not None and workspace.purge_after == NOW + timedelta(days=30)


def test_a_revoked_bot_token_stops_sending_too(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}, "event_ts": "1.1"}
    _send_event(base_url, slack, event, "EvREVOKED")
    _wait_until_stopped(enrolled)
    tick(delivery=enrolled.delivery, now=NOW + timedelta(hours=5))

    assert set(_statuses(enrolled)) <= {"skipped"}
    assert not slack.calls_to("chat.postMessage")


def test_data_is_purged_after_the_retention_period(
    enrolled: Container,
    base_url: str,
    slack: SlackStandIn,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _send_event(base_url, slack, {"type": "app_uninstalled", "event_ts": "1.1"}, "EvUNINSTALL")
    _wait_until_stopped(enrolled)

    assert purge_workspaces(enrolled.sessions, now=NOW + timedelta(days=29)) == []
    monkeypatch.setenv("DATABASE_URL", enrolled.settings.database.url)
    assert main(["workspaces", "purge"]) == 0
    assert "No workspace is due" in capsys.readouterr().out
    assert main(["workspaces", "purge", "--all-uninstalled"]) == 0

    assert f"Purged workspace {slack.team_id}" in capsys.readouterr().out
    with Session(enrolled.engine) as session:
        for name, table in Base.metadata.tables.items():
            if "team_id" in table.c:
                left = session.scalar(
                    select(func.count()).select_from(table).where(table.c.team_id == slack.team_id)
                )
                assert left == 0, name


def test_a_workspace_that_installs_the_app_again_gets_its_coaching_back(
    enrolled: Container, base_url: str, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack.lifecycle")
    _send_event(base_url, slack, {"type": "app_uninstalled", "event_ts": "1.1"}, "EvUNINSTALL")
    _wait_until_stopped(enrolled)
    # Slack also sends tokens_revoked after an uninstall: that is not a sign of being back.
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}, "event_ts": "1.2"}
    _send_event(base_url, slack, event, "EvREVOKED")
    # Bolt runs event listeners after the ack: wait until tokens_revoked was handled, so the reinstall
    # below comes after it, as it does in real life
    _wait_for_log(caplog, "tokens_revoked")
    with Session(enrolled.engine) as session:
        gone = session.get(Workspace, slack.team_id)
        assert gone is not None and gone.uninstalled_at is not None

    assert command(base_url, slack, "U0ANNA", "help").status == 200  # installed again: Slack sends requests

    with Session(enrolled.engine) as session:
        back = session.get(Workspace, slack.team_id)
        assert back is not None and (back.uninstalled_at, back.purge_after) == (None, None)
    tick(delivery=enrolled.delivery, now=NOW + timedelta(days=7))  # a Monday: the nudges go out again
    assert {call.params.get("channel") for call in slack.calls_to("chat.postMessage")} >= {"DU0ANNA"}


def test_an_uninstall_after_recent_requests_is_still_followed_by_a_reinstall(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    assert command(base_url, slack, "U0ANNA", "help").status == 200  # the web process remembers: installed
    _send_event(base_url, slack, {"type": "app_uninstalled", "event_ts": "1.1"}, "EvUNINSTALL")
    _wait_until_stopped(enrolled)

    assert command(base_url, slack, "U0ANNA", "help").status == 200  # installed again

    with Session(enrolled.engine) as session:
        back = session.get(Workspace, slack.team_id)
        assert back is not None and (back.uninstalled_at, back.purge_after) == (None, None)
