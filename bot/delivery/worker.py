"""Workers send what the planner put into the outbox; `tick` plans once and drains what is due (cron,
tests, demo), waiting out rate limits within a time budget."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.delivery import outbox
from bot.delivery.availability import DATABASE, is_database_outage
from bot.delivery.planner import plan_due
from bot.delivery.sender import deliver
from bot.delivery.services import Delivery
from bot.store.delivery_models import OutboxMessage

log = logging.getLogger(__name__)
BATCH = 50
IDLE_SECONDS = 2.0
TICK_BUDGET_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class TickReport:
    planned: int
    outcomes: Counter[str]
    left: int  # due at the tick's instant but not sent within its time budget (rate limits, retries)


def delivery_client(delivery: Delivery) -> WebClient:
    """A client that surfaces 429s instead of sleeping on them: the outbox reschedules that one row."""
    # No retry handlers at all: a connection reset may come after Slack posted; the outbox then checks
    # the DM's history before trying again, which a silent retry here would skip.
    return WebClient(
        token=delivery.slack_token,
        base_url=delivery.slack_api_url,
        timeout=delivery.slack_timeout,
        retry_handlers=[],
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def drain(
    *,
    delivery: Delivery,
    client: WebClient,
    now: Callable[[], datetime],
    worker: str | None = None,
    stop: threading.Event | None = None,
    seen: set[int] | None = None,
    team_ids: Collection[str] | None = None,
) -> Counter[str]:
    """Send every row that is ready now (of `team_ids` when given), batch by batch, until none is left
    (or `stop` is set). The ids of the rows it took are added to `seen`."""
    worker = worker or worker_name()
    outcomes: Counter[str] = Counter()
    while stop is None or not stop.is_set():
        batch = outbox.claim(delivery.sessions, worker=worker, now=now(), limit=BATCH, team_ids=team_ids)
        DATABASE.up()
        if not batch:
            break
        for claimed in batch:
            if seen is not None:
                seen.add(claimed.id)
            outcomes[deliver(claimed, delivery=delivery, client=client, now=now()).status] += 1
    return outcomes


def run_worker(
    *,
    delivery: Delivery,
    stop: threading.Event,
    client: WebClient | None = None,
    team_ids: Collection[str] | None = None,
) -> None:
    """Loop until `stop` is set: drain (only `team_ids`' rows when given), then wait a little when
    there was nothing to do."""
    client = client or delivery_client(delivery)
    name = worker_name()
    log.info("worker %s started", name)
    while not stop.is_set():
        stop.wait(work_once(delivery=delivery, client=client, worker=name, stop=stop, team_ids=team_ids))


def work_once(
    *,
    delivery: Delivery,
    client: WebClient,
    worker: str,
    stop: threading.Event | None = None,
    team_ids: Collection[str] | None = None,
) -> float:
    """One round of a worker: send what is ready; returns how many seconds to wait before the next."""
    try:
        outcomes = drain(
            delivery=delivery,
            client=client,
            now=delivery.clock,
            worker=worker,
            stop=stop,
            team_ids=team_ids,
        )
    except Exception as exc:
        if is_database_outage(exc):
            # The database is down or restarting: say so once, back off until it answers again.
            return DATABASE.down(exc).total_seconds()
        # A bug: its traceback, and the worker stays alive for the other messages.
        log.exception("worker %s: claiming failed", worker)
        return IDLE_SECONDS
    if outcomes:
        log.info("worker %s: %s", worker, dict(outcomes))
    return IDLE_SECONDS


def tick(*, delivery: Delivery, now: datetime, client: WebClient | None = None) -> tuple[int, Counter[str]]:
    """Plan what is due at `now` and send what is ready at that very instant (a frozen clock: nothing
    is waited for); returns (planned, outcomes). `crmcoach tick` uses run_tick, which waits."""
    report = run_tick(delivery=delivery, now=now, client=client, max_seconds=0, clock=lambda: now)
    return report.planned, report.outcomes


def run_tick(
    *,
    delivery: Delivery,
    now: datetime,
    client: WebClient | None = None,
    max_seconds: float = TICK_BUDGET_SECONDS,
    clock: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] | None = None,
    team_ids: Collection[str] | None = None,
) -> TickReport:
    """Plan what is due at `now` and send it: rows turned away for a while (429, a Slack or CRM hiccup)
    are waited for and sent too, until nothing due at `now` is left or `max_seconds` have passed.

    `clock` tells the time during the tick (default: `now` plus the real time elapsed), `sleep` waits;
    with `team_ids`, only those workspaces' messages are planned and sent."""
    clock = clock or _running_from(now)
    sleep = sleep or time.sleep
    client = client or delivery_client(delivery)
    with delivery.sessions() as session:
        planned = plan_due(session=session, settings=delivery.settings, now=now, team_ids=team_ids).planned
    budget_end = clock() + timedelta(seconds=max_seconds)
    seen: set[int] = set()
    outcomes: Counter[str] = Counter()
    while True:
        progress = drain(delivery=delivery, client=client, now=clock, seen=seen, team_ids=team_ids)
        outcomes += progress
        next_try, left = _left_over(delivery, seen, due_by=now, team_ids=team_ids)
        if next_try is None or next_try > budget_end or (not progress and next_try <= clock()):
            return TickReport(planned, outcomes, left)
        sleep(max(0.0, (next_try - clock()).total_seconds()))


def _running_from(now: datetime) -> Callable[[], datetime]:
    """A clock that starts at `now` (maybe in the past: `tick --now`) and runs at real speed."""
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    return clock


def _left_over(
    delivery: Delivery, seen: set[int], *, due_by: datetime, team_ids: Collection[str] | None
) -> tuple[datetime | None, int]:
    """When the earliest row due at the tick's instant may be tried again, and how many such rows are
    still pending: those this tick took and had to give back, and any it did not get to."""
    ids = sorted(seen)
    with delivery.sessions() as session:
        pending = OutboxMessage.status == "pending"
        if team_ids is not None:
            pending = pending & OutboxMessage.team_id.in_(team_ids)
        taken = select(func.min(OutboxMessage.next_attempt_at), func.count()).where(pending)
        earliest, count = None, 0
        for start in range(0, len(ids), 500):
            first, number = session.execute(taken.where(OutboxMessage.id.in_(ids[start : start + 500]))).one()
            earliest = first if earliest is None or (first is not None and first < earliest) else earliest
            count += number
        first, number = session.execute(
            taken.where(OutboxMessage.next_attempt_at <= due_by, OutboxMessage.id.not_in(ids or [-1]))
        ).one()
    earliest = first if earliest is None or (first is not None and first < earliest) else earliest
    return earliest, count + number
