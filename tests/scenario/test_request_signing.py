"""Only requests signed with our secret, within Slack's 5-minute window, reach a listener."""

from __future__ import annotations

import time

import pytest

from bot.container import Container
from bot.demo.standins.slack import SlackStandIn
from tests.helpers import command, managers


@pytest.mark.parametrize(
    ("secret", "age_seconds"),
    [
        pytest.param("not-our-secret", 0, id="forged"),
        pytest.param("test-signing-secret", 301, id="stale"),
        pytest.param(None, 0, id="unsigned"),
    ],
)
def test_bad_signatures_are_rejected_without_side_effects(
    base_url: str, slack: SlackStandIn, container: Container, secret: str | None, age_seconds: int
) -> None:
    calls_before = list(slack.calls)

    result = command(
        base_url, slack, "U0JAMES", "stats", secret=secret, timestamp=int(time.time()) - age_seconds
    )
    time.sleep(0.3)  # a lazy listener, had one started, would have called Slack by now

    assert result.status == 401
    assert slack.calls == calls_before
    assert managers(container.engine) == []


def test_a_signed_request_inside_the_window_is_accepted(base_url: str, slack: SlackStandIn) -> None:
    result = command(base_url, slack, "U0JAMES", "stats", timestamp=int(time.time()) - 240)

    assert result.status == 200
