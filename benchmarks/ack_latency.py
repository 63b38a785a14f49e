"""How fast `crmcoach serve` acknowledges `/crmcoach stats` under load, next to a bare Bolt app.

    .venv/bin/python benchmarks/ack_latency.py [--requests 400] [--concurrency 8] [--managers 8]

Slack gives an app 3 seconds to acknowledge a slash command; the coach must answer at once and do
its CRM work afterwards, without that work slowing anyone else's ack. This run starts a Slack
stand-in in a process of its own (the replies it takes would otherwise hold the GIL of the clients
that time the acks), seeds a demo CRM into SQLite and starts two servers, each in a process of its
own and served the same way (waitress, HTTP_THREADS threads):

1. `crmcoach serve` itself: the real app behind bot/web.py, with its worker processes; its stats
   replies go to the stand-in's response_url;
2. a bare Bolt app behind Bolt's WSGI adapter whose `/crmcoach` listener only calls ack().

Both check Slack's signature (v0, HMAC over the raw body, with the current timestamp). After a warm-up
(each manager's first stats links their CRM owner, their second is the first ordinary one; not
counted), `--concurrency` clients fire
`--requests` signed `/crmcoach stats` at each, alternating between the two in rounds of `--round`
requests so both see the same machine load. Printed: p50 and p99 of the time to the HTTP response (the
ack) for both, their ratios, and the CPU time each server process spent per request (Linux; the
worker processes not counted). Prints numbers only; it passes or fails nothing. Target (issue 13):
p99 at most 1.5x the bare app's.

Results: docs/operations.md, "Ack latency" (load average 2.5-4.5; before the fix: p50 1.61-1.62x,
p99 1.44-2.16x in 2 runs; after: p50 0.91-1.12x, p99 0.92-1.33x in 5 runs).
"""

from __future__ import annotations

import argparse
import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.demo.standins.requests import get, post_signed, slash_command_body
from bot.demo.standins.slack import SlackStandIn
from bot.server import HTTP_THREADS
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from bot.web import EVENTS_PATH

SECRET = "bench-signing-secret"  # the stand-in's, not a real secret
TEAM = "T0BENCH"


class SlackProcess:
    """The Slack stand-in in a process of its own: its API, response_urls, and a count of replies."""

    def __init__(self, users: list[str]) -> None:
        self._pipe, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_run_slack, args=(users, child), daemon=True
        )
        self._process.start()
        self.api_url, self.bot_token, self._origin = self._pipe.recv()
        self._keys = itertools.count(1)

    def response_url(self) -> str:
        return f"{self._origin}/response/bench{next(self._keys)}"

    def replies(self, count: int, *, timeout: float) -> int:
        """Waits until `count` replies reached a response_url; how many did (fewer after `timeout`)."""
        self._pipe.send((count, timeout))
        return int(self._pipe.recv())

    def stop(self) -> None:
        self._pipe.send(None)
        self._process.join(10)


def _run_slack(users: list[str], pipe: multiprocessing.connection.Connection) -> None:
    with SlackStandIn(team_id=TEAM, record_params=False) as slack:
        for index, user_id in enumerate(users):
            slack.add_user(user_id, name=f"Manager {index}", email=demo_manager_email(index), tz="UTC")
        pipe.send((slack.api_url, slack.bot_token, slack.origin))
        while (request := pipe.recv()) is not None:
            count, timeout = request
            try:
                pipe.send(len(slack.wait_for("response_url", count=count, timeout=timeout)))
            except TimeoutError:
                pipe.send(len([call for call in slack.calls_to("response_url") if call.status == 200]))


