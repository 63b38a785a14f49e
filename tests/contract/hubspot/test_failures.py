"""HubSpot-specific behaviour of the real connector against the HubSpot stand-in: errors, retries and
rate limits, HubSpot's and the client's own."""

from __future__ import annotations

import math
import time
from datetime import timedelta

import pytest

from bot.crm.base import (
    CRMAuthError,
    CRMError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from tests.clock import FakeClock
from tests.contract.hubspot.support import NINETY_DAYS, connect
from tests.contract.world import World
from tests.fakes.hubspot import ALL_SCOPES, HubSpotStandIn


# --- errors -------------------------------------------------------------------------------------
def test_a_rejected_token_is_an_auth_error_and_not_retried(standin: HubSpotStandIn) -> None:
    connector = connect(standin, access_token="pat-na1-wrong")

    with pytest.raises(CRMAuthError) as caught:
        connector.list_owners()

    assert "did not accept the access token" in caught.value.user_message
    assert "pat-na1-wrong" not in caught.value.user_message
    assert "INVALID_AUTHENTICATION" in str(caught.value)  # the detail, for the logs
    assert len(standin.requests) == 1


def test_a_missing_scope_is_named(standin: HubSpotStandIn, world: World) -> None:
    standin.granted_scopes = set(ALL_SCOPES) - {"crm.objects.deals.read"}
    connector = connect(standin)

    with pytest.raises(CRMPermissionError) as caught:
        connector.fetch_deals(owner_ids=None, closed_since=world.now - NINETY_DAYS)

    assert "crm.objects.deals.read" in caught.value.user_message
    assert len(standin.requests) == 1


@pytest.mark.parametrize(("policy", "call"), [("TEN_SECONDLY_ROLLING", "owners"), ("SECONDLY", "search")])
def test_a_429_is_waited_out_for_retry_after(
    standin: HubSpotStandIn, world: World, policy: str, call: str
) -> None:
    standin.rate_limit_next(policy=policy, retry_after=1)
    connector = connect(standin)

    if call == "owners":
        assert connector.list_owners()
    else:
        assert connector.fetch_activities(owner_ids=None, since=world.now - timedelta(days=7))

    first, second = standin.requests[:2]
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.95


def test_a_persistent_429_becomes_rate_limited(standin: HubSpotStandIn) -> None:
    standin.rate_limit_next(retry_after=0.2, times=10)
    connector = connect(standin, attempts=3)

    with pytest.raises(CRMRateLimitedError) as caught:
        connector.list_owners()

    assert caught.value.retry_after == pytest.approx(0.2)
    assert len(standin.requests) == 3


def test_retry_after_zero_is_retried_at_once_not_after_the_policy_default(standin: HubSpotStandIn) -> None:
    standin.rate_limit_next(policy="TEN_SECONDLY_ROLLING", retry_after=0, times=10)
    connector = connect(standin, attempts=3)

    with pytest.raises(CRMRateLimitedError) as caught:
        connector.list_owners()

    assert caught.value.retry_after == 0
    first, _, third = standin.requests[:3]
    assert third.at - first.at < 0.5  # without the header this policy waits 10 s


def test_the_daily_limit_is_reported_at_once(standin: HubSpotStandIn) -> None:
    standin.rate_limit_next(policy="DAILY", retry_after=None, times=10)

    with pytest.raises(CRMRateLimitedError):
        connect(standin).list_owners()

    assert len(standin.requests) == 1


def test_server_errors_are_retried(standin: HubSpotStandIn, world: World) -> None:
    standin.fail_next(status=502, times=2)
    connector = connect(standin, attempts=3)

    assert len(connector.list_owners()) == len(world.owners)
    assert [r.status for r in standin.requests] == [502, 502, 200]


def test_persistent_server_errors_become_unavailable(standin: HubSpotStandIn) -> None:
    standin.fail_next(status=503, times=10)
    connector = connect(standin, attempts=3)

    with pytest.raises(CRMUnavailableError) as caught:
        connector.list_owners()

    assert "HubSpot" in caught.value.user_message
    assert connector.requests_made == len(standin.requests) == 3


def test_a_hanging_server_times_out(standin: HubSpotStandIn) -> None:
    standin.hang_next(5, times=10)
    connector = connect(standin, timeout_seconds=0.5, attempts=2)
    started = time.monotonic()

    with pytest.raises(CRMUnavailableError) as caught:
        connector.list_owners()

    assert time.monotonic() - started < 2.5
    assert "0.5 s" in str(caught.value)


def test_malformed_json_is_unavailable(standin: HubSpotStandIn, world: World) -> None:
    standin.malformed_next(path="/crm/v3/objects/deals")
    connector = connect(standin)

    with pytest.raises(CRMUnavailableError) as caught:
        connector.fetch_deals(owner_ids=None, closed_since=world.now - NINETY_DAYS)

    assert "{" not in caught.value.user_message


def test_other_client_errors_are_crm_errors(standin: HubSpotStandIn) -> None:
    standin.fail_next(status=400, body={"status": "error", "message": "bad", "category": "VALIDATION_ERROR"})

    with pytest.raises(CRMError) as caught:
        connect(standin).list_owners()

    assert "VALIDATION_ERROR" in str(caught.value)


# --- client-side rate limits ----------------------------------------------------------------
def test_requests_stay_within_the_ten_second_budget(standin: HubSpotStandIn, world: World) -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 10.0, clock=clock, sleep=clock.sleep)
    connector = connect(standin, owners_page_size=2, general_limiter=limiter)

    connector.list_owners()

    pages = math.ceil(len(world.owners) / 2)
    assert len(standin.requests) == pages == 8
    assert sum(clock.slept) == pytest.approx(10.0 * ((pages - 1) // 3))


def test_searches_stay_under_five_per_second(world: World) -> None:
    with HubSpotStandIn.from_world(world, searches_per_second=5, requests_per_10s=100) as standin:
        connector = connect(standin, page_size=50, search_limiter=None)  # HubSpot's own limit
        # The first search is slow in transit: HubSpot counts it late, the client must not count it early.
        standin.hang_next(0.3, path="/crm/v3/objects/deals/search")

        connector.snapshot(now=world.now)

        assert len(standin.searches()) >= 8
        assert standin.rate_limited() == []
