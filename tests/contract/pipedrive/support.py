"""What the Pipedrive contract tests share: constants, a settable clock, request filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.crm.pipedrive import PipedriveConnector
from tests.contract.world import World
from tests.fakes.pipedrive import PipedriveStandIn

LIST_PATHS = ("/api/v2/deals", "/api/v2/activities")
STALE_DAYS = 14  # the connector's default


ConnectorFactory = Callable[..., PipedriveConnector]


def list_requests(standin: PipedriveStandIn) -> list[Any]:
    """Deal and activity list queries, without the by-id look-ups of linked activities."""
    return [r for r in standin.requests if r.path in LIST_PATHS and "ids" not in r.query]


def id_lookups(standin: PipedriveStandIn) -> list[Any]:
    return [r for r in standin.requests if r.path == "/api/v2/activities" and "ids" in r.query]


def midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def quiet_open_deals(world: World, owners: set[str] | None = None) -> list[Any]:
    """Open deals created before the stale window and without activity since: stale in the world."""
    before = world.now - timedelta(days=STALE_DAYS)
    return [
        d
        for d in world.deals
        if d.status == "open"
        and d.created_at < before
        and (d.last_activity_at is None or d.last_activity_at < before)
        and (owners is None or d.owner_id in owners)
    ]
