"""Workers send what the planner put into the outbox; `tick` plans and drains once (cron, tests, demo)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient

from bot.container import SLACK_TIMEOUT_SECONDS, Container
from bot.delivery import outbox
from bot.delivery.planner import plan_due
from bot.delivery.sender import deliver

log = logging.getLogger(__name__)
BATCH = 50
IDLE_SECONDS = 2.0


def delivery_client(container: Container) -> WebClient:
    """A client that surfaces 429s instead of sleeping on them: the outbox reschedules that one row."""
    # No retry handlers at all: a connection reset may come after Slack posted; the outbox then checks
    # the DM's history before trying again, which a silent retry here would skip.
    return WebClient(
        token=container.slack.token,
        base_url=container.slack.base_url,
        timeout=SLACK_TIMEOUT_SECONDS,
        retry_handlers=[],
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def drain(
    *,
    container: Container,
    client: WebClient,
    now: Callable[[], datetime],
    worker: str | None = None,
    stop: threading.Event | None = None,
) -> Counter[str]:
    """Send every row that is ready now, batch by batch, until none is left (or `stop` is set)."""
    worker = worker or worker_name()
    outcomes: Counter[str] = Counter()
    while stop is None or not stop.is_set():
        batch = outbox.claim(container.sessions, worker=worker, now=now(), limit=BATCH)
        if not batch:
            break
        for claimed in batch:
            outcomes[deliver(claimed, container=container, client=client, now=now()).status] += 1
    return outcomes


def run_worker(*, container: Container, stop: threading.Event, client: WebClient | None = None) -> None:
    """Loop until `stop` is set: drain, then wait a little when there was nothing to do."""
    client = client or delivery_client(container)
    name = worker_name()
    log.info("worker %s started", name)
    while not stop.is_set():
        try:
            outcomes = drain(container=container, client=client, now=container.clock, worker=name, stop=stop)
        except Exception:
            # e.g. the database is briefly unreachable: keep the worker alive and try again shortly
            log.exception("worker %s: claiming failed", name)
            outcomes = Counter()
        if outcomes:
            log.info("worker %s: %s", name, dict(outcomes))
        stop.wait(IDLE_SECONDS)


def tick(*, container: Container, now: datetime, client: WebClient | None = None) -> tuple[int, Counter[str]]:
    """Plan what is due at `now` and send it all, with `now` as the clock; returns (planned, outcomes)."""
    with container.sessions() as session:
        report = plan_due(session=session, settings=container.settings, now=now)
    outcomes = drain(container=container, client=client or delivery_client(container), now=lambda: now)
    return report.planned, outcomes
