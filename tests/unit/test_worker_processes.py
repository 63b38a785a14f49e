"""serve's worker processes: a stop lets started workers finish their replies and never hangs on workers
that are still starting."""

from __future__ import annotations

import logging
import multiprocessing
import time
from concurrent import futures

import pytest
from sqlalchemy import Engine

from bot.demo.standins.slack import SlackStandIn
from bot.slack.lazy import WorkerProcesses
from tests.conftest import make_settings

pytestmark = pytest.mark.usefixtures("children_load_the_coach")  # as production processes do


def test_a_stop_right_after_start_stops_the_starting_workers_without_waiting(
    seeded: Engine, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    workers = WorkerProcesses(make_settings(slack, seeded.url.render_as_string(hide_password=False)))
    starting = {child.pid for child in multiprocessing.active_children()}
    assert starting  # spawned at once, not on the first request

    with caplog.at_level(logging.WARNING, logger="bot.slack.lazy"):
        workers.shutdown()

    # Terminated: only the exit itself is left (the pool's own thread may be the one that reaps it).
    deadline = time.monotonic() + 5
    while (
        left := starting & {c.pid for c in multiprocessing.active_children()}
    ) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left
    assert "did not stop" not in caplog.text  # nobody was waiting for a reply: nothing to warn about


def test_started_workers_are_let_finish_rather_than_killed(
    seeded: Engine, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    workers = WorkerProcesses(make_settings(slack, seeded.url.render_as_string(hide_password=False)))
    futures.wait(workers.ready, timeout=90)
    children = [child for child in multiprocessing.active_children() if child.is_alive()]

    # Both `ready` jobs may run on the worker that came up first while the other is still building its
    # coach; on a busy machine that takes longer than the usual grace, so this test allows more.
    with caplog.at_level(logging.WARNING, logger="bot.slack.lazy"):
        workers.shutdown(grace_seconds=60)

    deadline = time.monotonic() + 10
    while any(child.exitcode is None for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Exit code 0: each worker left on its own, after whatever reply it was preparing (a kill is -SIGTERM).
    assert [child.exitcode for child in children] == [0] * len(children)
    assert "did not stop" not in caplog.text
