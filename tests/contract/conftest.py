"""The connector set-up the contract tests share: the world, and each connector against it (its vendor's
stand-in, or the local CRM tables), closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from bot.crm.base import CRMConnector
from tests.contract.connectors import FACTORIES, Connect
from tests.contract.world import World, build_world, with_foreign_currencies


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture(scope="module")
def world_in_currencies() -> World:
    return with_foreign_currencies(build_world())


@pytest.fixture
def connect(tmp_path: Path) -> Iterator[Connect]:
    """`connect(name, world)`: the connector of tests/contract/worlds/<name>.py serving that world, open
    until the test ends (a test asking for two worlds gets a directory for each)."""
    with ExitStack() as stack:
        opened = 0

        def open_connector(name: str, world: World) -> CRMConnector:
            nonlocal opened
            opened += 1
            place = tmp_path / str(opened)
            place.mkdir()
            return stack.enter_context(FACTORIES[name](world, place))

        yield open_connector


@pytest.fixture(params=sorted(FACTORIES))
def connector(request: pytest.FixtureRequest, world: World, connect: Connect) -> CRMConnector:
    return connect(request.param, world)


@pytest.fixture(params=sorted(FACTORIES))
def connector_in_currencies(
    request: pytest.FixtureRequest, world_in_currencies: World, connect: Connect
) -> CRMConnector:
    return connect(request.param, world_in_currencies)
