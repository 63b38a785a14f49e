"""The HubSpot connector against the HubSpot stand-in serving the world.

Teams come from HubSpot alone: each manager is an *additional* member of the team their reports have as
main team (the convention in bot/crm/hubspot.py), so no roster is passed. A customer who does not keep
teams that way sets CRMCOACH_ROSTER_CSV instead; tests/contract/hubspot/ checks that path with
Roster(manager_email_by_email=...) built from the same world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.crm.base import CRMConnector
from bot.crm.hubspot import HubSpotConnector
from bot.crm.ratelimit import SlidingWindowLimiter
from tests.contract.world import World
from tests.fakes.hubspot import HubSpotStandIn


@contextmanager
def connector_for(world: World, tmp_path: Path) -> Iterator[CRMConnector]:
    del tmp_path  # nothing to store on disk
    with hubspot_portal(world) as (_, connector):
        yield connector


@contextmanager
def hubspot_portal(world: World, **options: Any) -> Iterator[tuple[HubSpotStandIn, HubSpotConnector]]:
    """The world as a HubSpot portal (`options` for the stand-in: company_currency, ...) and the connector
    reading it; a test may change the portal's records before the connector first asks."""
    with HubSpotStandIn.from_world(world, **options) as standin:
        connector = HubSpotConnector(
            access_token=standin.access_token,
            api_url=standin.api_url,
            timeout_seconds=5.0,
            # Test-sized, as in tests/contract/hubspot/: of the tests using this portal only the currency test
            # scripts a failure, and none checks how long a retry waits (test_ratelimit.py does). Set
            # here since d4c50e3 for the world contract tests too, none of which scripts a failure.
            backoff_seconds=0.01,
            # HubSpot's 5 searches/s would add seconds here; tests/contract/hubspot/ checks the real limits.
            search_limiter=SlidingWindowLimiter(100, 1.0),
        )
        try:
            yield standin, connector
        finally:
            connector.close()
