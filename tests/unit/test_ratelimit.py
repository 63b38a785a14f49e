"""The client-side limiter keeps to the budget, on a fake clock."""

from __future__ import annotations

import pytest

from bot.crm.ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


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
