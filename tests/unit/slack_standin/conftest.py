"""The Slack stand-in with two users, and a WebClient that sees its errors (no retries)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.demo.standins.slack import SlackStandIn


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id="T0UNIT", team_name="Unit Org") as slack:
        slack.add_user("U0ANNA", name="Anna Berger", email="Anna.Berger@example.com", locale="de-DE")
        slack.add_user("U0BEN", name="Ben Okafor", email="ben@example.com")
        yield slack


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url, retry_handlers=[])
