"""The client-side limiter keeps to the budget, on a fake clock."""

from __future__ import annotations

import pytest

from bot.crm.ratelimit import SlidingWindowLimiter
from bot.crm.retry import RetryPolicy, TryAgain, retry_after_seconds
from tests.clock import FakeClock


def test_no_more_than_limit_calls_in_any_window() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 10.0, clock=clock, sleep=clock.sleep)
    stamps = []

    for _ in range(7):
        limiter.acquire()
        stamps.append(clock.now)

    assert stamps == [0, 0, 0, 10, 10, 10, 20]
    for start in stamps:
        assert sum(1 for s in stamps if start <= s < start + 10) <= 3


def test_retry_after_holds_every_caller_back() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(100, 10.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()

    limiter.pause_for(2.0)
    waited = limiter.acquire()

    assert waited == pytest.approx(2.0)


def test_nonsense_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        SlidingWindowLimiter(0, 1.0)


def test_a_held_slot_counts_from_when_its_request_finished() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 1.0, clock=clock, sleep=clock.sleep)
    with limiter.held():
        clock.now += 0.4  # a slow answer: the server may have seen the request as late as 0.4 s
    with limiter.held():
        pass

    with limiter.held() as waited:
        pass

    # a window after the slow request *finished*, not after it was sent
    assert waited == pytest.approx(1.4 - 0.4)
    assert clock.now == pytest.approx(1.4)


# --- the one retry policy of the CRM clients ----------------------------------------------------
def test_the_policy_waits_retry_after_for_429s_and_backs_off_otherwise() -> None:
    slept: list[float] = []
    failures = iter(
        [TryAgain("429", retry_after=7.0, rate_limited=True), TryAgain("502", final=RuntimeError("down"))]
    )

    def attempt() -> str:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        return "ok"

    policy = RetryPolicy(attempts=3, backoff_seconds=0.5, sleep=slept.append)

    assert policy.call(attempt, vendor="Test") == "ok"
    assert slept == [7.0, 1.0]  # Retry-After, then the second backoff step


def test_the_policy_gives_up_with_the_final_error_or_result() -> None:
    slept: list[float] = []
    policy = RetryPolicy(attempts=2, backoff_seconds=0.1, max_retry_after=30.0, sleep=slept.append)

    def outage() -> str:
        raise TryAgain("503", final=ValueError("still down"))

    with pytest.raises(ValueError, match="still down"):
        policy.call(outage, vendor="Test")
    assert slept == [0.1]

    def too_long() -> str:
        raise TryAgain("429", result="the last response", retry_after=3600.0, rate_limited=True)

    assert policy.call(too_long, vendor="Test") == "the last response"
    assert slept == [0.1]  # an hour is not waited for


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds({"Retry-After": "2.5"}) == 2.5
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0  # in the past
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"x-ratelimit-reset": "2"}, "x-ratelimit-reset") == 2.0
