"""The requests.Session that simple-salesforce sends every Salesforce request through.

simple-salesforce takes a ready-made session (`session=`) and calls `session.request()` for each query,
query-more page, composite call and SOAP login, but sets no timeout and never retries. This session adds,
in one place and for every one of those requests: an explicit timeout, bounded retries of outages,
Retry-After, the client-side pace, request counting and a guard on the org's daily API allocation.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests

from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.retry import RetryPolicy, TryAgain, retry_after_seconds

RETRY_STATUSES = frozenset({500, 502, 503, 504})
# A reading of the org's usage older than this may be out of date (the allocation is a rolling
# 24 hours), so the guard then lets one request through to learn the current figure.
USAGE_READING_TTL = 900.0
_API_USAGE = re.compile(r"api-usage=(\d+)/(\d+)")


@dataclass(frozen=True, slots=True)
class ApiUsage:
    """The org's API requests in the last 24 hours and its allocation, from Sforce-Limit-Info."""

    used: int
    total: int


class DailyAllocationReserved(Exception):
    """Raised before sending: the org is so close to its daily allocation that we hold back."""

    def __init__(self, usage: ApiUsage) -> None:
        super().__init__(f"api-usage={usage.used}/{usage.total}")
        self.usage = usage


class SalesforceSession(requests.Session):
    """Each request: guard, pace, count, send with a timeout; retry outages and 429s a bounded few times.

    After the last attempt the final response is returned (simple-salesforce turns its status into an
    exception) or the final connection error is raised.
    """

    def __init__(
        self,
        *,
        timeout: float,
        limiter: SlidingWindowLimiter,
        verify: bool | str = True,
        on_send: Callable[[], None] = lambda: None,
        attempts: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 60.0,
        max_daily_usage: float | None = 0.9,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.limiter = limiter
        self.verify_tls = verify
        self._on_send = on_send
        self._retry = RetryPolicy(
            attempts=attempts, backoff_seconds=backoff, max_retry_after=max_retry_after, sleep=sleep
        )
        self._max_daily_usage = max_daily_usage
        self._clock = clock
        self._lock = threading.Lock()
        self._usage: ApiUsage | None = None
        self._usage_at = 0.0
        self._per_thread = threading.local()

    @property
    def api_usage(self) -> ApiUsage | None:
        with self._lock:
            return self._usage

    def last_retry_after(self) -> float | None:
        """Retry-After of the last 429 this thread was handed back (exceptions do not carry headers)."""
        value: float | None = getattr(self._per_thread, "retry_after", None)
        return value

    def request(  # type: ignore[override]  # same call shape, typed loosely like simple-salesforce calls it
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        # Passed per request on purpose: a session-wide `verify` loses to REQUESTS_CA_BUNDLE.
        kwargs.setdefault("verify", self.verify_tls)
        return self._retry.call(lambda: self._attempt(method, url, *args, **kwargs), vendor="Salesforce")

    def _attempt(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        """One try; a retryable failure hands the policy the response (or error) to give up with."""
        self._check_daily_allocation()
        try:
            with self.limiter.held():
                self._on_send()
                response = super().request(method, url, *args, **kwargs)
        except requests.exceptions.SSLError:
            raise  # a certificate problem does not go away by asking again
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise TryAgain(f"{method} {url}: {type(exc).__name__}", final=exc) from None
        self._note_usage(response)
        wait = retry_after_seconds(response.headers) if response.status_code == 429 else None
        self._per_thread.retry_after = wait
        if response.status_code == 429:
            if wait is not None and wait <= self._retry.max_retry_after:
                self.limiter.pause_for(wait)  # hold back every caller, not only this one
            raise TryAgain(f"{method} {url}: HTTP 429", result=response, retry_after=wait, rate_limited=True)
        if response.status_code in RETRY_STATUSES and not _is_soap_fault(response):
            raise TryAgain(f"{method} {url}: HTTP {response.status_code}", result=response)
        return response

    def _check_daily_allocation(self) -> None:
        if self._max_daily_usage is None:
            return
        with self._lock:
            usage, fresh = self._usage, self._clock() - self._usage_at < USAGE_READING_TTL
        if usage is not None and fresh and usage.total and usage.used >= usage.total * self._max_daily_usage:
            raise DailyAllocationReserved(usage)

    def _note_usage(self, response: requests.Response) -> None:
        match = _API_USAGE.search(response.headers.get("Sforce-Limit-Info", ""))
        if match:
            with self._lock:
                self._usage = ApiUsage(int(match.group(1)), int(match.group(2)))
                self._usage_at = self._clock()


def _is_soap_fault(response: requests.Response) -> bool:
    # The SOAP login answers a wrong password with HTTP 500 and a fault body. That is an answer, not an
    # outage: asking again would only count towards the user's lockout.
    return "xml" in response.headers.get("Content-Type", "")
