"""API requests per manager for a weekly bulk run, against each vendor's local stand-in.

    .venv/bin/python benchmarks/api_requests.py [--managers 500] [--reps-per-manager 8] [--deals 20000]

Builds one fictional org, serves it from the HubSpot, Pipedrive and Salesforce stand-ins
(tests/fakes), runs all_manager_stats() once per connector with production page sizes, and prints
requests per manager (the target is <= 0.1) and the ratio to the fewest pages the data needs.
Prints numbers only; it passes or fails nothing.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the stand-ins live in tests/fakes

from bot.crm.base import CRMConnector
from bot.crm.hubspot import HubSpotConnector
from bot.crm.pipedrive import PipedriveConnector
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.salesforce import SalesforceConnector
from tests.contract.world import World, build_world
from tests.fakes.hubspot import HubSpotStandIn
from tests.fakes.pipedrive import PipedriveStandIn
from tests.fakes.salesforce import SalesforceStandIn

Factory = Callable[[World], AbstractContextManager[CRMConnector]]


@contextmanager
def hubspot(world: World) -> Iterator[CRMConnector]:
    with HubSpotStandIn.from_world(world) as standin:
        # Limits raised so the benchmark measures requests, not HubSpot's 5 searches per second.
        connector = HubSpotConnector(
            access_token=standin.access_token,
            api_url=standin.api_url,
            search_limiter=SlidingWindowLimiter(1000, 1.0),
            general_limiter=SlidingWindowLimiter(10_000, 10.0),
        )
        yield connector
        connector.close()


@contextmanager
def pipedrive(world: World) -> Iterator[CRMConnector]:
    with PipedriveStandIn.from_world(world) as standin:
        connector = PipedriveConnector(
            base_url=standin.base_url, api_token=standin.api_token, requests_per_window=10_000
        )
        yield connector
        connector.close()


@contextmanager
def salesforce(world: World) -> Iterator[CRMConnector]:
    with tempfile.TemporaryDirectory() as folder, SalesforceStandIn(workdir=Path(folder)) as standin:
        standin.load_world(world)
        connector = SalesforceConnector(
            instance_url=standin.origin, access_token=standin.access_token, verify=str(standin.ca_bundle)
        )
        yield connector
        connector.close()


# name -> (factory, page size for deals and activities)
CONNECTORS: dict[str, tuple[Factory, int]] = {
    "hubspot": (hubspot, 200),
    "pipedrive": (pipedrive, 500),
    "salesforce": (salesforce, 2000),
}


def _minimum_pages(world: World, page_size: int) -> int:
    recent = [a for a in world.activities if a.occurred_at >= world.now - timedelta(days=7)]
    relevant = [
        d
        for d in world.deals
        if d.status == "open" or (d.closed_at and d.closed_at >= world.now - timedelta(days=90))
    ]
    return math.ceil(len(relevant) / page_size) + math.ceil(len(recent) / page_size) + 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--managers", type=int, default=500)
    parser.add_argument("--reps-per-manager", type=int, default=8)
    parser.add_argument("--deals", type=int, default=20_000)
    args = parser.parse_args()
    world = build_world(managers=args.managers, reps_per_manager=args.reps_per_manager, deals=args.deals)
    print(
        f"world: {args.managers} managers, {len(world.owners)} owners, {len(world.deals)} deals, "
        f"{len(world.activities)} activities"
    )
    for name, (factory, page_size) in CONNECTORS.items():
        with factory(world) as connector:
            started = time.perf_counter()
            stats = connector.all_manager_stats(now=world.now)
            seconds = time.perf_counter() - started
            requests = int(getattr(connector, "requests_made", 0))
        minimum = _minimum_pages(world, page_size)
        print(
            f"{name:10} {requests:6} requests for {len(stats)} managers = "
            f"{requests / len(stats):.3f} per manager (target 0.1); "
            f"{requests / minimum:.2f}x the {minimum} pages the data needs; {seconds:.1f} s"
        )


if __name__ == "__main__":
    main()
