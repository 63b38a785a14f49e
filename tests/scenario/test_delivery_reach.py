"""Who and what leaves the schedule, and what the logs say: unreachable managers (user_not_found,
deactivated, archived DM) get no new rows until Slack finds them again; a tick more than a day late
records what it missed; expected outages log one line per state change; `tick` drains within its budget."""

from __future__ import annotations

import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli_support import clock_jobs
from bot.container import Container
from bot.crm.base import CRMUnavailableError, Owner
from bot.delivery import outbox
from bot.delivery.availability import CRM, DATABASE
from bot.delivery.clock import ENROLL_RETRY_JOB_ID, enroll_once
from bot.delivery.planner import plan_due
from bot.delivery.sender import deliver
from bot.delivery.worker import delivery_client, run_tick, tick, work_once
from bot.demo.standins.requests import event_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import OutboxMessage, Subscription
from bot.store.models import DemoOwner, Manager
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET, enroll_everyone, replace
from tests.fakes.crm import GatedConnector
from tests.scenario.test_delivery_at_scale import _populate

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Vienna, 03:00 in New York


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    return container


def _manager_id(container: Container, user: str) -> int:
    with Session(container.engine) as session:
        found = session.scalar(select(Manager.id).where(Manager.slack_user_id == user))
    assert found is not None
    return int(found)


def _rows_of(container: Container, user: str) -> list[OutboxMessage]:
    with Session(container.engine) as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.manager_id == _manager_id(container, user))
                .order_by(OutboxMessage.id)
            )
        )


def _unreachable(container: Container, user: str) -> str | None:
    with Session(container.engine) as session:
        subscription = session.get(Subscription, _manager_id(container, user))
        assert subscription is not None
        return subscription.unreachable_reason


def _weeks(container: Container, start: datetime, weeks: int) -> None:
    for hour in range(0, 24 * 7 * weeks, 6):
        tick(delivery=container.delivery, now=start + timedelta(hours=hour))


