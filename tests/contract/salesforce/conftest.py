"""The world, the HTTPS Salesforce stand-in serving it, and connectors on it (closed after the test)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.crm.salesforce import SalesforceConnector
from tests.contract.salesforce.support import Make
from tests.contract.world import World, build_world
from tests.fakes.salesforce import SalesforceStandIn


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture
def standin(world: World, tmp_path: Path) -> Iterator[SalesforceStandIn]:
    with SalesforceStandIn(workdir=tmp_path) as server:
        server.load_world(world)
        yield server


@pytest.fixture
def make(standin: SalesforceStandIn) -> Iterator[Make]:
    """Connectors on the stand-in with test-sized timeouts and backoff; overrides as keyword arguments."""
    made: list[SalesforceConnector] = []

    def build(**overrides: Any) -> SalesforceConnector:
        options: dict[str, Any] = {
            "instance_url": standin.origin,
            "access_token": standin.access_token,
            "verify": str(standin.ca_bundle),
            # A busy machine may take longer than half a second to answer over TLS, and a retried request
            # would break the request counts; the hanging-server test sets its own short timeout.
            "timeout": 5.0,
            "backoff": 0.01,
            **overrides,
        }
        connector = SalesforceConnector(**options)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        connector.close()
