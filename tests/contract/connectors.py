"""Every connector the contract tests run, by name (tests/contract/worlds/<name>.py), and the shape of
the `connect` fixture (tests/contract/conftest.py) that opens one for a world."""

from __future__ import annotations

from collections.abc import Callable

from bot.crm.base import CRMConnector, ManagerStats
from tests.contract.world import Expected, World, iter_world_factories

FACTORIES = dict(iter_world_factories())
Connect = Callable[[str, World], CRMConnector]


def assert_team_values(stats: ManagerStats, want: Expected, manager_id: str) -> None:
    """The team's pipeline value as the ground truth has it: main currency, its value, the others apart."""
    assert (stats.currency, stats.open_value, stats.other_open_values) == (
        want.currency,
        want.open_value,
        want.other_values,
    ), manager_id
