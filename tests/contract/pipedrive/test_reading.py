"""Pipedrive against its stand-in (no mocks): paging, auth header, mapping, configuration, refresh."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bot.config import ConfigError, Settings
from bot.config_crm import PipedriveCRM
from bot.crm.aggregate import deal_reasons
from bot.crm.pipedrive_client import normalise_base_url
from bot.crm.registry import build_pipedrive
from tests.contract.pipedrive.support import STALE_DAYS, ConnectorFactory
from tests.contract.world import World
from tests.fakes.pipedrive import PipedriveStandIn, rfc3339


# --- paging, auth header, mapping ------------------------------------------------------------
def test_deals_are_read_across_cursor_pages(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    connector = make_connector(page_size=25)

    deals = connector.fetch_deals(owner_ids=None, closed_since=world.now - timedelta(days=90))

    open_pages = [r for r in standin.requests_to("/api/v2/deals") if r.query.get("status") == "open"]
    assert len(open_pages) >= 5
    assert all(r.query["limit"] == "25" for r in open_pages)
    assert "cursor" not in open_pages[0].query and all("cursor" in r.query for r in open_pages[1:])
    open_ids = sorted(d.deal_id for d in deals if d.status == "open")
    assert open_ids == sorted(d.deal_id for d in world.deals if d.status == "open")


def test_next_step_is_the_next_planned_activity_and_last_activity_its_due_date(
    make_connector: ConnectorFactory, world: World
) -> None:
    snapshot = make_connector().snapshot(now=world.now)

    deals = {d.deal_id: d for d in snapshot.deals}
    window = world.now - timedelta(days=STALE_DAYS)
    for want in (d for d in world.deals if d.status == "open"):
        got = deals[want.deal_id]
        assert got.next_step == want.next_step, want.deal_id
        assert deal_reasons(got, now=world.now, stale_days=STALE_DAYS) == deal_reasons(
            want, now=world.now, stale_days=STALE_DAYS
        ), want.deal_id
        # The date is read wherever it decides the verdict; older ones stay unread (None).
        if want.last_activity_at is not None and want.last_activity_at >= window:
            assert got.last_activity_at == want.last_activity_at, want.deal_id
        else:
            assert got.last_activity_at in (None, want.last_activity_at), want.deal_id
        assert (got.amount, got.close_date, got.created_at) == (want.amount, want.close_date, want.created_at)


def test_the_token_goes_in_the_x_api_token_header_only(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    make_connector().all_manager_stats(now=world.now)

    assert standin.requests
    for request in standin.requests:
        assert request.headers["x-api-token"] == standin.api_token
        assert "api_token" not in request.query
        assert standin.api_token not in "".join(request.query.values())


def test_inactive_users_are_not_owners_and_managers_come_from_teams(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.add_user("R999999", name="Former Rep", email="former@example.com", active=False)
    standin.teams[0]["users"].append("R999999")

    owners = {o.crm_id: o for o in make_connector().list_owners()}

    assert "R999999" not in owners
    assert owners["M00001"].manager_crm_id is None  # listed in its own team, but not its own manager
    assert owners["R000001"].manager_crm_id == "M00001"


def test_team_members_are_fetched_when_the_team_list_leaves_them_out(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    standin.teams_list_users = False

    owners = make_connector().list_owners()

    assert {(o.crm_id, o.manager_crm_id) for o in owners} == {
        (o.crm_id, o.manager_crm_id) for o in world.owners
    }
    assert len([r for r in standin.requests if r.path.endswith("/users") and "legacyTeams" in r.path]) == 3


def test_a_team_deleted_meanwhile_leaves_its_members_without_manager(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.teams_list_users = False
    standin.fail_next(status=404, path="/api/v1/legacyTeams/1/users")

    owners = {o.crm_id: o for o in make_connector().list_owners()}

    assert owners["R000001"].manager_crm_id is None
    assert owners["R000005"].manager_crm_id == "M00002"


# --- configuration ---------------------------------------------------------------------------
def test_build_pipedrive_reads_settings_and_accepts_a_company_url(
    standin: PipedriveStandIn, world: World
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        crm_connector="pipedrive",
        pipedrive_api_token=standin.api_token,
        pipedrive_api_url=standin.base_url + "/api/v1/",
        crm_timeout_seconds=3,
        crmcoach_stale_days=21,
    )
    assert isinstance(settings.crm, PipedriveCRM)
    connector = build_pipedrive(settings.crm, roster=None)
    try:
        assert connector.stale_days == 21
        assert connector.client.timeout_seconds == 3
        assert len(connector.list_owners()) == len(world.owners)
    finally:
        connector.close()

    with pytest.raises(ConfigError) as caught:
        Settings(_env_file=None, crm_connector="pipedrive")  # type: ignore[call-arg]
    assert caught.value.problems == {"PIPEDRIVE_API_TOKEN": "missing (CRM_CONNECTOR=pipedrive)"}


@pytest.mark.parametrize(
    "url",
    [
        "https://acme.pipedrive.com",
        "https://acme.pipedrive.com/",
        "https://acme.pipedrive.com/api/v2",
        "https://acme.pipedrive.com/v1/",
    ],
)
def test_company_urls_are_reduced_to_their_origin(url: str) -> None:
    assert normalise_base_url(url) == "https://acme.pipedrive.com"


def test_an_incremental_refresh_after_changes_matches_a_full_read(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    connector = make_connector()
    connector.all_manager_stats(now=world.now)
    assert connector.last_refresh is not None and connector.last_refresh.kind == "full"
    edited, later = world.now + timedelta(hours=1), world.now + timedelta(hours=3)
    stamp = rfc3339(edited)
    still_open = [d for d in standin.deals.values() if d["status"] == "open"]
    reps = [o.crm_id for o in world.owners if o.manager_crm_id]
    still_open[0].update(status="won", won_time=stamp, close_time=stamp, update_time=stamp)
    still_open[1].update(owner_id=reps[-1], value=1234.5, update_time=stamp)
    still_open[2].update(expected_close_date="2026-11-02", update_time=stamp)
    still_open[3].update(status="deleted", is_deleted=True, update_time=stamp)
    standin.add_deal(999_999, title="New", owner_id=reps[0], amount=Decimal(500), status="open", added=edited)
    activities = list(standin.activities.values())
    done = [a for a in activities if a["done"] and a["deal_id"] and a["due_date"] >= "2026-11-17"]
    loose = next(a for a in activities if not a["done"] and a["deal_id"] is None)  # an overdue task
    step = next(a for a in activities if not a["done"] and a["deal_id"] is not None)
    done[0].update(done=False, marked_as_done_time=None, update_time=stamp)  # undone again
    done[1].update(is_deleted=True, update_time=stamp)
    loose.update(done=True, marked_as_done_time=stamp, update_time=stamp)
    step.update(subject="Send the revised offer", update_time=stamp)  # a next step reworded
    sent = len(standin.requests)

    incremental = connector.all_manager_stats(now=later)

    assert connector.last_refresh is not None and connector.last_refresh.kind == "incremental"
    assert connector.last_refresh.records >= 9
    assert len(standin.requests) - sent <= 6  # activities, deals, deleted deals, and a few by id
    assert incremental == make_connector().all_manager_stats(now=later)
    connector.all_manager_stats(now=world.now + timedelta(days=8))
    assert connector.last_refresh.kind == "full"  # a full read at least weekly
