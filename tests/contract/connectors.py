"""Every connector the contract tests run, by name (tests/contract/worlds/<name>.py), and the shape of
the `connect` fixture (tests/contract/conftest.py) that opens one for a world."""

from __future__ import annotations

from collections.abc import Callable

from bot.crm.base import CRMConnector
from tests.contract.world import World, iter_world_factories

FACTORIES = dict(iter_world_factories())
Connect = Callable[[str, World], CRMConnector]
