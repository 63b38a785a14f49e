"""The world, the Pipedrive stand-in serving it, and connectors against it closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.crm.pipedrive import PipedriveConnector
from tests.contract.pipedrive.support import ConnectorFactory
from tests.contract.world import World, build_world
from tests.fakes.pipedrive import PipedriveStandIn


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture
def standin(world: World) -> Iterator[PipedriveStandIn]:
    with PipedriveStandIn.from_world(world) as running:
        yield running


@pytest.fixture
def make_connector(standin: PipedriveStandIn) -> Iterator[ConnectorFactory]:
    made: list[PipedriveConnector] = []

    def make(**overrides: Any) -> PipedriveConnector:
        options: dict[str, Any] = {
            "base_url": standin.base_url,
            "api_token": standin.api_token,
            "timeout_seconds": 2.0,
            "requests_per_window": 1000,
            "retry_backoff": 0.01,
            **overrides,
        }
        connector = PipedriveConnector(**options)
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()
