"""`/crmcoach stats` with a real API connector (HubSpot) behind it, and when that CRM misbehaves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.container import Container
from bot.crm.hubspot import HubSpotConnector
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.demo.standins.slack import SlackStandIn
from bot.formatting import format_money
from tests.conftest import ServerFactory, replace
from tests.contract.world import World, build_world, expected
from tests.fakes.crm import GatedConnector
from tests.fakes.hubspot import HubSpotStandIn
from tests.helpers import all_text, command, final_reply, reply


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture
def hubspot(world: World) -> Iterator[HubSpotStandIn]:
    with HubSpotStandIn.from_world(world) as standin:
        yield standin


@pytest.fixture
def hubspot_url(
    container: Container, serve: ServerFactory, hubspot: HubSpotStandIn, world: World
) -> Iterator[str]:
    connector = HubSpotConnector(
        access_token=hubspot.access_token,
        api_url=hubspot.api_url,
        timeout_seconds=1.0,
        search_limiter=SlidingWindowLimiter(100, 1.0),
    )
    yield serve(replace(container, crm=connector, clock=lambda: world.now))
    connector.close()


def test_stats_come_from_hubspot(hubspot_url: str, slack: SlackStandIn, world: World) -> None:
    command(hubspot_url, slack, "U0JAMES", "stats")

    text = all_text(final_reply(slack))
    want = expected(world, "M00002")
    assert "Numbers from HubSpot" in text
    assert f"*Open deals*\n{want.open_deals} · {format_money(want.open_value, 'EUR', 'en')}" in text
    assert f"You: {want.activities_manager} · Team: {want.activities_team}" in text


def test_a_rejected_hubspot_token_is_explained_at_once(
    hubspot_url: str, slack: SlackStandIn, hubspot: HubSpotStandIn
) -> None:
    hubspot.fail_next(status=401, times=50)

    command(hubspot_url, slack, "U0JAMES", "stats")

    first = all_text(reply(slack))  # the explanation itself, before any "takes longer" note
    assert "HubSpot did not accept our credentials" in first
    assert "Traceback" not in first and "401" not in first


def test_a_slow_crm_gets_a_note_within_three_seconds_then_the_numbers(
    container: Container, serve: ServerFactory, slack: SlackStandIn
) -> None:
    gated = GatedConnector(container.crm)
    base_url = serve(replace(container, crm=gated))

    command(base_url, slack, "U0JAMES", "stats")

    note = all_text(reply(slack))
    assert "Getting your numbers from Demo CRM takes longer than usual" in note
    gated.gate.set()
    assert "Your pipeline, James" in all_text(reply(slack, count=2))
