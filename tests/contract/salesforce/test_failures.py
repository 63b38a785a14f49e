"""Salesforce failures and set-up, through the real connector against the HTTPS stand-in:
authentication, errors and retries, and settings."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from bot.config import ConfigError
from bot.crm.aggregate import CLOSED_WINDOW
from bot.crm.base import (
    CRMAuthError,
    CRMError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.registry import build_salesforce
from bot.crm.salesforce_http import ApiUsage
from tests.contract.salesforce.support import Make, rest_requests, settings
from tests.contract.world import World
from tests.fakes.salesforce import SalesforceStandIn


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
