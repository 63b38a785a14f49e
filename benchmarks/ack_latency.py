"""How fast `crmcoach serve` acknowledges `/crmcoach stats` under load, next to a bare Bolt app.

    .venv/bin/python benchmarks/ack_latency.py [--requests 400] [--concurrency 8] [--managers 8]

Slack gives an app 3 seconds to acknowledge a slash command; the coach must answer at once and do
its CRM work afterwards, without that work slowing anyone else's ack. This run starts a Slack
stand-in, seeds a demo CRM into SQLite and serves, each in its own process and the same way
(waitress, HTTP_THREADS threads, Bolt's WSGI adapter):

1. `crmcoach serve` itself (the real app; its stats replies go to the stand-in's response_url);
2. a bare Bolt app whose `/crmcoach` listener only calls ack().

After a warm-up (each manager's first stats links their CRM owner), `--concurrency` clients fire
`--requests` signed `/crmcoach stats` at each, alternating between the two in rounds of
`--round` requests so both see the same machine load. Printed: p50 and p99 of the time to the HTTP
response (the ack) for both, and their ratios. Prints numbers only; it passes or fails nothing.
"""

from __future__ import annotations

import argparse
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


def serve_bare_app(port: int, api_url: str, token: str) -> None:
    """The baseline: the same Bolt, adapter and waitress settings, and a listener that only acks."""
    app = App(client=WebClient(token=token, base_url=api_url), signing_secret=SECRET)

    @app.command("/crmcoach")
    def acknowledge(ack: Ack) -> None:
        ack()

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


def _stats(base_url: str, slack: SlackStandIn, user_id: str) -> float:
    body = slash_command_body(team_id=TEAM, user_id=user_id, text="stats", response_url=slack.response_url())
    started = time.perf_counter()
    result = post_signed(base_url + EVENTS_PATH, body, secret=SECRET)
    elapsed = time.perf_counter() - started
    if result.status != 200:
        raise SystemExit(f"{base_url} answered HTTP {result.status}: {result.body[:200]}")
    return elapsed


def _fire(
    pool: ThreadPoolExecutor, base_url: str, slack: SlackStandIn, users: list[str], n: int
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

    with tempfile.TemporaryDirectory() as folder, SlackStandIn(team_id=TEAM, record_params=False) as slack:
        database_url = f"sqlite:///{Path(folder) / 'ack.db'}"
        engine = make_engine(database_url)
        upgrade(engine)
        seed_demo(engine, managers=args.managers)
        engine.dispose()
        users = [f"U0BENCH{i:03d}" for i in range(args.managers)]
        for index, user_id in enumerate(users):
            slack.add_user(user_id, name=f"Manager {index}", email=demo_manager_email(index), tz="UTC")

        serve_port, bare_port = _free_port(), _free_port()
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "CRM_CONNECTOR": "demo",
            "PORT": str(serve_port),
            "LOG_LEVEL": "WARNING",
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
            _measure(args, slack, users, serve_url, bare_url)
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)


def _measure(
    args: argparse.Namespace, slack: SlackStandIn, users: list[str], serve_url: str, bare_url: str
) -> None:
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        _fire(pool, serve_url, slack, users[:1], 1)  # the workspace's first user creates its row
        slack.wait_for("response_url", count=1, timeout=60)
        _fire(pool, serve_url, slack, users, len(users))  # first contact: profiles read, owners linked
        slack.wait_for("response_url", count=1 + len(users), timeout=60)
        _fire(pool, bare_url, slack, users, len(users))
        timings: dict[str, list[float]] = {"crmcoach serve": [], "bare Bolt app": []}
        while len(timings["bare Bolt app"]) < args.requests:
            batch = min(args.round, args.requests - len(timings["bare Bolt app"]))
            timings["crmcoach serve"] += _fire(pool, serve_url, slack, users, batch)
            timings["bare Bolt app"] += _fire(pool, bare_url, slack, users, batch)
    expected = 1 + len(users) + len(timings["crmcoach serve"])
    replies = len(slack.wait_for("response_url", count=expected, timeout=120))
    figures = {name: (_percentile(t, 0.5), _percentile(t, 0.99)) for name, t in timings.items()}
    print(f"/crmcoach stats acks: {args.requests} each, {args.concurrency} concurrent, {len(users)} managers")
    for name, (p50, p99) in figures.items():
        print(f"  {name:15} p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms")
    (serve_p50, serve_p99), (bare_p50, bare_p99) = figures["crmcoach serve"], figures["bare Bolt app"]
    print(f"  ratio (serve / bare): p50 {serve_p50 / bare_p50:.2f}x   p99 {serve_p99 / bare_p99:.2f}x")
    print(f"  stats replies delivered by crmcoach serve: {replies} of {expected}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-bare":
        serve_bare_app(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        main()
