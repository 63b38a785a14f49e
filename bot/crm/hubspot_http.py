"""HubSpot over HTTP: one place for the bearer token, rate limits, timeouts, retries and error meanings.

Plain httpx instead of hubspot-api-client: the SDK's generated clients retry inside urllib3 where we
cannot count or rate-limit each attempt, raise one ApiException for every failure and need a model class
per object type. Here every attempt passes the two limiters, is counted, and each HubSpot error body
maps to exactly one CRMError in `_raise_for_error`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import httpx

from bot.crm.base import (
    CRMAuthError,
    CRMError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.retry import RetryPolicy, TryAgain, retry_after_seconds

log = logging.getLogger(__name__)

GENERAL_WINDOW_SECONDS = 10.0  # HubSpot's burst limit is counted per rolling 10 s
SEARCH_REQUESTS_PER_SECOND = 5  # CRM search endpoints, per account, on top of the burst limit
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF_SECONDS = 1.0
# A longer Retry-After (e.g. the daily limit) is reported instead of waited out: a Slack answer cannot wait.
MAX_RETRY_AFTER_SECONDS = 30.0
# Without Retry-After: wait out the window the policy names (HubSpot does not always send the header).
DEFAULT_WAIT_BY_POLICY = {"SECONDLY": 1.0, "TEN_SECONDLY_ROLLING": GENERAL_WINDOW_SECONDS}

JSONObject = dict[str, Any]


class HubSpotHTTP:
    """Sends requests to HubSpot's REST API; returns decoded JSON objects or raises CRMError subclasses."""

    def __init__(
        self,
        *,
        base_url: str,
        access_token: str,
        timeout_seconds: float,
        requests_per_10s: int,
        on_send: Callable[[], None],
        general_limiter: SlidingWindowLimiter | None = None,
        search_limiter: SlidingWindowLimiter | None = None,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_seconds),
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
        )
        self._timeout_seconds = timeout_seconds
        self._on_send = on_send
        self.general_limiter = general_limiter or SlidingWindowLimiter(
            requests_per_10s, GENERAL_WINDOW_SECONDS
        )
        self.search_limiter = search_limiter or SlidingWindowLimiter(SEARCH_REQUESTS_PER_SECOND, 1.0)
        self._retry = RetryPolicy(
            attempts=attempts, backoff_seconds=backoff_seconds, max_retry_after=MAX_RETRY_AFTER_SECONDS
        )

    def close(self) -> None:
        self._client.close()

    def get(self, path: str, params: dict[str, str]) -> JSONObject:
        return self._request("GET", path, params=params, body=None, search=False)

    def search(self, object_type: str, body: JSONObject) -> JSONObject:
        return self._request(
            "POST", f"/crm/v3/objects/{object_type}/search", params=None, body=body, search=True
        )

    def _request(
        self, method: str, path: str, *, params: dict[str, str] | None, body: JSONObject | None, search: bool
    ) -> JSONObject:
        return self._retry.call(
            lambda: self._attempt(method, path, params=params, body=body, search=search), vendor="HubSpot"
        )

    def _attempt(
        self, method: str, path: str, *, params: dict[str, str] | None, body: JSONObject | None, search: bool
    ) -> JSONObject:
        try:
            response = self._send(method, path, params=params, body=body, search=search)
        except httpx.TimeoutException:
            raise _outage(f"{method} {path}: no answer within {self._timeout_seconds:g} s") from None
        except httpx.TransportError as exc:
            raise _outage(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        if response.status_code == 429:
            raise self._rate_limited(response, path)
        if response.status_code >= 500:
            raise _outage(f"{method} {path}: HTTP {response.status_code} {_error_summary(response)}")
        return _decoded(response, method, path)

    def _send(
        self, method: str, path: str, *, params: dict[str, str] | None, body: JSONObject | None, search: bool
    ) -> httpx.Response:
        """One attempt, holding a slot of each limiter that applies until the answer is in."""
        with ExitStack() as slots:
            slots.enter_context(self.general_limiter.held())
            if search:
                slots.enter_context(self.search_limiter.held())
            self._on_send()
            return self._client.request(method, path, params=params, json=body)

    def _rate_limited(self, response: httpx.Response, path: str) -> TryAgain:
        """A 429: hold every caller back for Retry-After; the daily limit is reported at once."""
        error = _error_body(response)
        policy = str(error.get("policyName") or "")
        wait = retry_after_seconds(response.headers)
        if wait is None:  # "Retry-After: 0" means at once, so only a missing header takes the default
            wait = DEFAULT_WAIT_BY_POLICY.get(policy, 1.0)
        detail = f"HTTP 429 on {path}: policy {policy or '?'}, retry after {wait:g} s: {error.get('message')}"
        final = CRMRateLimitedError(
            "HubSpot is limiting CRM Coach's requests right now; try again in a minute.",
            retry_after=wait,
            detail=detail,
        )
        if policy == "DAILY":
            raise final
        limiter = self.search_limiter if policy == "SECONDLY" else self.general_limiter
        limiter.pause_for(wait)
        return TryAgain(detail, final=final, retry_after=wait, rate_limited=True)


def _outage(detail: str) -> TryAgain:
    return TryAgain(
        detail,
        final=CRMUnavailableError(
            "HubSpot is not answering right now; try again in a few minutes.", detail=detail
        ),
    )


def _decoded(response: httpx.Response, method: str, path: str) -> JSONObject:
    if response.status_code >= 400:
        _raise_for_error(response, f"{method} {path}")
    try:
        decoded = response.json()
    except ValueError:
        decoded = None
    if not isinstance(decoded, dict):
        raise CRMUnavailableError(
            "HubSpot sent an answer CRM Coach could not read; try again in a few minutes.",
            detail=f"{method} {path}: HTTP {response.status_code}, not JSON: {response.text[:200]!r}",
        )
    return decoded


def _raise_for_error(response: httpx.Response, where: str) -> None:
    error = _error_body(response)
    detail = f"{where}: HTTP {response.status_code} {_error_summary(response)}"
    if response.status_code == 401:
        raise CRMAuthError(
            "HubSpot did not accept the access token. Check HUBSPOT_ACCESS_TOKEN "
            "(a private app access token) and that the app is still installed.",
            detail=detail,
        )
    if response.status_code == 403:
        scopes = _missing_scopes(error)
        if scopes:
            raise CRMPermissionError(
                f"The HubSpot private app lacks the scope {', '.join(scopes)}; "
                "add it under Settings → Integrations → Private Apps.",
                detail=detail,
            )
        raise CRMPermissionError(
            "The HubSpot access token may not read owners, deals or activities; "
            "check the private app's scopes.",
            detail=detail,
        )
    raise CRMError("HubSpot refused CRM Coach's request.", detail=detail)


def _missing_scopes(error: JSONObject) -> list[str]:
    """Scope names from a MISSING_SCOPES body: errors[].context.requiredScopes (or requiredGranularScopes)."""
    scopes: list[str] = []
    for item in error.get("errors") or []:
        context = item.get("context") if isinstance(item, dict) else None
        if not isinstance(context, dict):
            continue
        for key in ("requiredScopes", "requiredGranularScopes"):
            for scope in context.get(key) or []:
                if str(scope) not in scopes:
                    scopes.append(str(scope))
    return scopes


def _error_body(response: httpx.Response) -> JSONObject:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _error_summary(response: httpx.Response) -> str:
    error = _error_body(response)
    if not error:
        return repr(response.text[:200])
    category, message = error.get("category") or "", error.get("message") or ""
    return f"{category} {message} (correlationId {error.get('correlationId')})"
