"""The one retry policy of the CRM HTTP clients (HubSpot, Pipedrive, Salesforce), built on tenacity.

An attempt that another attempt may fix (a timeout, a dropped connection, HTTP 5xx, HTTP 429) raises
`TryAgain`. The policy retries it a bounded number of times: after Retry-After for a 429 (or the
backoff when the vendor sent none), after an exponential backoff otherwise; a Retry-After longer than
`max_retry_after` is not waited for, because a Slack answer cannot wait that long. When the attempts are
used up, the failure's `final` error is raised, or, with none, its `result` returned (simple-salesforce
wants the last response itself, to turn its status into an exception).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar, cast

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

log = logging.getLogger(__name__)

T = TypeVar("T")


class TryAgain(Exception):
    """An attempt failed in a way that may pass on another attempt."""

    def __init__(
        self,
        detail: str,
        *,
        final: BaseException | None = None,
        result: Any = None,
        retry_after: float | None = None,
        rate_limited: bool = False,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.final = final
        self.result = result
        self.retry_after = retry_after
        self.rate_limited = rate_limited


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 0.5
    max_retry_after: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def call(self, attempt: Callable[[], T], *, vendor: str) -> T:
        """attempt() until it returns or raises anything but a retryable TryAgain; see the module doc."""
        retrying = Retrying(
            stop=stop_after_attempt(max(1, self.attempts)),
            retry=retry_if_exception(self._worth_waiting_for),
            wait=self._wait,
            sleep=self.sleep,
            before_sleep=lambda state: _log_retry(state, vendor),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except TryAgain as failure:
            if failure.final is not None:
                raise failure.final from None
            return cast(T, failure.result)

    def _worth_waiting_for(self, error: BaseException) -> bool:
        if not isinstance(error, TryAgain):
            return False
        return error.retry_after is None or error.retry_after <= self.max_retry_after

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, TryAgain) and error.rate_limited and error.retry_after is not None:
            return error.retry_after
        return float(self.backoff_seconds * 2 ** (state.attempt_number - 1))


def retry_after_seconds(headers: Mapping[str, str], name: str = "Retry-After") -> float | None:
    """A Retry-After-style header as seconds (delta-seconds or an HTTP date); None if absent or unreadable."""
    value = (headers.get(name) or "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _log_retry(state: RetryCallState, vendor: str) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    attempt = state.attempt_number
    log.warning("%s request failed (attempt %d), retrying in %.2f s: %s", vendor, attempt, wait, error)
