"""What the HubSpot tests share: a connector to the stand-in, the deals a read should return, the owner
filters of a search, and a settable clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.crm.hubspot import HubSpotConnector
from bot.crm.ratelimit import SlidingWindowLimiter
from tests.contract.world import World
from tests.fakes.hubspot import HubSpotStandIn

NINETY_DAYS = timedelta(days=90)


def connect(standin: HubSpotStandIn, **options: Any) -> HubSpotConnector:
    settings: dict[str, Any] = {
        "access_token": standin.access_token,
        "api_url": standin.api_url,
        "timeout_seconds": 2.0,
        "backoff_seconds": 0.01,
        # HubSpot's 5 searches/s would slow every test; test_searches_stay_under_five_per_second keeps it.
        "search_limiter": SlidingWindowLimiter(100, 1.0),
        **options,
    }
    return HubSpotConnector(**settings)


def wanted_deal_ids(world: World, owners: set[str] | None = None) -> set[str]:
    since = world.now - NINETY_DAYS
    return {
        d.deal_id
        for d in world.deals
        if (owners is None or d.owner_id in owners)
        and (d.status == "open" or (d.closed_at is not None and d.closed_at >= since))
    }


def owner_filter_values(body: dict[str, Any]) -> list[set[str]]:
    return [
        set(f["values"])
        for group in body["filterGroups"]
        for f in group["filters"]
        if f["propertyName"] == "hubspot_owner_id"
    ]
