"""API requests per manager for a weekly bulk run, against each vendor's local stand-in.

    .venv/bin/python benchmarks/api_requests.py [--managers 500] [--reps-per-manager 8] [--deals 20000]

Builds one fictional org, serves it from the HubSpot, Pipedrive and Salesforce stand-ins
(tests/fakes; HubSpot's enforces its documented rate limits with 429s), runs a full refresh per
connector with production page sizes and limits, changes a share of the deals (--changed, 1 %), and
runs a second refresh (incremental where the connector supports it). Prints, per vendor, requests per
manager for both runs, the ratio of the full run to the fewest pages the data needs, and the 429s seen.
Prints numbers only; it passes or fails nothing.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the stand-ins live in tests/fakes

from bot.crm.base import CRMConnector
from bot.crm.hubspot import HubSpotConnector
from bot.crm.pipedrive import PipedriveConnector
from bot.crm.salesforce import SalesforceConnector
from tests.contract.world import World, build_world
from tests.fakes.hubspot import HubSpotStandIn
from tests.fakes.pipedrive import PipedriveStandIn, rfc3339
from tests.fakes.salesforce import SalesforceStandIn


@dataclass
class Run:
    connector: CRMConnector
    change: Callable[[str, datetime], None]  # edit one deal as a user would, at a moment
    rate_limited: Callable[[], int]  # 429s the stand-in answered


@contextmanager
def hubspot(world: World) -> Iterator[Run]:
    # HubSpot's documented limits, enforced by the stand-in: 5 searches/s, 100 requests per 10 s.
    with HubSpotStandIn.from_world(world, searches_per_second=5, requests_per_10s=100) as standin:
        connector = HubSpotConnector(access_token=standin.access_token, api_url=standin.api_url)
        yield Run(
            connector,
            lambda deal_id, at: standin.change("deals", deal_id, at=at, amount="4321"),
            lambda: len(standin.rate_limited()),
        )
        connector.close()


@contextmanager
def pipedrive(world: World) -> Iterator[Run]:
    # The smallest documented burst budget (20 per 2 s), enforced by the stand-in.
    with PipedriveStandIn.from_world(world, burst_limit=20) as standin:
        connector = PipedriveConnector(base_url=standin.base_url, api_token=standin.api_token)
        yield Run(
            connector,
            lambda deal_id, at: standin.deals[int(deal_id)].update(value=4321, update_time=rfc3339(at)),
            lambda: sum(1 for r in standin.requests if r.status == 429),
        )
        connector.close()


@contextmanager
def salesforce(world: World) -> Iterator[Run]:
    with tempfile.TemporaryDirectory() as folder, SalesforceStandIn(workdir=Path(folder)) as standin:
        standin.load_world(world)
        connector = SalesforceConnector(
            instance_url=standin.origin, access_token=standin.access_token, verify=str(standin.ca_bundle)
        )
        yield Run(
            connector,
            lambda deal_id, at: standin.change("Opportunity", deal_id, at=at, Amount=Decimal("4321")),
            lambda: sum(1 for r in standin.requests if r.status == 429),
        )
        connector.close()


CONNECTORS: dict[str, Callable[[World], AbstractContextManager[Run]]] = {
    "hubspot": hubspot,
    "pipedrive": pipedrive,
    "salesforce": salesforce,
}


STAGE_SETTINGS = 1  # pipelines (HubSpot), stages (Pipedrive), OpportunityStage (Salesforce)


def minimum_pages(name: str, world: World) -> int:
    """The fewest requests a full read needs: every record read once, in pages as large as allowed, and
    the stage settings once (one page at each vendor)."""
    recent = [a for a in world.activities if a.occurred_at >= world.now - timedelta(days=7)]
    deals = [
        d
        for d in world.deals
        if d.status == "open" or (d.closed_at and d.closed_at >= world.now - timedelta(days=90))
    ]

    def pages(count: int, size: int) -> int:
        return max(1, math.ceil(count / size))

    kinds = Counter(a.kind for a in recent)
    if name == "pipedrive":  # users, teams; open and closed deals apart; activities, done and planned
        open_deals = [d for d in deals if d.status == "open"]
        # next steps are planned activities; stale verdicts need the done ones of the stale window
        planned = sum(1 for d in open_deals if (d.next_step or "").strip()) + len(world.open_tasks)
        done = sum(1 for a in world.activities if a.occurred_at >= world.now - timedelta(days=14))
        return (
            2
            + pages(len(open_deals), 500)
            + pages(len(deals) - len(open_deals), 500)
            + pages(done, 500)
            + pages(planned, 500)
            + STAGE_SETTINGS
        )
    if name == "hubspot":  # owners 500 a page; one search per engagement type, 200 a page
        return (
            pages(len(world.owners), 500)
            + pages(len(deals), 200)
            + sum(pages(n, 200) for n in kinds.values())
            + STAGE_SETTINGS
        )
    # salesforce: users, deals, then tasks and events together in composite calls; 2,000 a batch
    tasks = sum(n for kind, n in kinds.items() if kind != "meeting")
    return (
        pages(len(world.owners), 2000)
        + pages(len(deals), 2000)
        + max(pages(tasks, 2000), pages(kinds["meeting"], 2000))
        + STAGE_SETTINGS
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--managers", type=int, default=500)
    parser.add_argument("--reps-per-manager", type=int, default=8)
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--changed", type=float, default=0.01, help="share of deals changed between runs")
    args = parser.parse_args()
    world = build_world(managers=args.managers, reps_per_manager=args.reps_per_manager, deals=args.deals)
    print(
        f"world: {args.managers} managers, {len(world.owners)} owners, {len(world.deals)} deals, "
        f"{len(world.activities)} activities; {args.changed:.0%} of deals change before the second run"
    )
    changed = world.deals[:: max(1, round(1 / args.changed))]
    for name, factory in CONNECTORS.items():
        with factory(world) as run:
            crm = run.connector
            started = time.perf_counter()
            stats = crm.all_manager_stats(now=world.now)
            seconds = time.perf_counter() - started
            full = int(getattr(crm, "requests_made", 0))
            for deal in changed:
                run.change(deal.deal_id, world.now + timedelta(hours=1))
            crm.all_manager_stats(now=world.now + timedelta(hours=2))
            again = int(getattr(crm, "requests_made", 0)) - full
            read = getattr(crm, "last_refresh", None)
            kind = read.kind if read is not None else "full"
            limited = run.rate_limited()
        minimum = minimum_pages(name, world)
        managers = len(stats)
        print(
            f"{name:10} full: {full / managers:.3f} requests/manager ({full} = {full / minimum:.2f}x the "
            f"{minimum} pages the data needs, target <= 1.2x) in {seconds:.1f} s; "
            f"second run ({kind}): {again / managers:.3f} requests/manager ({again}; target <= 0.02); "
            f"{limited} x 429"
        )


if __name__ == "__main__":
    main()