def serve_bare_app(port: int, api_url: str, token: str) -> None:
    """The baseline: the same Bolt, adapter and waitress settings, and a listener that only acks."""
    app = App(client=WebClient(token=token, base_url=api_url), signing_secret=SECRET)

    @app.command("/crmcoach")
    def acknowledge(ack: Ack) -> None:
        ack()

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as crmcoach serve at LOG_LEVEL=ERROR
    waitress.serve(
        SlackRequestHandler(app, path=EVENTS_PATH), host="127.0.0.1", port=port, threads=HTTP_THREADS
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up within 60 s")


def _stats(base_url: str, slack: SlackProcess, user_id: str) -> float:
    body = slash_command_body(team_id=TEAM, user_id=user_id, text="stats", response_url=slack.response_url())
    started = time.perf_counter()
    result = post_signed(base_url + EVENTS_PATH, body, secret=SECRET)
    elapsed = time.perf_counter() - started
    if result.status != 200:
        raise SystemExit(f"{base_url} answered HTTP {result.status}: {result.body[:200]}")
    return elapsed


def _fire(
    pool: ThreadPoolExecutor, base_url: str, slack: SlackProcess, users: list[str], n: int
) -> list[float]:
    return list(pool.map(lambda i: _stats(base_url, slack, users[i % len(users)]), range(n)))


def _percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--managers", type=int, default=8)
    parser.add_argument("--round", type=int, default=50)
    args = parser.parse_args()

    users = [f"U0BENCH{i:03d}" for i in range(args.managers)]
    slack = SlackProcess(users)
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'ack.db'}"
        engine = make_engine(database_url)
        upgrade(engine)
        seed_demo(engine, managers=args.managers)
        engine.dispose()

        serve_port, bare_port = _free_port(), _free_port()
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "CRM_CONNECTOR": "demo",
            "PORT": str(serve_port),
            "LOG_LEVEL": "ERROR",  # waitress's "task queue depth" lines would drown the figures
        }
        environment.pop("SLACK_APP_TOKEN", None)
        crmcoach = [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['serve']))"]
        bare = [sys.executable, __file__, "--serve-bare", str(bare_port), slack.api_url, slack.bot_token]
        processes = [
            subprocess.Popen(crmcoach, env=environment, cwd=folder),
            subprocess.Popen(bare, cwd=folder),
        ]
        try:
            serve_url, bare_url = f"http://127.0.0.1:{serve_port}", f"http://127.0.0.1:{bare_port}"
            _wait_until_up(serve_url + "/healthz", processes[0])
            _wait_until_up(bare_url + "/healthz", processes[1])  # any HTTP answer will do
            _measure(args, slack, users, serve_url, bare_url, pids=[p.pid for p in processes])
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)
            slack.stop()


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of one process so far (Linux's /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(
    args: argparse.Namespace,
    slack: SlackProcess,
    users: list[str],
    serve_url: str,
    bare_url: str,
    *,
    pids: list[int],
) -> None:
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        _fire(pool, serve_url, slack, users[:1], 1)  # the workspace's first user creates its row
        slack.replies(1, timeout=60)
        _fire(pool, serve_url, slack, users, len(users))  # first contact: profiles read, owners linked
        slack.replies(1 + len(users), timeout=60)
        # Each manager's first ordinary stats: what the web process does once (the message catalogue's
        # first use, the caller's language read into memory) stays out of the figures.
        _fire(pool, serve_url, slack, users, len(users))
        slack.replies(1 + 2 * len(users), timeout=60)
        _fire(pool, bare_url, slack, users, 2 * len(users))
        cpu_before = [_cpu_seconds(pid) for pid in pids]
        timings: dict[str, list[float]] = {"crmcoach serve": [], "bare Bolt app": []}
        while len(timings["bare Bolt app"]) < args.requests:
            batch = min(args.round, args.requests - len(timings["bare Bolt app"]))
            timings["crmcoach serve"] += _fire(pool, serve_url, slack, users, batch)
            timings["bare Bolt app"] += _fire(pool, bare_url, slack, users, batch)
        cpu = [
            _cpu_used(before, _cpu_seconds(pid), args.requests)
            for before, pid in zip(cpu_before, pids, strict=True)
        ]
    expected = 1 + 2 * len(users) + len(timings["crmcoach serve"])
    replies = slack.replies(expected, timeout=120)
    figures = {name: (_percentile(t, 0.5), _percentile(t, 0.99)) for name, t in timings.items()}
    print(f"/crmcoach stats acks: {args.requests} each, {args.concurrency} concurrent, {len(users)} managers")
    for (name, (p50, p99)), per_request in zip(figures.items(), cpu, strict=True):
        print(f"  {name:15} p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms   CPU/request {per_request}")
    (serve_p50, serve_p99), (bare_p50, bare_p99) = figures["crmcoach serve"], figures["bare Bolt app"]
    print(f"  ratio (serve / bare): p50 {serve_p50 / bare_p50:.2f}x   p99 {serve_p99 / bare_p99:.2f}x")
    print(f"  stats replies delivered by crmcoach serve: {replies} of {expected}")


def _cpu_used(before: float | None, after: float | None, requests: int) -> str:
    if before is None or after is None:
        return "n/a"
    return f"{(after - before) * 1000 / requests:.1f} ms"


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-bare":
        serve_bare_app(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
