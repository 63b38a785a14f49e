"""`crmcoach managers enroll`, `tick` and `deliveries`, as an admin runs them."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from bot.cli import main
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import OutboxMessage
from tests.conftest import SIGNING_SECRET


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seeded: Engine, slack: SlackStandIn) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # tables as wide as a terminal would show them
    monkeypatch.chdir(tmp_path)


def _a_working_afternoon() -> str:
    """A Monday 15:00 UTC at least two days ahead: inside the window in Vienna (16:00) and New York
    (10:00), so the welcomes planned at enrollment (now, for real) are due and may go out."""
    day = datetime.now(UTC).date() + timedelta(days=2)
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    return f"{monday.isoformat()}T15:00Z"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_enroll_tick_and_report(slack: SlackStandIn, capsys: pytest.CaptureFixture[str]) -> None:
    slack.add_user("U0GONE", name="Gone Person", email="sofia.rossi@example.com")
    slack.deactivate_user("U0GONE")  # Sofia's Slack account was deactivated: she is not enrolled

    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 0
    slack.deactivate_user("U0JAMES")  # James leaves after he was enrolled
    later = _a_working_afternoon()
    assert main(["tick", "--now", later, "--max-seconds", "0"]) == 1  # James's welcome failed for good
    assert main(["deliveries", "--status", "failed"]) == 0
    out = capsys.readouterr().out
    assert main(["managers", "list", "--team", "T0TEST"]) == 0
    listing = capsys.readouterr().out.splitlines()

    assert "enrolled 2 new manager(s); 0 already enrolled." in out
    assert "deactivated in Slack, not enrolled: sofia.rossi@example.com" in out
    assert "failed" in out.split("Planned")[1].splitlines()[0]
    assert "Outbox: " in out and "failed: 1 × user_disabled" in out
    failed_table = out.split("Outbox: ")[1]
    assert "U0JAMES" in failed_table and "U0ANNA" not in failed_table
    assert "unreachable: user_disabled" in next(line for line in listing if "U0JAMES" in line)
    assert "unreachable" not in next(line for line in listing if "U0ANNA" in line)


def test_deliveries_counts_every_status_with_its_commonest_reasons(
    slack: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 0
    capsys.readouterr()

    assert main(["deliveries"]) == 0

    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Outbox: 2 pending"  # the two welcomes, not yet due
    assert "No " not in out  # without --status: the summary only


def test_requeue_plans_failed_messages_again_and_they_go_out_once(
    slack: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 0
    later = _a_working_afternoon()
    # Slack rejects the welcome's blocks once (say, before a fix was deployed): it fails at once.
    slack.fail_next("chat.postMessage", error="invalid_blocks", channel="DU0ANNA")
    main(["tick", "--now", later, "--max-seconds", "0"])
    assert main(["deliveries", "--status", "failed"]) == 0
    assert "invalid_blocks" in capsys.readouterr().out

    assert main(["deliveries", "requeue", "--since", "2020-01-01T00:00Z"]) == 0
    assert "Requeued 1 failed message(s) due since 2020-01-01 00:00 UTC" in capsys.readouterr().out
    main(["tick", "--now", later, "--max-seconds", "0"])
    main(["deliveries", "requeue"])  # nothing failed any more: nothing requeued

    assert "Requeued 0 failed message(s)." in capsys.readouterr().out
    kinds = [m["metadata"]["event_payload"]["kind"] for m in slack.messages_in("DU0ANNA")]
    assert sorted(kinds) == ["nudge", "welcome"]  # the requeued welcome went out, and only once


def test_enroll_with_the_crm_unreachable_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRM_CONNECTOR", "hubspot")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-test")
    monkeypatch.setenv("HUBSPOT_API_URL", f"http://127.0.0.1:{_free_port()}")  # nobody listens there

    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 2

    err = capsys.readouterr().err
    assert "is not available" in err and "nobody was enrolled" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_malformed_instant_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["tick", "--now", "next monday"])

    assert caught.value.code == 2
    assert "is not an ISO 8601 instant" in capsys.readouterr().err


def test_enroll_needs_to_know_whom(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["managers", "enroll"]) == 2
    assert "--all, or --crm-email" in capsys.readouterr().err


def test_serve_with_slack_unreachable_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{_free_port()}/api/")  # nobody listens there

    assert main(["serve"]) == 2

    err = capsys.readouterr().err
    assert "SLACK_API_URL: Slack is not reachable" in err and "Traceback" not in err


def test_tick_with_team_plans_and_sends_only_that_workspaces_messages(
    slack: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 0  # two welcomes for T0TEST
    later = _a_working_afternoon()
    capsys.readouterr()

    assert main(["tick", "--team", "T0OTHER", "--now", later, "--max-seconds", "0"]) == 0
    other = capsys.readouterr().out
    untouched = slack.messages_in("DU0ANNA")
    assert main(["tick", "--team", "T0TEST", "--now", later, "--max-seconds", "0"]) == 0
    own = capsys.readouterr().out

    assert other.strip() == "Planned 0 message(s); nothing to send."  # not T0TEST's nudges either
    assert untouched == []
    assert own.startswith("Planned 2 message(s); 4 sent.")  # T0TEST's nudges, then all four go out
    kinds = [m["metadata"]["event_payload"]["kind"] for m in slack.messages_in("DU0ANNA")]
    assert sorted(kinds) == ["nudge", "welcome"]


def _run_worker_briefly(team: str, *, until: Callable[[], bool]) -> None:
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker", "--team", team])
    try:
        deadline = time.monotonic() + 60  # ends as soon as `until` holds; start-up is slow on a busy machine
        while time.monotonic() < deadline and not until():
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.usefixtures("children_load_the_coach")  # as production processes do
def test_worker_with_team_takes_only_that_workspaces_messages(seeded: Engine) -> None:
    assert main(["managers", "enroll", "--all", "--team", "T0TEST"]) == 0
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    with Session(seeded) as session:  # both welcomes are due
        session.execute(update(OutboxMessage).values(next_attempt_at=an_hour_ago))
        session.commit()

    def rows() -> list[tuple[object, ...]]:
        """What a worker changes when it takes a row: sent, or given back to wait for the rules."""
        columns = (OutboxMessage.status, OutboxMessage.next_attempt_at, OutboxMessage.last_error)
        with Session(seeded) as session:
            return [tuple(row) for row in session.execute(select(*columns).order_by(OutboxMessage.id))]

    before = rows()
    started = time.monotonic()
    _run_worker_briefly("T0OTHER", until=lambda: time.monotonic() - started > 6)
    left_alone = rows()
    _run_worker_briefly("T0TEST", until=lambda: all(a != b for a, b in zip(rows(), before, strict=True)))

    assert left_alone == before
    assert all(after != earlier for after, earlier in zip(rows(), before, strict=True))
