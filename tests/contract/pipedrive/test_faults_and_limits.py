"""Pipedrive against its stand-in (no mocks): errors, rate limiting, request economy, staleness."""

from __future__ import annotations

import math
import time
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot.crm.aggregate import deal_reasons
from bot.crm.base import (
    CRMAuthError,
    CRMError,
    CRMNotFoundError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from tests.clock import FakeClock
from tests.contract.pipedrive.support import (
    STALE_DAYS,
    ConnectorFactory,
    id_lookups,
    list_requests,
    midnight,
    quiet_open_deals,
)
from tests.contract.world import World, expected
from tests.fakes.pipedrive import PipedriveStandIn, rfc3339


# --- errors ----------------------------------------------------------------------------------
def test_a_rejected_token_raises_auth_error_without_leaking_it(make_connector: ConnectorFactory) -> None:
    with pytest.raises(CRMAuthError) as caught:
        make_connector(api_token="not-the-token").list_owners()

    assert "PIPEDRIVE_API_TOKEN" in caught.value.user_message
    assert "not-the-token" not in caught.value.user_message + str(caught.value)


def test_a_wrong_api_url_is_named_in_the_error(
    make_connector: ConnectorFactory, standin: PipedriveStandIn
) -> None:
    with pytest.raises(CRMError) as caught:
        make_connector(base_url=standin.base_url + "/nowhere").list_owners()

    assert not isinstance(caught.value, CRMNotFoundError)  # not "your CRM user is gone"
    assert "PIPEDRIVE_API_URL" in caught.value.user_message


def test_forbidden_raises_permission_error(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.fail_next(status=403, path="/api/v1/users")

    with pytest.raises(CRMPermissionError) as caught:
        make_connector().list_owners()

    assert "{" not in caught.value.user_message


def test_a_429_is_waited_out_for_retry_after_and_then_succeeds(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    standin.fail_next(status=429, retry_after=1, path="/api/v1/users")

    owners = make_connector().list_owners()

    assert len(owners) == len(world.owners)
    first, second = standin.requests_to("/api/v1/users")
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.95


def test_a_persistent_429_raises_rate_limited_after_bounded_retries(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    clock = FakeClock(1000.0)
    standin.fail_next(status=429, retry_after=1, times=20, path="/api/v1/users")
    connector = make_connector(limiter=SlidingWindowLimiter(20, 2.0, clock=clock, sleep=clock.sleep))

    with pytest.raises(CRMRateLimitedError) as caught:
        connector.list_owners()

    assert caught.value.retry_after == 1
    assert len(standin.requests_to("/api/v1/users")) == 3  # the shared policy: three attempts in all
    assert sum(clock.slept) >= 2  # each retry waited for Retry-After


def test_retry_after_zero_is_retried_at_once_not_after_the_default_wait(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    clock = FakeClock(1000.0)
    standin.fail_next(status=429, retry_after=0, times=20, path="/api/v1/users")
    connector = make_connector(limiter=SlidingWindowLimiter(20, 2.0, clock=clock, sleep=clock.sleep))

    with pytest.raises(CRMRateLimitedError) as caught:
        connector.list_owners()

    assert caught.value.retry_after == 0
    assert len(standin.requests_to("/api/v1/users")) == 3
    assert sum(clock.slept) == 0  # no burst window waited out


def test_a_spent_daily_budget_fails_at_once_and_says_tomorrow(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.fail_next(status=429, retry_after=1, times=5, headers={"x-daily-ratelimit-token-remaining": "0"})

    with pytest.raises(CRMRateLimitedError) as caught:
        make_connector().list_owners()

    assert "tomorrow" in caught.value.user_message
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 86400
    assert len(standin.requests) == 1


def test_a_server_error_is_retried(standin: PipedriveStandIn, make_connector: ConnectorFactory) -> None:
    standin.fail_next(status=502, times=2, path="/api/v1/users")

    assert make_connector().list_owners()
    assert [r.status for r in standin.requests_to("/api/v1/users")] == [502, 502, 200]


def test_persistent_server_errors_raise_unavailable(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.fail_next(status=503, times=10)

    with pytest.raises(CRMUnavailableError) as caught:
        make_connector().list_owners()

    assert "503" in caught.value.user_message
    assert len(standin.requests) == 3


def test_a_hanging_server_times_out_as_unavailable(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.hang_next(seconds=5, times=10)
    started = time.monotonic()

    with pytest.raises(CRMUnavailableError) as caught:
        make_connector(timeout_seconds=0.5, max_attempts=2).list_owners()

    assert "0.5 seconds" in caught.value.user_message
    assert time.monotonic() - started < 3


def test_malformed_json_raises_unavailable(
    standin: PipedriveStandIn, make_connector: ConnectorFactory
) -> None:
    standin.malformed_next(path="/api/v1/users")

    with pytest.raises(CRMUnavailableError) as caught:
        make_connector().list_owners()

    assert "could not read" in caught.value.user_message


# --- rate limiting and request economy --------------------------------------------------------
def test_the_client_side_limiter_stays_under_the_burst_budget(
    world: World, make_connector: ConnectorFactory
) -> None:
    clock = FakeClock(1000.0)
    burst = 4
    # The stand-in enforces the 2-second burst budget on the same (fake) clock the connector uses.
    with PipedriveStandIn.from_world(world, burst_limit=burst, clock=clock) as strict:
        connector = make_connector(
            base_url=strict.base_url,
            limiter=SlidingWindowLimiter(burst, 2.0, clock=clock, sleep=clock.sleep),
        )
        connector.all_manager_stats(now=world.now)

        arrivals = sorted(r.at for r in strict.requests)
        assert len(arrivals) > burst
        assert all(r.status == 200 for r in strict.requests)  # the server never had to say 429
        for index in range(len(arrivals) - burst):
            assert arrivals[index + burst] - arrivals[index] >= 2.0
        assert sum(clock.slept) >= 2.0


def test_manager_stats_only_ask_for_that_teams_records(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    manager = world.managers()[1]
    team = {manager} | {o.crm_id for o in world.owners if o.manager_crm_id == manager}
    connector = make_connector()

    stats = connector.manager_stats(manager, now=world.now)

    want = expected(world, manager)
    assert (stats.open_deals, stats.stale_deals, stats.activities_7d_team) == (
        want.open_deals,
        want.stale,
        want.activities_team,
    )
    queries = list_requests(standin)
    assert queries and all(r.query.get("owner_id") in team for r in queries)
    for path, status in (
        ("/api/v2/deals", "open"),
        ("/api/v2/deals", "won,lost"),
        ("/api/v2/activities", None),
    ):
        owners = {r.query["owner_id"] for r in queries if r.path == path and r.query.get("status") == status}
        assert owners == team, (path, status)
    done_queries = [r for r in queries if r.path == "/api/v2/activities"]
    assert all(r.query["done"] == "true" and "updated_since" in r.query for r in done_queries)
    # Cheap: users, teams, three lists per member, the team's few unresolved activity ids by id, and
    # the stages once.
    lookups = id_lookups(standin)
    assert len(lookups) == 1
    assert connector.requests_made == len(standin.requests) == 2 + 3 * len(team) + len(lookups) + 1


def test_all_manager_stats_fetch_everything_in_a_few_bulk_requests(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    connector = make_connector()

    stats = connector.all_manager_stats(now=world.now)

    assert set(stats) == set(world.managers())
    assert connector.requests_made == len(standin.requests) <= 10
    assert all("owner_id" not in r.query for r in standin.requests)


def test_a_bulk_run_reads_each_list_page_once_and_no_activity_by_id(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    page = 25
    connector = make_connector(page_size=page)

    connector.all_manager_stats(now=world.now)

    def pages(items: list[Any]) -> int:
        return max(1, math.ceil(len(items) / page))

    deals, activities = list(standin.deals.values()), list(standin.activities.values())
    closed_window, stale_window = (rfc3339(world.now - timedelta(days=n)) for n in (90, STALE_DAYS))
    expected_pages = (
        2  # users and teams
        + pages([d for d in deals if d["status"] == "open"])
        + pages([d for d in deals if d["status"] != "open" and d["update_time"] >= closed_window])
        + pages([a for a in activities if a["done"] and a["update_time"] >= stale_window])
        + 1  # done ahead of time: none in this world, so one page that ends the read
        + pages([a for a in activities if not a["done"]])
        + 1  # the stages
    )
    assert connector.requests_made == len(standin.requests) == expected_pages
    assert id_lookups(standin) == []  # resolving every open deal's activity ids would be many more


def test_an_activity_marked_done_before_the_window_but_due_within_it_keeps_its_deal_fresh(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    # Marked done 20 days ago, due within the stale window: its update_time is older than the window.
    quiet = quiet_open_deals(world)[:3]
    first_id = max(standin.activities) + 1
    for offset, deal in enumerate(quiet):
        standin.add_activity(
            first_id + offset,
            owner_id=deal.owner_id,
            deal_id=int(deal.deal_id),
            kind="call",
            subject="Prepared call",
            due=world.now - timedelta(days=2 + offset),
            done_at=world.now - timedelta(days=20),
        )
    connector = make_connector(page_size=2)  # three of them: the newest-first read spans two pages

    snapshot = connector.snapshot(now=world.now)

    deals = {d.deal_id: d for d in snapshot.deals}
    for offset, deal in enumerate(quiet):
        got = deals[deal.deal_id]
        assert got.last_activity_at == midnight(world.now - timedelta(days=2 + offset))
        assert "stale" not in deal_reasons(got, now=world.now, stale_days=STALE_DAYS)
    assert not {a.activity_id for a in snapshot.activities} & {str(first_id + i) for i in range(3)}
    ahead = [r for r in standin.requests if r.query.get("sort_by") == "due_date"]
    assert len(ahead) == 2
    assert all(r.query["sort_direction"] == "desc" and r.query["done"] == "true" for r in ahead)
    assert all(r.query["updated_until"] == rfc3339(world.now - timedelta(days=STALE_DAYS)) for r in ahead)
    assert id_lookups(standin) == []


def test_the_longer_activity_read_counts_the_same_7_days_as_a_7_day_query(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    # Done, without marked_as_done_time (so dated by its due date, 3 days ago), last updated 10 days ago:
    # a 7-day updated_since query never returned it, so it did not count, and still does not.
    owner = world.managers()[0]
    activity_id = max(standin.activities) + 1
    standin.add_activity(
        activity_id,
        owner_id=owner,
        deal_id=None,
        kind="call",
        subject="Imported call",
        due=world.now - timedelta(days=3),
        done_at=world.now - timedelta(days=10),
    )
    standin.activities[activity_id]["marked_as_done_time"] = None

    snapshot = make_connector().snapshot(now=world.now)
    stats = make_connector().manager_stats(owner, now=world.now)

    assert str(activity_id) not in {a.activity_id for a in snapshot.activities}
    assert stats.activities_7d_manager == expected(world, owner).activities_manager


@pytest.mark.parametrize(
    ("created_ago", "due_ago"),
    [
        (timedelta(days=2), timedelta(days=20)),  # an older call logged on a new deal
        # created an hour into the window's first day, with an activity due that day: due dates count
        # from midnight, so the activity is older than the window
        (timedelta(days=STALE_DAYS, hours=-1), timedelta(days=STALE_DAYS)),
    ],
)
def test_a_new_deal_whose_only_activity_is_older_is_stale_as_in_pipedrive(
    standin: PipedriveStandIn,
    make_connector: ConnectorFactory,
    world: World,
    created_ago: timedelta,
    due_ago: timedelta,
) -> None:
    owner = world.managers()[0]
    deal_id, activity_id = max(standin.deals) + 1, max(standin.activities) + 1
    standin.add_deal(
        deal_id,
        title="Backdated",
        owner_id=owner,
        amount=Decimal(1000),
        status="open",
        added=world.now - created_ago,
    )
    done = world.now - due_ago
    standin.add_activity(
        activity_id, owner_id=owner, deal_id=deal_id, kind="call", subject="Intro", due=done, done_at=done
    )

    snapshot = make_connector().snapshot(now=world.now)

    got = next(d for d in snapshot.deals if d.deal_id == str(deal_id))
    assert got.created_at >= world.now - timedelta(days=STALE_DAYS)
    assert got.last_activity_at == midnight(done) < world.now - timedelta(days=STALE_DAYS)
    assert "stale" in deal_reasons(got, now=world.now, stale_days=STALE_DAYS)
    # Read by id only if the done pass missed it, and then alone.
    assert [r.query["ids"] for r in id_lookups(standin)] in ([], [str(activity_id)])


def test_a_team_deal_kept_fresh_by_someone_outside_the_team_is_not_stale(
    standin: PipedriveStandIn, make_connector: ConnectorFactory, world: World
) -> None:
    manager, other = world.managers()[0], world.managers()[1]
    team = {manager} | {o.crm_id for o in world.owners if o.manager_crm_id == manager}
    deal = quiet_open_deals(world, team)[0]
    outsider = next(o.crm_id for o in world.owners if o.manager_crm_id == other)
    recently = world.now - timedelta(days=2)
    standin.add_activity(
        max(standin.activities) + 1,
        owner_id=outsider,
        deal_id=int(deal.deal_id),
        kind="meeting",
        subject="Covered the demo",
        due=recently,
        done_at=recently,
    )
    connector = make_connector()

    single = connector.manager_stats(manager, now=world.now)
    bulk = connector.all_manager_stats(now=world.now)[manager]

    assert single.stale_deals == bulk.stale_deals == expected(world, manager).stale - 1
