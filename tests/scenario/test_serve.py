"""`crmcoach serve`, started the way the Procfile starts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.demo.standins.requests import event_body, get, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from bot.web import EVENTS_PATH
from tests.conftest import SIGNING_SECRET
from tests.helpers import all_text, command, final_reply

pytestmark = pytest.mark.usefixtures("children_load_the_coach")  # as production processes do
# Waits end as soon as the server answers; the bound is for a machine busy with other work (pytest -n 2).
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(slack: SlackStandIn, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "DATABASE_URL"))}
    env.update(
        {
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path}/serve.db",
            **extra,
        }
    )
    return env


def test_serve_answers_healthz_on_port(slack: SlackStandIn, tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=_env(slack, tmp_path, PORT=str(port)),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + STARTUP_SECONDS, 0
        while time.monotonic() < deadline and status != 200:
            try:
                status = get(f"http://127.0.0.1:{port}/healthz").status
            except OSError:
                time.sleep(0.1)
        assert status == 200
        assert slack.calls_to("auth.test")  # the token was checked at start-up
        assert (tmp_path / "serve.db").exists()  # the embedded database was created and migrated
    finally:
        process.terminate()
        process.communicate(timeout=30)  # the worker processes get 8 s to finish their replies


def test_serve_with_a_rejected_bot_token_says_so(slack: SlackStandIn, tmp_path: Path) -> None:
    env = _env(slack, tmp_path, SLACK_BOT_TOKEN="xoxb-revoked")

    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN: Slack did not accept it" in result.stderr
    assert "invalid_auth" in result.stderr and "Traceback" not in result.stderr


def test_socket_mode_is_used_when_an_app_token_is_set(
    slack: SlackStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in _env(slack, tmp_path, SLACK_APP_TOKEN="xapp-wrong").items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)

    assert main(["serve"]) == 2

    assert "SLACK_APP_TOKEN: Slack did not accept it (invalid_auth)" in capsys.readouterr().err
    assert len(slack.calls_to("apps.connections.open")) == 1


@pytest.mark.timeout(240)  # start-up and two replies, each waited for up to a minute on a busy machine
def test_serve_answers_stats_from_its_worker_processes(slack: SlackStandIn, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/serve.db")
    upgrade(engine)
    seed_demo(engine)
    engine.dispose()
    slack.add_user("U0JAMES", name="James Miller", email=demo_manager_email(1), tz="UTC", locale="en-US")
    port = _free_port()
    env = _env(slack, tmp_path, PORT=str(port), SLACK_SIGNING_SECRET=SIGNING_SECRET)
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], cwd=tmp_path, env=env)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        ack = command(f"http://127.0.0.1:{port}", slack, "U0JAMES", "stats")
        assert ack.status == 200
        # The worker processes build their own container first (the coach loaded: seconds, more when busy).
        assert "Your pipeline, James" in all_text(final_reply(slack, timeout=90))

        event = {"type": "message", "channel_type": "im", "channel": "DJAMES", "user": "U0JAMES", "ts": "1.2"}
        question = event_body(team_id=slack.team_id, event={**event, "text": "how do I review my pipeline?"})
        url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
        post_signed(url, question, secret=SIGNING_SECRET, content_type="application/json")
        [answer] = slack.wait_for("chat.postMessage", timeout=60)
        assert answer.params["channel"] == "DJAMES" and "pipeline" in answer.params["text"].lower()
    finally:
        process.terminate()
        process.wait(timeout=30)  # the worker processes get 8 s to finish; niced, slower when busy
