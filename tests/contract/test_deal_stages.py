"""A CRM that will not describe its stages still serves every number: the stages call is optional.

The last stage names read then serve; with none, the stats say the names could not be read and
list no stage (ids are no labels a manager knows), and the counts stay exact. Each API
connector reads the stage settings once per stats run, however many deals and pages there are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.crm.base import ManagerStats
from bot.crm.hubspot import HubSpotConnector
from bot.crm.pipedrive import PipedriveConnector
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.salesforce import SalesforceConnector
from bot.crm.snapshot import OWNER_CACHE_SECONDS, SnapshotConnector
from tests.contract.world import World, build_world, expected
from tests.fakes.hubspot import HubSpotStandIn
from tests.fakes.pipedrive import PipedriveStandIn
from tests.fakes.salesforce import SalesforceStandIn

HUBSPOT_STAGES = "/crm/v3/pipelines/deals"
PIPEDRIVE_STAGES = "/api/v2/stages"


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@dataclass(frozen=True)
class Vendor:
    """A connector against its stand-in, and how many times the stand-in was asked for stages."""

    connector: SnapshotConnector
    stage_requests: Callable[[], int]


@pytest.fixture(params=["hubspot", "pipedrive", "salesforce"])
def vendor(
    request: pytest.FixtureRequest, world: World, tmp_path: Path
) -> Iterator[tuple[str, Vendor, object]]:
    name = request.param
    if name == "hubspot":
        with HubSpotStandIn.from_world(world) as hs:
            connector = HubSpotConnector(
                access_token=hs.access_token,
                api_url=hs.api_url,
                timeout_seconds=5.0,
                search_limiter=SlidingWindowLimiter(100, 1.0),
            )
            yield name, Vendor(connector, lambda: sum(r.path == HUBSPOT_STAGES for r in hs.requests)), hs
            connector.close()
    elif name == "pipedrive":
        with PipedriveStandIn.from_world(world) as pd:
            connector = PipedriveConnector(
                base_url=pd.base_url,
                api_token=pd.api_token,
                timeout_seconds=5.0,
                requests_per_window=1000,
                page_size=100,
            )
            yield name, Vendor(connector, lambda: len(pd.requests_to(PIPEDRIVE_STAGES))), pd
            connector.close()
    else:
        with SalesforceStandIn(batch_size=50, workdir=tmp_path) as sf:
            sf.load_world(world)
            connector = SalesforceConnector(
                instance_url=sf.origin, access_token=sf.access_token, verify=str(sf.ca_bundle), timeout=5.0
            )
            yield (
                name,
                Vendor(connector, lambda: sum("OpportunityStage" in q for r in sf.requests for q in r.soql)),
                sf,
            )
            connector.close()


def refuse_stages(name: str, standin: object, status: int = 403) -> None:
    """403 or 429 from HubSpot and Pipedrive; an API user who may not see OpportunityStage in
    Salesforce."""
    wait = 0 if status == 429 else None  # Retry-After: 0, retried at once
    if isinstance(standin, HubSpotStandIn):
        standin.fail_next(status=status, times=100, path=HUBSPOT_STAGES, retry_after=wait)
    elif isinstance(standin, PipedriveStandIn):
        standin.fail_next(status=status, times=100, path=PIPEDRIVE_STAGES, retry_after=wait)
    else:
        assert isinstance(standin, SalesforceStandIn), name
        standin.hidden_objects.add("OpportunityStage")


def test_stages_are_read_once_and_kept_like_the_owners(
    vendor: tuple[str, Vendor, object], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, it, _standin = vendor

    it.connector.all_manager_stats(now=world.now)
    assert it.stage_requests() == 1, name
    for manager in world.managers():
        it.connector.manager_stats(manager, now=world.now)
    assert it.stage_requests() == 1, name  # however many deals, pages and managers
    later = time.monotonic() + OWNER_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    it.connector.manager_stats(world.managers()[0], now=world.now)
    assert it.stage_requests() == 2, name  # stage settings changed since are seen within minutes


@pytest.mark.parametrize("status", [403, 429])
def test_stats_are_served_when_the_stages_call_fails(
    vendor: tuple[str, Vendor, object], world: World, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    name, it, standin = vendor
    refuse_stages(name, standin, status)
    manager = world.managers()[0]
    want = expected(world, manager)

    with caplog.at_level(logging.WARNING, logger="bot.crm.snapshot"):
        stats: ManagerStats = it.connector.manager_stats(manager, now=world.now)
        bulk = it.connector.all_manager_stats(now=world.now)[manager]

    assert (stats.open_deals, stats.open_value, stats.stale_deals) == (
        want.open_deals,
        want.open_value,
        want.stale,
    ), name
    # No stage ids as labels: the stats say the names are unread, and list no stage.
    for served in (stats, bulk):
        assert (served.open_by_stage, served.own_open_by_stage, served.stage_names_unread) == (
            (),
            (),
            True,
        ), name
    assert any("crm.stages_unavailable" in record.getMessage() for record in caplog.records), name


def test_the_last_stage_names_read_serve_while_the_stages_call_fails(
    vendor: tuple[str, Vendor, object], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long after the cache time, too: HubSpot's two "Negotiation" stages stay one line by name."""
    name, it, standin = vendor
    manager = world.managers()[0]
    before = it.connector.manager_stats(manager, now=world.now)
    refuse_stages(name, standin, 429 if name != "salesforce" else 403)
    later = time.monotonic() + 10 * OWNER_CACHE_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)

    stats = it.connector.manager_stats(manager, now=world.now)
    bulk = it.connector.all_manager_stats(now=world.now)[manager]

    assert it.stage_requests() >= 2, name  # asked again, and refused
    for served in (stats, bulk):
        labels = [total.stage for total in served.open_by_stage]
        assert served.open_by_stage == before.open_by_stage and not served.stage_names_unread, name
        assert len(labels) == len(set(labels)) and set(labels) <= set(world.stages), name


def test_stage_lists_are_read_to_their_last_page(world: World, tmp_path: Path) -> None:
    """Pipedrive pages its stages by cursor, Salesforce its query results by nextRecordsUrl: the stages
    come whole and in the pipeline's order however small the pages."""
    with PipedriveStandIn.from_world(world) as pd:
        pipedrive = PipedriveConnector(
            base_url=pd.base_url, api_token=pd.api_token, timeout_seconds=5.0, page_size=2
        )
        pipedrive_stages = pipedrive.fetch_stages()
        pipedrive.close()
        pages = len(pd.requests_to(PIPEDRIVE_STAGES))
    with SalesforceStandIn(batch_size=3, workdir=tmp_path) as sf:
        sf.load_world(world)
        salesforce = SalesforceConnector(
            instance_url=sf.origin, access_token=sf.access_token, verify=str(sf.ca_bundle), timeout=5.0
        )
        salesforce_stages = salesforce.fetch_stages()
        salesforce.close()
        batches = len(sf.requests)

    listed = [s.label for s in pipedrive_stages if s.for_open_deals]
    assert listed == list(world.stages)
    assert [s.label for s in pipedrive_stages if not s.for_open_deals] == ["Old qualification"]
    assert pages == 3  # 6 stages, 2 per page
    assert [s.label for s in salesforce_stages if s.for_open_deals] == list(world.stages)
    assert {s.label for s in salesforce_stages if not s.for_open_deals} == {
        "Closed Won",
        "Closed Lost",
        "Id. Decision Makers",
    }
    assert batches >= 3  # 8 stages, 3 per batch
