"""Salesforce specifics, through the real connector (and simple-salesforce) against the HTTPS stand-in."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.config_crm import SalesforceCRM
from bot.crm.aggregate import CLOSED_WINDOW
from bot.crm.base import (
    DEFAULT_CURRENCY,
    CRMAuthError,
    CRMError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.registry import build_salesforce
from bot.crm.salesforce import SalesforceConnector
from bot.crm.salesforce_http import ApiUsage
from bot.store.crm_mirror import SqlMirrorStore
from tests.contract.world import World, build_world, expected
from tests.fakes.salesforce import SalesforceStandIn

Make = Callable[..., SalesforceConnector]
OWNER_LIST = re.compile(r"OwnerId IN \(([^)]*)\)")


@pytest.fixture(scope="module")
def world() -> World:
    return build_world()


@pytest.fixture
def standin(world: World, tmp_path: Path) -> Iterator[SalesforceStandIn]:
    with SalesforceStandIn(workdir=tmp_path) as server:
        server.load_world(world)
        yield server


@pytest.fixture
def make(standin: SalesforceStandIn) -> Iterator[Make]:
    """Connectors on the stand-in with test-sized timeouts and backoff; overrides as keyword arguments."""
    made: list[SalesforceConnector] = []

    def build(**overrides: Any) -> SalesforceConnector:
        options: dict[str, Any] = {
            "instance_url": standin.origin,
            "access_token": standin.access_token,
            "verify": str(standin.ca_bundle),
            "timeout": 0.5,
            "backoff": 0.01,
            **overrides,
        }
        connector = SalesforceConnector(**options)
        made.append(connector)
        return connector

    yield build
    for connector in made:
        connector.close()


def rest_requests(standin: SalesforceStandIn) -> list[Any]:
    return [r for r in standin.requests if r.path.startswith("/services/data/")]


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


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


# --- authentication -------------------------------------------------------------------------------
def test_an_expired_access_token_is_an_auth_error(standin: SalesforceStandIn, make: Make) -> None:
    standin.expire_sessions()

    with pytest.raises(CRMAuthError) as caught:
        make().list_owners()

    assert "SALESFORCE_ACCESS_TOKEN" in caught.value.user_message
    assert standin.access_token not in caught.value.user_message + str(caught.value)
    assert len(standin.requests) == 1  # not retried


def test_password_sign_in_and_signing_in_again_after_the_session_expires(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    connector = make(
        instance_url=None,
        access_token=None,
        username=standin.username,
        password=standin.password,
        security_token=standin.security_token,
        login_url=standin.origin,
    )

    assert len(connector.list_owners()) == len(world.owners)
    standin.expire_sessions()
    connector.fetch_deals(owner_ids=["M00001"], closed_since=world.now - CLOSED_WINDOW)

    logins = [r for r in standin.requests if r.path.startswith("/services/Soap/u/")]
    assert len(logins) == 2
    assert connector.requests_made == len(standin.requests)


def test_a_wrong_password_is_an_auth_error_and_is_not_retried(standin: SalesforceStandIn, make: Make) -> None:
    connector = make(
        instance_url=None,
        access_token=None,
        username=standin.username,
        password="wrong",
        security_token=standin.security_token,
        login_url=standin.origin,
    )

    with pytest.raises(CRMAuthError) as caught:
        connector.list_owners()

    assert "SALESFORCE_PASSWORD" in caught.value.user_message
    assert "wrong" not in caught.value.user_message
    assert len(standin.requests) == 1  # a retried login would count towards the user's lockout


# --- errors -----------------------------------------------------------------------------------------
ERROR_CASES = [
    # (HTTP status, errorCode, message) -> (error class, words the user reads)
    ((403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id"), (CRMPermissionError, "read")),
    ((403, "API_DISABLED_FOR_ORG", "API is not enabled for this Organization"), (CRMPermissionError, "API")),
    ((403, "API_CURRENTLY_DISABLED", "API is disabled for this User"), (CRMPermissionError, "API Enabled")),
    ((403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), (CRMRateLimitedError, "daily")),
    (
        (400, "INVALID_FIELD", "No such column 'NextStep' on entity 'Opportunity'."),
        (CRMPermissionError, "Opportunity.NextStep"),
    ),
    ((400, "MALFORMED_QUERY", "unexpected token: FROM"), (CRMError, "bug")),
    ((404, "NOT_FOUND", "The requested resource does not exist"), (CRMError, "SALESFORCE_API_VERSION")),
]


@pytest.mark.parametrize(("failure", "expected"), ERROR_CASES, ids=[case[0][1] for case in ERROR_CASES])
def test_salesforce_errors_become_crm_errors(
    standin: SalesforceStandIn,
    make: Make,
    failure: tuple[int, str, str],
    expected: tuple[type[CRMError], str],
) -> None:
    status, code, message = failure
    error_type, words = expected
    standin.fail_next(status, error_code=code, message=message)

    with pytest.raises(CRMError) as caught:
        make().list_owners()

    assert caught.value.kind == error_type.kind
    assert words in caught.value.user_message
    assert code in str(caught.value)  # Salesforce's own words stay in the detail, for the logs
    assert "[{" not in caught.value.user_message
    assert len(standin.requests) == 1


def test_the_daily_allocation_used_up_is_rate_limited(standin: SalesforceStandIn, make: Make) -> None:
    standin.api_used = standin.daily_limit

    with pytest.raises(CRMRateLimitedError) as caught:
        make().list_owners()

    assert "daily API request allocation" in caught.value.user_message
    assert len(standin.requests) == 1


def test_the_connector_holds_back_near_the_daily_allocation(standin: SalesforceStandIn, make: Make) -> None:
    standin.daily_limit, standin.api_used = 100, 94
    connector = make(max_daily_usage=0.95)
    connector.fetch_owners()  # Salesforce reports 95/100

    with pytest.raises(CRMRateLimitedError) as caught:
        connector.fetch_owners()

    assert connector.api_usage == ApiUsage(used=95, total=100)
    assert "95 of its 100 daily API requests" in caught.value.user_message
    assert len(standin.requests) == 1  # held back before sending


def test_an_object_the_user_may_not_read_inside_a_composite_call(
    standin: SalesforceStandIn, make: Make, world: World
) -> None:
    standin.hidden_objects = {"Event"}

    with pytest.raises(CRMPermissionError) as caught:
        make().fetch_activities(owner_ids=None, since=world.now - timedelta(days=7))

    assert "Event" in caught.value.user_message


def test_429_with_retry_after_is_waited_out(standin: SalesforceStandIn, make: Make, world: World) -> None:
    standin.fail_next(429, error_code="REQUEST_LIMIT_EXCEEDED", message="slow down", retry_after="1")
    started = time.monotonic()

    owners = make().list_owners()

    assert len(owners) == len(world.owners)
    assert time.monotonic() - started >= 0.9
    assert [r.status for r in standin.requests] == [429, 200]


def test_persistent_429_is_rate_limited(standin: SalesforceStandIn, make: Make) -> None:
    standin.fail_next(429, retry_after="0", times=5)
    connector = make()

    with pytest.raises(CRMRateLimitedError) as caught:
        connector.list_owners()

    assert caught.value.retry_after == 0
    assert len(standin.requests) == connector.requests_made == 3


def test_a_retry_after_beyond_the_cap_is_not_waited_for(standin: SalesforceStandIn, make: Make) -> None:
    standin.fail_next(429, retry_after="3600")
    started = time.monotonic()

    with pytest.raises(CRMRateLimitedError) as caught:
        make(max_retry_after=5.0).list_owners()

    assert caught.value.retry_after == 3600
    assert time.monotonic() - started < 1.0
    assert len(standin.requests) == 1


def test_server_errors_are_retried(standin: SalesforceStandIn, make: Make, world: World) -> None:
    standin.fail_next(503, error_code="SERVER_UNAVAILABLE", message="down for maintenance", times=2)
    connector = make()

    assert len(connector.list_owners()) == len(world.owners)
    assert [r.status for r in standin.requests] == [503, 503, 200]
    assert connector.requests_made == 3


def test_persistent_server_errors_are_unavailable(standin: SalesforceStandIn, make: Make) -> None:
    standin.fail_next(503, error_code="SERVER_UNAVAILABLE", message="down for maintenance", times=5)

    with pytest.raises(CRMUnavailableError) as caught:
        make().list_owners()

    assert "503" in caught.value.user_message
    assert len(standin.requests) == 3


def test_a_hanging_server_times_out_as_unavailable(standin: SalesforceStandIn, make: Make) -> None:
    standin.hang_next(3.0, times=3)
    connector = make(timeout=0.5)
    started = time.monotonic()

    with pytest.raises(CRMUnavailableError) as caught:
        connector.list_owners()

    assert "did not answer within 0.5 seconds" in caught.value.user_message
    assert time.monotonic() - started < 2.5
    assert connector.requests_made == 3


def test_malformed_json_is_unavailable(standin: SalesforceStandIn, make: Make) -> None:
    standin.malformed_next()

    with pytest.raises(CRMUnavailableError) as caught:
        make().list_owners()

    assert "could not read" in caught.value.user_message


def test_an_untrusted_certificate_is_refused_without_retrying(standin: SalesforceStandIn, make: Make) -> None:
    connector = make(verify=True)  # the system's trust store does not know the stand-in's certificate

    with pytest.raises(CRMUnavailableError) as caught:
        connector.list_owners()

    assert "certificate" in caught.value.user_message
    assert connector.requests_made == 1


# --- settings -----------------------------------------------------------------------------------------
def settings(**values: Any) -> SalesforceCRM:
    crm = Settings(_env_file=None, crm_connector="salesforce", **values).crm  # type: ignore[call-arg]
    assert isinstance(crm, SalesforceCRM)
    return crm


def test_build_salesforce_from_settings_talks_to_the_instance(
    standin: SalesforceStandIn, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # verify=True follows REQUESTS_CA_BUNDLE, as it would for a company proxy's certificate.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(standin.ca_bundle))
    connector = build_salesforce(
        settings(
            salesforce_instance_url=standin.origin,
            salesforce_access_token=standin.access_token,
            salesforce_api_version="v61.0",
            crm_timeout_seconds=3,
            crmcoach_stale_days=21,
        ),
        roster=None,
    )
    try:
        stats = connector.manager_stats("M00001", now=world.now)
    finally:
        connector.close()

    assert (connector.timeout, connector.stale_days, stats.stale_days) == (3, 21, 21)
    assert {r.path.split("/")[3] for r in rest_requests(standin)} == {"v61.0"}


def test_unusable_salesforce_settings_are_refused_when_they_load() -> None:
    with pytest.raises(ConfigError) as caught:
        settings(salesforce_instance_url="http://example.my.salesforce.com", salesforce_access_token="x")
    assert caught.value.problems == {
        "SALESFORCE_INSTANCE_URL": "must start with https:// (Salesforce serves HTTPS only)"
    }
    with pytest.raises(ConfigError) as without_url:
        settings(salesforce_access_token="x")
    assert without_url.value.problems == {
        "SALESFORCE_INSTANCE_URL": "missing (needed with SALESFORCE_ACCESS_TOKEN)"
    }
    with pytest.raises(ConfigError) as missing:
        settings(salesforce_username="coach@example.com")  # a password sign-in needs the password too
    assert missing.value.problems == {"SALESFORCE_ACCESS_TOKEN": "missing (CRM_CONNECTOR=salesforce)"}
    assert "SALESFORCE_USERNAME + _PASSWORD + _SECURITY_TOKEN" in missing.value.render()


def test_build_salesforce_signs_in_with_a_password_lazily() -> None:
    connector = build_salesforce(
        settings(salesforce_username="coach@example.com", salesforce_password="pw", salesforce_domain="test"),
        roster=None,
    )
    connector.close()
    assert connector.requests_made == 0  # signing in waits for the first request
