"""The Monday nudge fanned out to 10,000 managers, against the Slack stand-in with an enforced rate limit.

    .venv/bin/python benchmarks/delivery_fanout.py [--managers 10000] [--workers 2]
        [--workspace-per-minute 3000] [--cold-stats] [--database-url URL]

Seeds a demo CRM with one owner per manager, enrolls every manager in bulk (Slack users in the stand-in,
all in UTC), refreshes their CRM numbers in one pass (what `crmcoach crm refresh` does; --cold-stats
leaves the cache empty, so each nudge fetches its own), then times:

1. planning: plan_due at Monday 09:00 UTC, one nudge per manager (with the weekly-budget check);
2. composing and sending: `--workers` threads running the real worker loop (run_worker: claim a
   batch, compose, chat.postMessage, record; 429 -> retry after Retry-After) on the real clock,
   from the moment the workers start to the last row's sent_at.

The stand-in enforces chat.postMessage limits of 1 a second per DM and `--workspace-per-minute` for
the workspace (0: none). Its workspace bucket holds a minute's worth, all usable at once, and refills
at limit/60 a second, so in T seconds at most limit + limit/60 * T posts can succeed. The default,
3,000 a minute, is chosen so that the limit and not the worker sets the pace: composing a nudge costs
the worker 8-18 ms, so on 2 cores it manages about 120 a second on SQLite and 70 on Postgres without
any limit (10,000 take 85-150 s: a 10-30 s run is out of reach at this size), and 50 a second
sustained is below both; with 10,000 managers the limit alone makes the run last at least 140 s.
A quick variant where the limit still binds: --managers 1500 --workspace-per-minute 1200 (>= 15 s).
Printed: the delivered rate, that rate over the limit's sustained rate, and the messages delivered
as a fraction of what the limit allowed in that time. The stand-in runs in this process and competes
with the workers for the GIL, so the worker's own figures are a lower bound.

SQLite file in a temporary directory by default; with --database-url (Postgres) the run uses a
throwaway database created on that server and dropped afterwards. Prints numbers only; it passes or
fails nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.container import Container, build_container
from bot.crm.demo_seed import owner_rows, seed_demo
from bot.delivery.planner import plan_due
from bot.delivery.worker import delivery_client, run_worker
from bot.demo.standins.slack import SlackStandIn
from bot.store.db import make_engine
from bot.store.delivery_models import OutboxMessage, Subscription
from bot.store.managers import ensure_workspace
from bot.store.migrations import upgrade
from bot.store.models import Manager

TEAM = "T0BENCH"


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """A temporary SQLite file, or a throwaway database on the given Postgres server."""
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'fanout.db'}"
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"crmcoach_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def last_monday_0900(now: datetime) -> datetime:
    monday = (now - timedelta(days=now.weekday())).replace(hour=9, minute=0, second=0, microsecond=0)
    return monday if monday <= now else monday - timedelta(days=7)


def enroll_in_bulk(container: Container, slack: SlackStandIn, managers: int, enrolled_at: datetime) -> None:
    owners = [owner for owner in owner_rows(managers, 1) if owner["manager_id"] is None][:managers]
    for number, owner in enumerate(owners):
        slack.add_user(f"U{number:06d}", name=str(owner["name"]), email=str(owner["email"]), tz="UTC")
    with container.sessions() as session:
        ensure_workspace(session, TEAM)
        ids = session.scalars(
            insert(Manager).returning(Manager.id, sort_by_parameter_order=True),
            [
                {
                    "team_id": TEAM,
                    "slack_user_id": f"U{number:06d}",
                    "email": owner["email"],
                    "display_name": owner["name"],
                    "crm_owner_id": owner["id"],
                    "link_source": "email",
                    "tz": "UTC",
                    "slack_locale": "en-US",
                }
                for number, owner in enumerate(owners)
            ],
        ).all()
        session.execute(
            insert(Subscription),
            [{"manager_id": id_, "team_id": TEAM, "enrolled_at": enrolled_at} for id_ in ids],
        )
        session.commit()


def send_all(container: Container, workers: int) -> tuple[float, Counter[str]]:
    """Run the worker loop in threads until no row is pending or claimed; seconds to the last sent_at."""
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=run_worker,
            kwargs={
                "delivery": container.delivery,
                "stop": stop,
                "client": delivery_client(container.delivery),
            },
            name=f"worker-{number}",
        )
        for number in range(workers)
    ]
    started = datetime.now(UTC)
    for thread in threads:
        thread.start()
    try:
        while True:
            time.sleep(0.2)
            with container.sessions() as session:
                open_rows = session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.status.in_(["pending", "claimed"]))
                )
            if not open_rows:
                break
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    with container.sessions() as session:
        last_sent = session.scalar(select(func.max(OutboxMessage.sent_at)))
        by_status = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        statuses = Counter({str(status): int(count) for status, count in session.execute(by_status)})
    seconds = (last_sent - started).total_seconds() if last_sent else 0.0
    return seconds, statuses


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--managers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    parser.add_argument("--workspace-per-minute", type=float, default=3_000, help="0: no limit")
    parser.add_argument("--cold-stats", action="store_true", help="no bulk CRM refresh before sending")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    now = datetime.now(UTC)
    nudge_at = last_monday_0900(now)

    with database(args.database_url) as url, SlackStandIn(team_id=TEAM, record_params=False) as slack:
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(
            _env_file=None,
            database_url=url,
            slack_bot_token="xoxb-standin-token",
            slack_signing_secret="benchmark",
            slack_api_url=slack.api_url,
            crm_connector="demo",
        )
        container = build_container(settings, engine=engine)
        started = time.perf_counter()
        seed_demo(engine, managers=args.managers, reps_per_manager=1, deals=args.managers * 4, as_of=now)
        enroll_in_bulk(container, slack, args.managers, enrolled_at=nudge_at - timedelta(days=2))
        print(
            f"seeded and enrolled {args.managers} managers in {time.perf_counter() - started:.1f} s "
            f"({url.split(':')[0]}, {args.workers} worker thread(s))"
        )
        if not args.cold_stats:
            report = container.stats.refresh_all(team_id=TEAM, now=now)
            print(f"CRM numbers for {report.managers} managers, one pass: {report.seconds:.1f} s")

        started = time.perf_counter()
        with container.sessions() as session:
            planned = plan_due(session=session, settings=settings, now=nudge_at)
        planning = time.perf_counter() - started
        print(
            f"planning (plan_due at {nudge_at:%a %Y-%m-%d %H:%M} UTC): {planned.planned} nudges "
            f"in {planning:.2f} s ({planning / max(planned.planned, 1) * 1000:.2f} ms per manager)"
        )

        limit = args.workspace_per_minute
        if limit:
            slack.limit_rate("chat.postMessage", per_channel_per_second=1, workspace_per_minute=limit)
        seconds, statuses = send_all(container, args.workers)
        sent = statuses.get("sent", 0)
        posts = Counter(call.status for call in slack.calls_to("chat.postMessage"))
        print(f"composing and sending: {sent} sent in {seconds:.1f} s, rows: {dict(statuses)}")
        print(
            f"chat.postMessage: {posts[200]} accepted, {posts[429]} answered 429; "
            f"conversations.open: {len(slack.calls_to('conversations.open'))}, "
            f"conversations.history: {len(slack.calls_to('conversations.history'))}"
        )
        engine.dispose()
        print_rates(sent, seconds, limit, planned.planned)


def print_rates(sent: int, seconds: float, limit: float, planned: int) -> None:
    rate = sent / seconds if seconds else 0.0
    if not limit:
        print(f"delivered: {rate:.0f} messages/s (no rate limit enforced)")
        return
    allowed = limit + limit / 60 * seconds
    fastest = max(0.0, (planned - limit) / (limit / 60))
    print(
        f"delivered: {rate:.0f} messages/s; enforced limit: {limit:.0f}/min "
        f"({limit / 60:.0f}/s sustained after a burst of {limit:.0f})"
    )
    print(
        f"delivered rate / sustained limit: {rate / (limit / 60):.2f}; "
        f"delivered / what the limit allowed in {seconds:.1f} s ({allowed:.0f}): {sent / allowed:.0%}; "
        f"the fastest run the limit permits: {fastest:.1f} s"
    )


if __name__ == "__main__":
    main()
