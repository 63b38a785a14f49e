"""Salesforce reads, through the real connector (and simple-salesforce) against the HTTPS stand-in:
paging, payloads, currencies, incremental refreshes, team filters and the request budget."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from bot.crm.aggregate import CLOSED_WINDOW
from bot.crm.base import (
    DEFAULT_CURRENCY,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.salesforce_http import ApiUsage
from bot.store.crm_mirror import SqlMirrorStore
from tests.clock import FakeClock
from tests.contract.salesforce.support import OWNER_LIST, Make
from tests.contract.world import World, expected
from tests.fakes.salesforce import SalesforceStandIn


# --- paging and payloads --------------------------------------------------------------------------
def test_queries_follow_next_records_url_through_every_batch(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    standin.batch_size = 50
    connector = make()
    closed_since = world.now - CLOSED_WINDOW
    since = world.now - timedelta(days=7)

    deals = connector.fetch_deals(owner_ids=None, closed_since=closed_since)
    activities = connector.fetch_activities(owner_ids=None, since=since)

    wanted_deals = {
        d.deal_id
        for d in world.deals
        if d.status == "open" or (d.close_date is not None and d.close_date >= closed_since.date())
    }
    assert {d.deal_id for d in deals} == wanted_deals
    assert len(deals) == len(wanted_deals) > 150  # several batches of 50
    pages = [r.path for r in standin.requests if re.search(r"/query/01g\w+-\d+$", r.path)]
    assert len(pages) >= len(wanted_deals) // 50
    # Tasks are asked for by day (ActivityDate), meetings by the moment they started.
    wanted_activities = {
        a.activity_id
        for a in world.activities
        if (a.occurred_at >= since if a.kind == "meeting" else a.occurred_at.date() >= since.date())
    }
    assert {a.activity_id for a in activities} == wanted_activities
    composites = [r for r in standin.requests if r.path.endswith("/composite")]
    assert len(composites) >= 2  # the second carries the next batch of tasks
    assert connector.requests_made == len(standin.requests)


def test_every_request_carries_the_session_as_bearer_token(standin: SalesforceStandIn, make: Make) -> None:
    make().list_owners()

    assert standin.requests
    for request in standin.requests:
        assert request.headers.get("Authorization") == f"Bearer {standin.access_token}"
        assert standin.access_token not in request.path + str(request.query)


def test_deals_are_read_exactly(standin: SalesforceStandIn, make: Make, world: World) -> None:
    standin.opportunities[0]["Amount"] = Decimal("12345.67")  # a binary float would not survive
    closed = next(o for o in standin.opportunities if o["IsClosed"] and o["LastActivityDate"])

    deals = {d.deal_id: d for d in make().fetch_deals(owner_ids=None, closed_since=world.now - CLOSED_WINDOW)}

    assert deals[standin.opportunities[0]["Id"]].amount == Decimal("12345.67")
    assert str(deals[standin.opportunities[0]["Id"]].amount) == "12345.67"
    deal = deals[closed["Id"]]
    assert deal.status == ("won" if closed["IsWon"] else "lost")
    assert deal.closed_at == datetime.fromisoformat(closed["CloseDate"]).replace(tzinfo=UTC)
    assert deal.last_activity_at == datetime.fromisoformat(closed["LastActivityDate"]).replace(tzinfo=UTC)
    assert deal.created_at.tzinfo == UTC


def test_activities_keep_their_kind_day_and_deal(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    logged = world.now - timedelta(days=1, hours=2)
    standin.add_task(
        "T-undated",
        owner_id="R000001",
        deal_id="001ACCOUNT",
        what_type="Account",
        day=None,
        created=logged,
        subtype="Call",
    )
    standin.add_task(
        "T-open", owner_id="R000001", deal_id="1", day=world.now.date(), created=logged, closed=False
    )
    since = world.now - timedelta(days=7)

    activities = {a.activity_id: a for a in make().fetch_activities(owner_ids=None, since=since)}

    undated = activities.pop("T-undated")
    assert (undated.kind, undated.deal_id, undated.occurred_at) == ("call", None, logged)
    assert "T-open" not in activities  # a task still to do is not an activity
    by_id = {a.activity_id: a for a in world.activities}
    assert activities
    for activity in activities.values():
        want = by_id[activity.activity_id]
        assert (activity.kind, activity.deal_id, activity.owner_id) == (
            want.kind,
            want.deal_id,
            want.owner_id,
        )
        assert activity.occurred_at == want.occurred_at and activity.occurred_at.tzinfo == UTC


def test_single_currency_org_takes_its_currency_from_the_organization(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    standin.multi_currency, standin.org_currency = False, "CHF"
    connector = make()

    first = connector.fetch_deals(owner_ids=None, closed_since=world.now - CLOSED_WINDOW)
    asked = len(standin.requests)
    connector.fetch_deals(owner_ids=None, closed_since=world.now - CLOSED_WINDOW)

    assert {d.currency for d in first} == {"CHF"}
    assert sum("FROM Organization" in q for q in standin.soql_sent()) == 1
    assert len(standin.requests) - asked == 1  # learnt once: no second try with CurrencyIsoCode
    assert "CurrencyIsoCode" not in standin.soql_sent()[-1]


def test_a_refused_currency_lookup_falls_back_to_the_default_currency(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    # A user without "View Setup and Configuration" cannot query Organization: INVALID_TYPE.
    standin.multi_currency, standin.hidden_objects = False, {"Organization"}

    stats = make().all_manager_stats(now=world.now)

    assert set(stats) == set(world.managers())
    assert {s.currency for s in stats.values()} == {DEFAULT_CURRENCY}
    for manager in world.managers():
        assert stats[manager].open_value == expected(world, manager).open_value


@pytest.mark.parametrize("multi_currency", [True, False])
def test_an_incremental_refresh_after_changes_matches_a_full_read(
    standin: SalesforceStandIn, make: Make, world: World, multi_currency: bool
) -> None:
    standin.multi_currency = multi_currency
    connector = make()
    connector.all_manager_stats(now=world.now)
    assert connector.last_refresh is not None and connector.last_refresh.kind == "full"
    edited, later = world.now + timedelta(hours=1), world.now + timedelta(hours=3)
    still_open = [o for o in standin.opportunities if not o["IsClosed"]]
    reps = [o.crm_id for o in world.owners if o.manager_crm_id]
    standin.change("Opportunity", still_open[0]["Id"], at=edited, IsClosed=True, IsWon=True)
    standin.change("Opportunity", still_open[1]["Id"], at=edited, OwnerId=reps[-1], Amount=Decimal("1234.5"))
    standin.change("Opportunity", still_open[2]["Id"], at=edited, NextStep=None, CloseDate="2026-11-02")
    standin.delete("Opportunity", still_open[3]["Id"], at=edited)
    standin.opportunities.append({**still_open[4], "Id": "006NEW", "SystemModstamp": None})
    standin.change("Opportunity", "006NEW", at=edited, OwnerId=reps[0])
    done_tasks = [t for t in standin.tasks if t["IsClosed"] and t["ActivityDate"] >= "2026-11-17"]
    open_task = next(t for t in standin.tasks if not t["IsClosed"])
    standin.delete("Task", done_tasks[0]["Id"], at=edited)
    standin.change("Task", done_tasks[1]["Id"], at=edited, IsClosed=False)  # reopened
    standin.change("Task", open_task["Id"], at=edited, IsClosed=True)  # the overdue task, done at last
    standin.delete("Event", standin.events[-1]["Id"], at=edited)
    sent = len(standin.requests)

    incremental = connector.all_manager_stats(now=later)

    assert connector.last_refresh is not None
    assert (connector.last_refresh.kind, connector.last_refresh.records) == ("incremental", 9)
    # one composite call with the three queryAll queries (the stages are kept like the owners)
    assert len(standin.requests) - sent == 1
    assert incremental == make().all_manager_stats(now=later)
    connector.all_manager_stats(now=world.now + timedelta(days=8))
    assert connector.last_refresh.kind == "full"  # a full read at least weekly


def test_the_last_read_survives_the_process_so_the_next_refresh_is_incremental(
    engine: Engine, standin: SalesforceStandIn, make: Make, world: World
) -> None:
    first = make(mirror_store=SqlMirrorStore(engine, source="salesforce:test"))
    first.all_manager_stats(now=world.now)
    deal = next(o for o in standin.opportunities if not o["IsClosed"])
    standin.change("Opportunity", deal["Id"], at=world.now + timedelta(hours=1), IsClosed=True, IsWon=False)
    later = world.now + timedelta(days=1)

    # `crm refresh` runs from cron: a new process, a new connector, the same database
    second = make(mirror_store=SqlMirrorStore(engine, source="salesforce:test"))
    stats = second.all_manager_stats(now=later)

    assert second.last_refresh is not None
    assert (second.last_refresh.kind, second.last_refresh.records) == ("incremental", 1)
    assert stats == make().all_manager_stats(now=later)
    other_org = make(mirror_store=SqlMirrorStore(engine, source="salesforce:another-org"))
    other_org.all_manager_stats(now=later)
    assert other_org.last_refresh is not None and other_org.last_refresh.kind == "full"


def test_multi_currency_org_reads_each_deals_currency(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    standin.multi_currency = True
    standin.opportunities[0].update(CurrencyIsoCode="USD", IsClosed=False)

    deals = make().fetch_deals(owner_ids=None, closed_since=world.now - CLOSED_WINDOW)

    currencies = {d.deal_id: d.currency for d in deals}
    assert currencies.pop(standin.opportunities[0]["Id"]) == "USD"
    assert set(currencies.values()) == {"EUR"}
    assert not any("FROM Organization" in q for q in standin.soql_sent())


def test_only_active_users_are_owners(standin: SalesforceStandIn, make: Make, world: World) -> None:
    standin.add_user(
        "R999999", email="gone@example.com", name="Left Company", manager_id="M00001", active=False
    )

    owners = make().list_owners()

    assert "R999999" not in {o.crm_id for o in owners}
    assert len(owners) == len(world.owners)


# --- team filters and request budget ------------------------------------------------------------------
def test_manager_stats_asks_only_for_that_teams_records(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    standin.multi_currency = True  # no one-off currency probe among the queries
    connector = make()
    connector.list_owners()
    team = {"M00002"} | {o.crm_id for o in world.owners if o.manager_crm_id == "M00002"}
    asked = len(standin.soql_sent())

    connector.manager_stats("M00002", now=world.now)

    record_queries = standin.soql_sent()[asked:]
    objects = [q.split(" FROM ")[1].split()[0] for q in record_queries]
    assert sorted(objects) == ["Event", "Opportunity", "OpportunityStage", "Task"]
    for query in (q for q in record_queries if " FROM OpportunityStage" not in q):
        owner_list = OWNER_LIST.search(query)
        assert owner_list is not None, query
        assert set(re.findall(r"'([^']*)'", owner_list.group(1))) == team


def test_bulk_stats_take_a_handful_of_requests(standin: SalesforceStandIn, make: Make, world: World) -> None:
    standin.multi_currency = True
    connector = make()

    stats = connector.all_manager_stats(now=world.now)

    assert set(stats) == set(world.managers())
    # users, opportunities, one composite call carrying the Task and Event queries, the stages
    assert connector.requests_made == len(standin.requests) == 4
    assert [r.method for r in standin.requests].count("POST") == 1
    assert all("OwnerId IN" not in q for q in standin.soql_sent())
    assert connector.api_usage == ApiUsage(used=4, total=standin.daily_limit)


def test_the_limiter_keeps_to_its_pace_on_a_fake_clock(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    standin.batch_size = 20  # many pages, so many requests
    clock = FakeClock()
    stamps: list[float] = []

    class RecordingLimiter(SlidingWindowLimiter):
        @contextmanager
        def held(self) -> Iterator[float]:
            with super().held() as waited:
                stamps.append(clock.now)
                yield waited

    connector = make(limiter=RecordingLimiter(3, 1.0, clock=clock, sleep=clock.sleep))
    connector.all_manager_stats(now=world.now)

    assert len(stamps) == connector.requests_made == len(standin.requests) > 10
    for start in stamps:
        assert sum(1 for s in stamps if start <= s < start + 1.0) <= 3
    assert clock.now >= (len(stamps) - 1) // 3
