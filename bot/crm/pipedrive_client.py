"""HTTP transport for the Pipedrive REST API: auth header, burst limiting, retries, error mapping, paging.

Pipedrive answers with an envelope {"success": bool, "data": ..., "additional_data": ...}; errors carry
{"success": false, "error": "...", "errorCode": 401, "error_info": "..."}. Every failure leaves this
module as a CRMError subclass whose user_message never contains the token, headers or raw JSON.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.crm.base import (
    CRMAuthError,
    CRMError,
    CRMNotFoundError,
    CRMPermissionError,
    CRMRateLimitedError,
    CRMUnavailableError,
)
from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.retry import RetryPolicy, TryAgain, retry_after_seconds

log = logging.getLogger(__name__)

# The smallest documented burst budget: 20 requests per 2-second window per API token (Lite/Essential plan).
DEFAULT_REQUESTS_PER_WINDOW = 20
BURST_WINDOW_SECONDS = 2.0
MAX_PAGE_SIZE = 500  # Pipedrive rejects larger `limit` values
MAX_PAGES = 10_000  # a guard against a server that keeps handing out cursors
DEFAULT_RETRY_AFTER = BURST_WINDOW_SECONDS  # a 429 without headers: wait one burst window
DAILY_BUDGET_HEADERS = ("x-daily-ratelimit-token-remaining", "x-daily-requests-left")

Params = Mapping[str, str | int]


class PipedriveClient:
    """GETs JSON envelopes from one Pipedrive company; thread-safe as far as httpx.Client is."""

    def __init__(
        self,
        *,
        base_url: str,
        api_token: str,
        timeout_seconds: float,
        limiter: SlidingWindowLimiter,
        on_request: Callable[[], None] = lambda: None,
        max_attempts: int = 3,
        max_retry_after: float = 60.0,
        retry_backoff: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.timeout_seconds = timeout_seconds
        self.limiter = limiter
        self._on_request = on_request
        self._retry = RetryPolicy(
            attempts=max_attempts, backoff_seconds=retry_backoff, max_retry_after=max_retry_after, sleep=sleep
        )
        # The token travels in a header only: query strings end up in proxy and access logs.
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"x-api-token": api_token, "accept": "application/json", "user-agent": "crmcoach"},
            timeout=httpx.Timeout(timeout_seconds),
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._http.close()

    # --- public API --------------------------------------------------------------------------
    def get(self, path: str, params: Params | None = None, *, entity: str | None = None) -> dict[str, Any]:
        """One successful envelope, after bounded retries of 429s, 5xx and network failures.

        `entity` names what the path points at (e.g. "team 7"): a 404 then means it does not exist
        (CRMNotFoundError); elsewhere a 404 means the base URL is wrong.
        """
        return self._retry.call(lambda: self._attempt(path, params, entity=entity), vendor="Pipedrive")

    def _attempt(self, path: str, params: Params | None, *, entity: str | None) -> dict[str, Any]:
        try:
            with self.limiter.held():
                self._on_request()
                response = self._http.get(path, params=dict(params or {}))
        except httpx.TimeoutException as exc:
            raise _outage(
                f"Pipedrive did not answer within {self.timeout_seconds:g} seconds. "
                "Please try again in a few minutes.",
                detail=f"GET {path}: timed out ({type(exc).__name__})",
            ) from None
        except httpx.TransportError as exc:
            raise _outage(
                f"CRM Coach could not reach Pipedrive at {self.base_url}. "
                "Check PIPEDRIVE_API_URL and the network.",
                detail=f"GET {path}: {type(exc).__name__}: {exc}",
            ) from None
        self._respect_burst_headers(response)
        status = response.status_code
        if status == 429:
            raise self._rate_limited(path, response)
        if status >= 500:
            raise _outage(
                f"Pipedrive is having trouble right now (HTTP {status}). Please try again in a few minutes.",
                detail=f"GET {path}: HTTP {status} {_error_text(response)}",
            )
        if status >= 400:
            raise _client_error(path, response, entity=entity)
        return _envelope(path, response)

    def paginate(
        self, path: str, params: Params | None = None, *, page_size: int
    ) -> Iterator[dict[str, Any]]:
        """Every item of a v2 cursor-paginated list (additional_data.next_cursor, null on the last page)."""
        query: dict[str, str | int] = {**(params or {}), "limit": max(1, min(page_size, MAX_PAGE_SIZE))}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            envelope = self.get(path, query)
            yield from _items(path, envelope)
            cursor = (envelope.get("additional_data") or {}).get("next_cursor")
            if not cursor:
                return
            if not isinstance(cursor, str) or cursor in seen:
                raise CRMUnavailableError(
                    "Pipedrive sent a response CRM Coach could not read. Please try again in a few minutes.",
                    detail=f"GET {path}: unusable or repeated next_cursor {cursor!r}",
                )
            seen.add(cursor)
            query["cursor"] = cursor
        raise CRMUnavailableError(
            "Pipedrive returned more pages than CRM Coach can read. Please contact your CRM Coach admin.",
            detail=f"GET {path}: more than {MAX_PAGES} pages",
        )

    def items(self, path: str, params: Params | None = None) -> list[dict[str, Any]]:
        """The data list of an unpaginated endpoint (v1 users, legacy teams)."""
        return list(_items(path, self.get(path, params)))

    # --- helpers -----------------------------------------------------------------------------
    def _rate_limited(self, path: str, response: httpx.Response) -> TryAgain:
        """A 429 to wait out (every caller sharing the token waits too); raises when waiting cannot help."""
        if _daily_budget_spent(response):
            raise CRMRateLimitedError(
                "Pipedrive's daily API budget for your company is used up. It resets at midnight, "
                "so please try again tomorrow.",
                retry_after=_seconds_until_utc_midnight(),
                detail=f"GET {path}: 429, daily budget exhausted {_error_text(response)}",
            )
        # "Retry-After: 0" means at once: only a missing header falls back to the window's reset.
        wait = next(
            (
                seconds
                for name in ("Retry-After", "x-ratelimit-reset")
                if (seconds := retry_after_seconds(response.headers, name)) is not None
            ),
            DEFAULT_RETRY_AFTER,
        )
        detail = f"GET {path}: 429 (Retry-After {wait:g}s) {_error_text(response)}"
        if wait <= self._retry.max_retry_after:
            self.limiter.pause_for(wait)
        return TryAgain(
            detail,
            final=CRMRateLimitedError(
                "Pipedrive is rate-limiting CRM Coach right now. Please try again in a minute.",
                retry_after=wait,
                detail=detail,
            ),
            retry_after=wait,
            rate_limited=True,
        )

    def _respect_burst_headers(self, response: httpx.Response) -> None:
        # The server says this 2-second window is used up: wait for its reset instead of earning a 429.
        if response.status_code != 429 and response.headers.get("x-ratelimit-remaining") == "0":
            reset = retry_after_seconds(response.headers, "x-ratelimit-reset")
            self.limiter.pause_for(min(reset if reset is not None else BURST_WINDOW_SECONDS, 10.0))


def normalise_base_url(url: str) -> str:
    """https://acme.pipedrive.com, https://api.pipedrive.com/ or …/api/v1 all become the bare origin."""
    base = url.strip().rstrip("/")
    for suffix in ("/api/v1", "/api/v2", "/v1", "/api"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    return base


def _envelope(path: str, response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CRMUnavailableError(
            "Pipedrive sent a response CRM Coach could not read. Please try again in a few minutes.",
            detail=f"GET {path}: HTTP {response.status_code}, body is not JSON: {response.text[:200]!r}",
        ) from None
    if not isinstance(body, dict):
        raise CRMUnavailableError(
            "Pipedrive sent a response CRM Coach could not read. Please try again in a few minutes.",
            detail=f"GET {path}: expected a JSON object, got {type(body).__name__}",
        )
    if body.get("success") is False:
        raise CRMError(
            "Pipedrive reported a problem with CRM Coach's request. Please ask your CRM Coach admin.",
            detail=f"GET {path}: success=false {body.get('error')!r} {body.get('error_info')!r}",
        )
    return body


def _items(path: str, envelope: dict[str, Any]) -> Iterator[dict[str, Any]]:
    data = envelope.get("data")
    if data is None:  # Pipedrive sends null instead of [] for empty lists
        return
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise CRMUnavailableError(
            "Pipedrive sent a response CRM Coach could not read. Please try again in a few minutes.",
            detail=f"GET {path}: 'data' is not a list of objects",
        )
    yield from data


def _client_error(path: str, response: httpx.Response, *, entity: str | None) -> CRMError:
    status = response.status_code
    detail = f"GET {path}: HTTP {status} {_error_text(response)}"
    if status == 401:
        return CRMAuthError(
            "Pipedrive did not accept the API token. Check PIPEDRIVE_API_TOKEN "
            "(Pipedrive → Personal preferences → API).",
            detail=detail,
        )
    if status in (402, 403):
        return CRMPermissionError(
            "Pipedrive did not let this API token read users, deals or activities. Use the token of an "
            "admin (or of a user who can see every deal) whose permission set allows API access.",
            detail=detail,
        )
    if status == 404 and entity is not None:
        return CRMNotFoundError(f"Pipedrive has no {entity}.", detail=detail)
    if status == 404:
        return CRMError(
            f"Pipedrive has nothing at {path}. Check PIPEDRIVE_API_URL (e.g. https://yourcompany.pipedrive.com).",
            detail=detail,
        )
    return CRMError(
        "Pipedrive rejected CRM Coach's request. Please ask your CRM Coach admin to check the logs.",
        detail=detail,
    )


def _error_text(response: httpx.Response) -> str:
    """The error fields of a Pipedrive error body, for logs; never the raw body of a success."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return repr(response.text[:200])
    if not isinstance(body, dict):
        return ""
    return " ".join(f"{key}={body[key]!r}" for key in ("error", "errorCode", "error_info") if key in body)


def _daily_budget_spent(response: httpx.Response) -> bool:
    if any(response.headers.get(header) == "0" for header in DAILY_BUDGET_HEADERS):
        return True
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    error = str(body.get("error") or "") if isinstance(body, dict) else ""
    return "daily" in error.lower()


def _outage(user_message: str, *, detail: str) -> TryAgain:
    return TryAgain(detail, final=CRMUnavailableError(user_message, detail=detail))


def _seconds_until_utc_midnight(now: datetime | None = None) -> float:
    moment = now or datetime.now(UTC)
    midnight = (moment + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - moment).total_seconds()
