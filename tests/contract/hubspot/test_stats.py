"""HubSpot-specific behaviour of the real connector against the HubSpot stand-in: what it reads and how
(paging, filters, incremental refreshes), and what HubSpot's records become."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.config import ConfigError, Settings
from bot.config_crm import HubSpotCRM
from bot.crm.registry import build_hubspot
from bot.crm.roster import Roster
from tests.contract.hubspot.support import NINETY_DAYS, connect, owner_filter_values, wanted_deal_ids
from tests.contract.world import World
from tests.fakes.hubspot import HubSpotStandIn


# --- paging, auth header, filters -------------------------------------------------------------
def test_owners_are_paged_and_every_request_carries_the_token(standin: HubSpotStandIn, world: World) -> None:
    connector = connect(standin, owners_page_size=4)

    owners = connector.list_owners()

    assert {o.crm_id for o in owners} == {o.crm_id for o in world.owners}
    owner_requests = [r for r in standin.requests if r.path == "/crm/v3/owners"]
    assert len(owner_requests) == math.ceil(len(world.owners) / 4)
    assert [r.query.get("after") for r in owner_requests] == [None, "4", "8", "12"]
    assert all(r.headers["authorization"] == f"Bearer {standin.access_token}" for r in standin.requests)


def test_owners_are_read_500_per_page_by_default() -> None:
    with HubSpotStandIn() as standin:
        for number in range(1, 702):
            standin.add_owner(str(number), email=f"o{number}@x.com", first_name="O", last_name=str(number))

        owners = connect(standin).list_owners()

        assert len(owners) == 701
        assert [r.query["limit"] for r in standin.requests] == ["500", "500"]


def test_deal_search_follows_paging_to_the_end(standin: HubSpotStandIn, world: World) -> None:
    connector = connect(standin, page_size=20)

    deals = connector.fetch_deals(owner_ids=None, closed_since=world.now - NINETY_DAYS)

    assert sorted(d.deal_id for d in deals) == sorted(wanted_deal_ids(world))
    searches = standin.searches("deals")
    assert len(searches) == math.ceil(len(deals) / 20) > 3
    assert all(s.body["limit"] == 20 for s in searches)
    assert [s.body.get("after") for s in searches[:3]] == [None, "20", "40"]


def test_results_past_the_search_cap_are_fetched_in_id_windows(world: World) -> None:
    with HubSpotStandIn.from_world(world, search_result_cap=50) as standin:
        connector = connect(standin, page_size=20, search_result_cap=50)

        deals = connector.fetch_deals(owner_ids=None, closed_since=world.now - NINETY_DAYS)

        assert sorted(d.deal_id for d in deals) == sorted(wanted_deal_ids(world))
        assert len(deals) > 150  # several windows were needed
        searches = standin.searches("deals")
        assert all(s.status == 200 for s in searches)
        windows = [s for s in searches if s.body.get("after") is None]
        assert len(windows) == math.ceil(len(deals) / 50)
        for window in windows[1:]:
            assert all(
                any(f["propertyName"] == "hs_object_id" and f["operator"] == "GT" for f in group["filters"])
                for group in window.body["filterGroups"]
            )


def test_a_managers_stats_ask_only_for_that_teams_records(standin: HubSpotStandIn, world: World) -> None:
    manager_id = world.managers()[0]
    team = {manager_id} | {o.crm_id for o in world.owners if o.manager_crm_id == manager_id}
    connector = connect(standin)

    stats = connector.manager_stats(manager_id, now=world.now)

    searches = standin.searches()
    assert {s.path.split("/")[4] for s in searches} == {"deals", "calls", "meetings", "emails", "tasks"}
    for search in searches:
        assert owner_filter_values(search.body) == [team] * len(search.body["filterGroups"])
    open_team_deals = [d for d in world.deals if d.owner_id in team and d.status == "open"]
    assert stats.open_deals == len(open_team_deals)


def test_bulk_stats_fetch_everything_in_a_few_requests(standin: HubSpotStandIn, world: World) -> None:
    connector = connect(standin)

    bulk = connector.all_manager_stats(now=world.now)

    assert set(bulk) == set(world.managers())
    # owners, the deal pages, one search per engagement type (calls, meetings, emails, tasks), pipelines
    deal_pages = math.ceil(len(wanted_deal_ids(world)) / 200)
    assert connector.requests_made == 1 + deal_pages + 4 + 1 <= 9
    assert all(owner_filter_values(s.body) == [] for s in standin.searches())


def test_activities_keep_their_kind(standin: HubSpotStandIn, world: World) -> None:
    since = world.now - timedelta(days=7)
    connector = connect(standin)

    activities = connector.fetch_activities(owner_ids=None, since=since)

    got = sorted((a.kind, a.owner_id, a.occurred_at) for a in activities)
    assert got == sorted(
        (a.kind, a.owner_id, a.occurred_at) for a in world.activities if a.occurred_at >= since
    )
    assert {a.kind for a in activities} == {"call", "meeting", "email", "task"}


def test_only_completed_tasks_are_activities_counted_when_completed() -> None:
    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    with HubSpotStandIn() as standin:
        standin.add_owner("1", email="rep@x.com", first_name="Rex", last_name="Rep")

        def task(task_id: str, *, status: str, due: str, completed: str | None) -> None:
            properties = {"hs_timestamp": due, "hubspot_owner_id": "1", "hs_task_status": status}
            standin.add_object("tasks", task_id, {**properties, "hs_task_completion_date": completed})

        task("1", status="NOT_STARTED", due="2026-11-20T09:00:00.000Z", completed=None)  # open, overdue
        task("2", status="IN_PROGRESS", due="2026-11-22T09:00:00.000Z", completed=None)
        task("3", status="COMPLETED", due="2026-10-01T09:00:00.000Z", completed="2026-11-21T10:00:00.000Z")
        task("4", status="COMPLETED", due="2026-11-22T09:00:00.000Z", completed="2026-11-01T10:00:00.000Z")
        task("5", status="COMPLETED", due="2026-11-19T09:00:00.000Z", completed=None)

        activities = connect(standin).fetch_activities(owner_ids=None, since=now - timedelta(days=7))

    assert sorted((a.activity_id, a.occurred_at) for a in activities) == [
        ("3", datetime(2026, 11, 21, 10, 0, tzinfo=UTC)),  # done late, counted when done
        ("5", datetime(2026, 11, 19, 9, 0, tzinfo=UTC)),  # done, no completion date: its due date
    ]


def test_an_incremental_refresh_after_changes_matches_a_full_read(
    standin: HubSpotStandIn, world: World
) -> None:
    connector = connect(standin)
    connector.all_manager_stats(now=world.now)
    assert connector.last_refresh is not None and connector.last_refresh.kind == "full"
    edited, later = world.now + timedelta(hours=1), world.now + timedelta(hours=3)
    deals = standin.objects["deals"]
    still_open = [i for i, d in deals.items() if d["properties"]["hs_is_closed"] == "false"]
    reps = [o.crm_id for o in world.owners if o.manager_crm_id]
    standin.change("deals", still_open[0], at=edited, hs_is_closed="true", hs_is_closed_won="true")
    standin.change("deals", still_open[1], at=edited, hubspot_owner_id=reps[-1], amount="1234.5")
    standin.change("deals", still_open[2], at=edited, hs_next_step=None, closedate="2026-11-02")
    standin.archive("deals", still_open[3], at=edited)
    standin.add_object("deals", "99999", {**deals[still_open[4]]["properties"], "hubspot_owner_id": reps[0]})
    standin.change("deals", "99999", at=edited)
    tasks = standin.objects["tasks"]
    done = [i for i, t in tasks.items() if t["properties"]["hs_task_status"] == "COMPLETED"]
    not_done = next(i for i, t in tasks.items() if t["properties"]["hs_task_status"] != "COMPLETED")
    recent_done = [i for i in done if tasks[i]["properties"]["hs_timestamp"] >= "2026-11-17"]
    standin.archive("tasks", recent_done[0], at=edited)
    standin.change("tasks", recent_done[1], at=edited, hs_task_status="NOT_STARTED")  # reopened
    standin.change(  # the overdue task, done at last
        "tasks",
        not_done,
        at=edited,
        hs_task_status="COMPLETED",
        hs_task_completion_date="2026-11-23T10:00:00Z",
    )
    standin.archive("meetings", next(iter(standin.objects["meetings"])), at=edited)
    sent = len(standin.requests)

    incremental = connector.all_manager_stats(now=later)

    assert connector.last_refresh is not None
    assert (connector.last_refresh.kind, connector.last_refresh.records) == ("incremental", 9)
    # one search per object type and one archived list each: deals, calls, meetings, e-mails, tasks
    # (the pipelines, read by the full read, are kept like the owners)
    assert len(standin.requests) - sent == 10
    assert incremental == connect(standin).all_manager_stats(now=later)
    connector.all_manager_stats(now=world.now + timedelta(days=8))
    assert connector.last_refresh.kind == "full"  # a full read at least weekly


# --- what HubSpot's records look like ---------------------------------------------------------
def test_deal_properties_are_parsed_robustly() -> None:
    base = {"dealname": "Acme", "createdate": "2026-10-01T08:15:00.000Z", "hubspot_owner_id": "7"}
    with HubSpotStandIn() as standin:
        standin.add_object(
            "deals", "1", {**base, "amount": "", "hs_is_closed": "false", "closedate": "2026-12-01"}
        )
        standin.add_object("deals", "2", {**base, "amount": None, "hs_is_closed": "false", "closedate": None})
        standin.add_object(
            "deals",
            "3",
            {
                **base,
                "amount": "1234.50",
                "deal_currency_code": "usd",
                "hs_is_closed": "true",
                "hs_is_closed_won": "true",
                "closedate": "2026-11-20T23:30:00+00:00",
                "hs_next_step": "  ",
                "notes_last_updated": "1763596800000",  # epoch milliseconds
            },
        )
        standin.add_object(
            "deals",
            "4",
            {
                **base,
                "amount": "99",
                "hs_is_closed": "true",
                "hs_is_closed_won": "false",
                "closedate": "2026-11-21T01:30:00+02:00",
                "hs_next_step": "Call back",
            },
        )
        deals = {
            d.deal_id: d
            for d in connect(standin).fetch_deals(
                owner_ids=None, closed_since=datetime(2026, 11, 1, tzinfo=UTC)
            )
        }

    assert (deals["1"].amount, deals["1"].status, deals["1"].close_date) == (
        Decimal(0),
        "open",
        date(2026, 12, 1),
    )
    assert (deals["2"].amount, deals["2"].close_date, deals["2"].currency) == (Decimal(0), None, "EUR")
    won = deals["3"]
    assert (won.amount, won.currency, won.status, won.next_step) == (Decimal("1234.50"), "USD", "won", None)
    assert won.closed_at == datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    assert won.last_activity_at == datetime(2025, 11, 20, tzinfo=UTC)
    lost = deals["4"]
    assert (lost.status, lost.closed_at, lost.close_date) == (
        "lost",
        datetime(2026, 11, 20, 23, 30, tzinfo=UTC),
        date(2026, 11, 20),
    )
    assert won.created_at == datetime(2026, 10, 1, 8, 15, tzinfo=UTC)
    assert all(d.created_at.tzinfo is UTC for d in deals.values())


def test_managers_come_from_team_leads_and_unclear_teams_have_none() -> None:
    with HubSpotStandIn() as standin:
        north = {"id": "11", "name": "North"}
        south = {"id": "12", "name": "South"}
        standin.add_owner(
            "1", email="lead@x.com", first_name="Lea", last_name="Lead", teams=[{**north, "primary": False}]
        )
        standin.add_owner(
            "2", email="rep@x.com", first_name="Rex", last_name="Rep", teams=[{**north, "primary": True}]
        )
        standin.add_owner(
            "3", email="a@x.com", first_name="Ann", last_name="", teams=[{**south, "primary": False}]
        )
        standin.add_owner(
            "4", email="b@x.com", first_name="Bo", last_name="B", teams=[{**south, "primary": False}]
        )
        standin.add_owner(
            "5", email="c@x.com", first_name="Cy", last_name="C", teams=[{**south, "primary": True}]
        )
        standin.add_owner("6", email="", first_name="Queue", last_name="", teams=[], kind="QUEUE")
        standin.add_owner("7", email="gone@x.com", first_name="Gone", last_name="", archived=True)
        # An active person without an e-mail address owns deals and belongs to a team like anyone else.
        standin.add_owner("8", email=None, first_name="Nia", last_name="", teams=[{**north, "primary": True}])
        standin.add_owner("9", email=None, first_name=None, last_name=None, teams=[])
        connector = connect(standin)
        owners = {o.crm_id: o for o in connector.list_owners()}
        assert connector.find_owner_by_email("  ") is None  # "" is no one's address

    assert set(owners) == {"1", "2", "3", "4", "5", "8", "9"}
    assert (owners["8"].email, owners["8"].name, owners["8"].manager_crm_id) == ("", "Nia", "1")
    assert owners["9"].name == "Owner 9"
    assert owners["2"].manager_crm_id == "1"
    assert owners["1"].manager_crm_id is None
    assert owners["5"].manager_crm_id is None  # two additional members: the lead is unclear
    assert (owners["2"].name, owners["3"].name) == ("Rex Rep", "Ann")


def test_a_roster_defines_teams_when_hubspot_does_not(world: World) -> None:
    by_id = {o.crm_id: o for o in world.owners}
    roster = Roster(
        manager_email_by_email={
            o.email: by_id[o.manager_crm_id].email if o.manager_crm_id else "" for o in world.owners
        }
    )
    with HubSpotStandIn.from_world(world, leads_as_additional_members=False) as standin:
        without = connect(standin).list_owners()
        with_roster = connect(standin, roster=roster).list_owners()

    assert all(o.manager_crm_id is None for o in without)
    assert {(o.crm_id, o.manager_crm_id) for o in with_roster} == {
        (o.crm_id, o.manager_crm_id) for o in world.owners
    }


def test_build_hubspot_uses_the_settings(standin: HubSpotStandIn, world: World) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        crm_connector="hubspot",
        hubspot_access_token=standin.access_token,
        hubspot_api_url=standin.api_url,
        crmcoach_stale_days=30,
    )

    assert isinstance(settings.crm, HubSpotCRM)
    connector = build_hubspot(settings.crm, roster=None)

    assert connector.stale_days == 30
    assert len(connector.list_owners()) == len(world.owners)
    with pytest.raises(ConfigError) as caught:
        Settings(_env_file=None, crm_connector="hubspot")  # type: ignore[call-arg]
    assert caught.value.problems == {"HUBSPOT_ACCESS_TOKEN": "missing (CRM_CONNECTOR=hubspot)"}
    assert "private app access token" in caught.value.render()  # the hint says where to get one