# --- unreachable people leave the schedule ------------------------------------------------------------
def test_a_user_slack_no_longer_finds_is_marked_unreachable_and_gets_no_new_rows(
    enrolled: Container, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    slack.deactivate_user("U0JAMES", open_error="user_not_found")

    tick(delivery=enrolled.delivery, now=NOW + timedelta(hours=5))  # both welcomes are due
    _weeks(enrolled, MONDAY_0800_UTC, 2)

    assert _unreachable(enrolled, "U0JAMES") == "user_not_found"
    # His W48 nudge was planned in the same tick, before the welcome failed: skipped, and nothing since.
    james = [(r.kind, r.period, r.status, r.last_error) for r in _rows_of(enrolled, "U0JAMES")]
    assert james == [
        ("welcome", "welcome", "failed", "user_not_found"),
        ("nudge", "2026-W48", "skipped", "unreachable in Slack (user_not_found)"),
    ]
    assert any(r.kind == "nudge" and r.status == "sent" for r in _rows_of(enrolled, "U0ANNA"))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len([r for r in caplog.records if "cannot reach manager" in r.getMessage()]) == 1

    slack.reactivate_user("U0JAMES")  # Slack finds him again: the next enrollment run brings him back
    back = MONDAY_0800_UTC + timedelta(days=14)
    enroll_everyone(enrolled, team_id=slack.team_id, now=back)
    _weeks(enrolled, back, 1)

    assert _unreachable(enrolled, "U0JAMES") is None
    assert any(r.kind == "nudge" and r.status == "sent" for r in _rows_of(enrolled, "U0JAMES"))
    assert len(slack.messages_in("DU0JAMES")) >= 1


def test_an_archived_dm_marks_the_manager_unreachable(enrolled: Container, slack: SlackStandIn) -> None:
    slack.fail_next("chat.postMessage", error="is_archived", channel="DU0ANNA")

    _, outcomes = tick(delivery=enrolled.delivery, now=NOW + timedelta(hours=5))
    _weeks(enrolled, MONDAY_0800_UTC, 1)

    assert outcomes["failed"] == 1 and _unreachable(enrolled, "U0ANNA") == "is_archived"
    assert [r.kind for r in _rows_of(enrolled, "U0ANNA")] == ["welcome"]


def test_a_user_change_event_for_a_deactivated_user_stops_their_schedule(
    enrolled: Container, slack: SlackStandIn, base_url: str
) -> None:
    tick(delivery=enrolled.delivery, now=NOW + timedelta(hours=5))

    def user_change(deleted: bool, event_id: str) -> None:
        user = {**slack.users["U0ANNA"], "deleted": deleted}
        event = {"type": "user_change", "user": user, "event_ts": "1700000000.000100"}
        body = event_body(team_id=slack.team_id, event=event, event_id=event_id)
        answer = post_signed(
            base_url + EVENTS_PATH, body, secret=SIGNING_SECRET, content_type="application/json"
        )
        assert answer.status == 200

    user_change(True, "Ev0DEACT")
    _wait_until(lambda: _unreachable(enrolled, "U0ANNA") == "deactivated")
    _weeks(enrolled, MONDAY_0800_UTC, 1)
    assert [r.kind for r in _rows_of(enrolled, "U0ANNA")] == ["welcome"]  # no new rows

    user_change(False, "Ev0REACT")
    _wait_until(lambda: _unreachable(enrolled, "U0ANNA") is None)
    _weeks(enrolled, MONDAY_0800_UTC + timedelta(days=7), 1)
    assert any(r.kind == "nudge" and r.status == "sent" for r in _rows_of(enrolled, "U0ANNA"))


def _wait_until(condition: Any, timeout: float = 10.0) -> None:
    """Bolt runs event listeners after the ack: wait (briefly) for the listener's effect."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the event had no effect"
        time.sleep(0.02)


def test_enrollment_skips_users_slack_reports_as_deleted(container: Container, slack: SlackStandIn) -> None:
    slack.deactivate_user("U0JAMES")

    report = enroll_everyone(container, team_id=slack.team_id, now=NOW)

    assert report.enrolled == 1 and report.deactivated == ["james.miller@example.com"]
    with Session(container.engine) as session:
        assert session.scalar(select(Manager).where(Manager.slack_user_id == "U0JAMES")) is None


def test_enrollment_lists_crm_managers_without_an_e_mail_instead_of_asking_slack(
    container: Container, slack: SlackStandIn
) -> None:
    with Session(container.engine) as session, session.begin():
        james = session.scalar(select(DemoOwner).where(DemoOwner.email == "james.miller@example.com"))
        assert james is not None
        james.email = ""

    report = enroll_everyone(container, team_id=slack.team_id, now=NOW)

    assert "James Miller (no e-mail in the CRM)" in report.not_in_slack
    assert all(call.params.get("email") for call in slack.calls_to("users.lookupByEmail"))
    with Session(container.engine) as session:
        assert session.scalar(select(Manager).where(Manager.slack_user_id == "U0JAMES")) is None


# --- late ticks say what they skipped -----------------------------------------------------------------
def test_a_tick_more_than_a_day_late_records_the_missed_nudge_once(
    enrolled: Container, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    tick(delivery=enrolled.delivery, now=NOW + timedelta(hours=5))
    caplog.set_level(logging.INFO)

    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(hours=31))
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(hours=32))

    [nudge] = [r for r in _rows_of(enrolled, "U0ANNA") if r.kind == "nudge" and r.period == "2026-W49"]
    assert (nudge.status, nudge.last_error) == ("skipped", "missed: more than 24 h late")
    logged = [r for r in caplog.records if nudge.idempotency_key in r.getMessage()]
    assert len(logged) == 1 and "missed: more than 24 h late" in logged[0].getMessage()
    assert not any(":nudge:2026-W49" in m["metadata"]["event_payload"]["idempotency_key"]
                   for m in slack.messages_in("DU0ANNA"))  # fmt: skip


# --- tick drains within its budget --------------------------------------------------------------------
class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def seconds(self) -> float:
        return self.now.timestamp()


@pytest.mark.parametrize(("budget", "all_sent"), [(300, True), (30, False)])
def test_tick_keeps_sending_through_rate_limits_until_done_or_out_of_time(
    container: Container, slack: SlackStandIn, budget: float, all_sent: bool
) -> None:
    clock = _Clock(MONDAY_0800_UTC)
    slack.clock = clock.seconds
    # 10 welcomes, and the 10 weekly nudges the tick plans: 20 messages against a workspace limit of
    # 6 at once, then one every 10 seconds (about 2.5 minutes for all of them)
    keys = _populate(container, slack, 10, welcome_at=MONDAY_0800_UTC - timedelta(minutes=1))
    slack.limit_rate("chat.postMessage", workspace_per_minute=6)

    report = run_tick(
        delivery=container.delivery, now=MONDAY_0800_UTC, max_seconds=budget, clock=clock, sleep=clock.sleep
    )

    sent = sum(len(slack.messages_in(f"D{user}")) for user in keys.values())
    assert sent == report.outcomes["sent"]
    assert report.planned == 10
    if all_sent:
        assert (sent, report.left) == (20, 0)
    else:
        assert 6 < sent < 20 and report.left == 20 - sent  # more than one burst, and it says what is left
    assert clock.now - MONDAY_0800_UTC <= timedelta(seconds=budget + 3)


# --- quiet logs for expected faults -------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _dead_database(container: Container) -> Container:
    """The same container, with a database that does not answer (same dialect)."""
    if container.engine.dialect.name == "postgresql":
        url = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/gone?connect_timeout=2"
    else:
        url = "sqlite:////nonexistent-directory/crmcoach.db"
    dead = create_engine(url)
    return replace(container, engine=dead, sessions=sessionmaker(bind=dead, expire_on_commit=False))


def test_a_worker_with_the_database_down_logs_one_line_then_one_when_it_is_back(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    DATABASE.up()
    down = _dead_database(container)
    client = delivery_client(container.delivery)
    caplog.set_level(logging.INFO)

    waits = [work_once(delivery=down.delivery, client=client, worker="w") for _ in range(6)]
    work_once(delivery=container.delivery, client=client, worker="w")
    work_once(delivery=container.delivery, client=client, worker="w")

    assert waits == sorted(waits) and waits[0] < waits[-1] <= 60  # backing off, capped
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.delivery.availability"]
    assert (
        len(lines) == 2
        and lines[0].startswith("database unavailable")
        and lines[1] == "database available again"
    )
    assert not any(r.exc_info for r in caplog.records)


def test_the_database_lost_in_the_middle_of_a_delivery_is_a_warning_not_a_traceback(
    enrolled: Container, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    DATABASE.up()
    moment = NOW + timedelta(hours=5)
    with enrolled.sessions() as session:
        plan_due(session=session, settings=enrolled.settings, now=moment)
    [first, *_] = outbox.claim(enrolled.sessions, worker="w", now=moment)
    down = _dead_database(enrolled)  # the connection is terminated after the claim

    outcome = deliver(first, delivery=down.delivery, client=delivery_client(enrolled.delivery), now=moment)

    assert outcome.status == "retry" and slack.calls_to("chat.postMessage") == []
    assert [r.levelname for r in caplog.records if r.name.startswith("bot.")] == ["WARNING"]
    assert not any(r.exc_info for r in caplog.records)
    later = moment + outbox.LEASE + timedelta(seconds=1)  # back: the row is taken up again and sent once
    tick(delivery=enrolled.delivery, now=later)
    assert [r.status for r in _rows_of(enrolled, "U0ANNA")] == ["sent"]
    assert len(slack.messages_in("DU0ANNA")) == 1


class _CrmDown(GatedConnector):
    def list_owners(self) -> list[Owner]:
        raise CRMUnavailableError("The CRM is not answering right now.", detail="connection refused")


def test_the_enrollment_job_retries_within_the_hour_when_the_crm_is_down(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    CRM.up()
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)  # jobs are scheduled (and replaced) as usual, but never run here
    down = replace(container, crm=_CrmDown(container.crm))

    assert enroll_once(jobs=clock_jobs(down), team_id="T0TEST", scheduler=scheduler) is False
    assert enroll_once(jobs=clock_jobs(down), team_id="T0TEST", scheduler=scheduler) is False

    [job] = [job for job in scheduler.get_jobs() if job.id.startswith(ENROLL_RETRY_JOB_ID)]
    scheduler.shutdown(wait=False)
    assert job.next_run_time - datetime.now(UTC) <= timedelta(hours=1)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage().split(" (")[0] for r in warnings] == ["CRM unavailable"]  # once, not per run
    assert not any(r.exc_info for r in caplog.records)
    assert enroll_once(jobs=clock_jobs(container), team_id="T0TEST", scheduler=scheduler) is True
    assert [r.getMessage() for r in caplog.records if r.name == "bot.delivery.availability"][-1] == (
        "CRM available again"
    )
