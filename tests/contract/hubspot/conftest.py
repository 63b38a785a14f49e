"""The HubSpot tests' world, and the HubSpot stand-in serving it, closed after the test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.world import World, build_world
from tests.fakes.hubspot import HubSpotStandIn


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture
def standin(world: World) -> Iterator[HubSpotStandIn]:
    with HubSpotStandIn.from_world(world) as running:
        yield running
