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
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from bot.crm.ratelimit import SlidingWindowLimiter

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
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._max_daily_usage = max_daily_usage
        self._clock = clock
        self._sleep = sleep
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
        for attempt in range(1, self._attempts + 1):
            last = attempt == self._attempts
            self._check_daily_allocation()
            self.limiter.acquire()
            self._on_send()
            try:
                response = super().request(method, url, *args, **kwargs)
            except requests.exceptions.SSLError:
                raise  # a certificate problem does not go away by asking again
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError):
                if last:
                    raise
                self._sleep(self._backoff * 2 ** (attempt - 1))
                continue
            self._note_usage(response)
            wait = retry_after_seconds(response) if response.status_code == 429 else None
            self._per_thread.retry_after = wait
            if last:
                return response
            if response.status_code == 429:
                if wait is not None and wait > self._max_retry_after:
                    return response  # not worth blocking a user for; the caller reports retry_after
                self.limiter.pause_for(wait if wait is not None else self._backoff * 2 ** (attempt - 1))
                continue
            if response.status_code in RETRY_STATUSES and not _is_soap_fault(response):
                self._sleep(self._backoff * 2 ** (attempt - 1))
                continue
            return response
        raise AssertionError("unreachable: the last attempt always returns or raises")

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


def retry_after_seconds(response: requests.Response) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date), or None when absent or unreadable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _is_soap_fault(response: requests.Response) -> bool:
    # The SOAP login answers a wrong password with HTTP 500 and a fault body. That is an answer, not an
    # outage: asking again would only count towards the user's lockout.
    return "xml" in response.headers.get("Content-Type", "")
