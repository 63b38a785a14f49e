"""The promises of docs/operations.md hold on the sending side too: a message still pending after an
outage or retries goes out only when the manager's rules allow it (window, quiet hours, working days,
holidays, their current timezone, the 24-hour catch-up), outages cost time and not messages, and a post
that went through unrecorded is found in the DM however much was said there since.

Workers run on a fake clock; the Slack stand-in stamps messages with the same clock, so the tests read
the local time of every post from what Slack received."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.container import Container
from bot.delivery.planner import plan_due
from bot.delivery.worker import delivery_client, drain, tick
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import OutboxMessage, Subscription
from bot.store.models import Manager
from tests.conftest import NOW, enroll_everyone, replace
from tests.fakes.crm import CountingConnector

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)  # week 49; Anna's nudge at 08:00 UTC (09:00 Vienna)
TUESDAY_LESSON = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Vienna
SLACK_METHODS = ("chat.postMessage", "conversations.history", "conversations.open")


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()


@dataclass
class World:
    container: Container
    slack: SlackStandIn
    clock: FakeClock

    def run_until(self, end: datetime, *, client: Callable[[datetime], WebClient] | None = None) -> None:
        """The clock process and a worker as they run in production: plan, send what is ready, then
        jump to the next moment anything can happen: a retry or wait ends, or a full hour (every slot
        and window edge in these tests is on a full hour, so planning hourly plans nothing late)."""
        while self.clock.now <= end:
            with self.container.sessions() as session:
                plan_due(session=session, settings=self.container.settings, now=self.clock.now)
            web = client(self.clock.now) if client else delivery_client(self.container.delivery)
            drain(delivery=self.container.delivery, client=web, now=self.clock, worker="w")
            with Session(self.container.engine) as session:
                next_due = session.scalar(
                    select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
                )
            next_hour = (self.clock.now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            upcoming = min(next_hour, next_due) if next_due and next_due > self.clock.now else next_hour
            self.clock.now = max(upcoming, self.clock.now + timedelta(seconds=1))

    def posts(self, user: str, kind: str | None = None) -> list[tuple[str, datetime]]:
        """(key, local time in the manager's *current* zone) of each delivery in the user's DM."""
        with Session(self.container.engine) as session:
            tz = ZoneInfo(session.scalar(select(Manager.tz).where(Manager.slack_user_id == user)) or "UTC")
        found = []
        for message in self.slack.messages_in(f"D{user}"):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if "idempotency_key" in payload and (kind is None or payload.get("kind") == kind):
                moment = datetime.fromtimestamp(float(message["ts"]), UTC).astimezone(tz)
                found.append((payload["idempotency_key"].split(":", 2)[2], moment))
        return found

    def row(self, user: str, key_suffix: str) -> OutboxMessage:
        with Session(self.container.engine) as session:
            manager_id = session.scalar(select(Manager.id).where(Manager.slack_user_id == user))
            return session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.manager_id == manager_id,
                    OutboxMessage.idempotency_key.endswith(key_suffix),
                )
            ).one()

    def set(self, user: str, **values: Any) -> None:
        with Session(self.container.engine) as session:
            manager_id = session.scalar(select(Manager.id).where(Manager.slack_user_id == user))
            session.execute(
                update(Subscription).where(Subscription.manager_id == manager_id).values(**values)
            )
            session.commit()


def slack_down(slack: SlackStandIn, *, status: int = 503) -> None:
    for method in SLACK_METHODS:
        slack.fail_randomly(method, rate=1.0, status=status)


def slack_up(slack: SlackStandIn) -> None:
    for method in SLACK_METHODS:
        slack.fail_randomly(method, rate=0)


def _world(container: Container, slack: SlackStandIn, **settings: Any) -> World:
    clock = FakeClock(NOW)
    changed = container.settings.replaced(**settings)
    world = World(replace(container, settings=changed, clock=clock), slack, clock)
    slack.wall_clock = clock.seconds  # message ts tell the fake time
    enroll_everyone(world.container, team_id=slack.team_id, now=NOW)
    clock.now = NOW + timedelta(hours=5)
    tick(delivery=world.container.delivery, now=clock.now)  # the welcomes, out of the way
    return world


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _inside(
    moment: datetime, *, window: tuple[int, int] = (8, 18), quiet: tuple[int, int] | None = None
) -> bool:
    hour = moment.hour + moment.minute / 60
    in_quiet = quiet is not None and quiet[0] <= hour < quiet[1]
    return window[0] <= hour < window[1] and moment.weekday() < 5 and not in_quiet


# --- 1. the rules, checked again when the message is sent --------------------------------------------
def test_a_lesson_pending_past_the_end_of_the_window_waits_for_the_next_morning(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack)
    world.clock.now = TUESDAY_LESSON
    slack_down(slack)
    world.run_until(TUESDAY_LESSON.replace(hour=17, minute=29))  # 18:29 in Vienna: the window has closed
    slack_up(slack)
    world.run_until(TUESDAY_LESSON + timedelta(hours=23))

    [(key, at)] = world.posts("U0ANNA", "lesson")
    assert key == "lesson:2026-W49-d1"
    assert (at.date().isoformat(), at.hour, at.minute) == ("2026-12-02", 8, 0)  # Wednesday, 08:00 Vienna
    assert all(_inside(at) for _, at in world.posts("U0ANNA") + world.posts("U0JAMES"))


def test_a_lesson_pending_into_quiet_hours_waits_until_they_end(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack)
    world.set("U0ANNA", quiet_hours="12:00-13:00")
    world.clock.now = TUESDAY_LESSON
    slack_down(slack)
    world.run_until(TUESDAY_LESSON + timedelta(hours=2, minutes=30))  # back at 12:30 in Vienna
    slack_up(slack)
    world.run_until(TUESDAY_LESSON + timedelta(hours=6))

    [(_, at)] = world.posts("U0ANNA", "lesson")
    assert (at.hour, at.minute) == (13, 0)
    assert all(_inside(at, quiet=(12, 13)) for _, at in world.posts("U0ANNA"))


def test_a_lesson_pending_into_a_holiday_is_skipped_not_sent_on_the_holiday(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack, crmcoach_holidays="2026-12-02")  # Wednesday
    world.clock.now = TUESDAY_LESSON
    slack_down(slack)
    world.run_until(TUESDAY_LESSON.replace(hour=17, minute=30))
    slack_up(slack)
    world.run_until(TUESDAY_LESSON + timedelta(days=2, hours=1))  # through Thursday's lesson

    lessons = world.posts("U0ANNA", "lesson")
    assert [key for key, _ in lessons] == ["lesson:2026-W49-d3"]  # Thursday's, on Thursday
    assert all(at.date().isoformat() != "2026-12-02" for _, at in world.posts("U0ANNA"))
    tuesday = world.row("U0ANNA", "lesson:2026-W49-d1")
    assert (tuesday.status, tuesday.last_error) == (
        "skipped",
        "missed: no allowed moment within 24 h of its time",
    )


def test_a_friday_lesson_pending_into_the_weekend_is_never_sent_on_the_weekend(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack, crmcoach_lesson_days="4")  # Friday 10:00 in Vienna
    friday = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    world.clock.now = friday
    slack_down(slack)
    world.run_until(friday.replace(hour=17, minute=30))
    slack_up(slack)
    world.run_until(friday + timedelta(days=1, hours=14))  # Saturday 23:00 in Vienna

    assert world.posts("U0ANNA", "lesson") == []
    row = world.row("U0ANNA", "lesson:2026-W49-d4")
    assert row.status == "skipped" and (row.last_error or "").startswith("missed")


def test_a_timezone_change_between_plan_and_send_uses_the_new_zone(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack)
    nudge_time = MONDAY.replace(hour=8)  # 09:00 in Vienna
    world.clock.now = nudge_time
    slack_down(slack)
    world.run_until(nudge_time + timedelta(minutes=5))  # planned, not sent
    with Session(world.container.engine) as session:  # Anna moved to Los Angeles (Slack profile)
        session.execute(
            update(Manager).where(Manager.slack_user_id == "U0ANNA").values(tz="America/Los_Angeles")
        )
        session.commit()
    slack_up(slack)
    world.run_until(nudge_time + timedelta(hours=12))

    [(key, at)] = world.posts("U0ANNA", "nudge")  # local time in Los Angeles
    assert key == "nudge:2026-W49" and (at.hour, at.minute) == (8, 0)


# --- 2. outages cost time, not messages --------------------------------------------------------------
@pytest.mark.parametrize("failure", ["503", "connection refused"])
def test_slack_down_for_three_hours_loses_nothing_within_the_catch_up(
    container: Container, slack: SlackStandIn, failure: str
) -> None:
    world = _world(container, slack)
    start = MONDAY.replace(hour=8)
    back = start + timedelta(hours=3)
    world.clock.now = start
    dead = WebClient(
        token=slack.bot_token, base_url=f"http://127.0.0.1:{_free_port()}/api/", timeout=2, retry_handlers=[]
    )

    def client(now: datetime) -> WebClient:
        return dead if failure != "503" and now < back else delivery_client(world.container.delivery)

    if failure == "503":
        slack_down(slack)
    world.run_until(back - timedelta(minutes=1), client=client)
    assert world.posts("U0ANNA", "nudge") == []
    slack_up(slack)
    world.run_until(back + timedelta(hours=6), client=client)

    [(key, at)] = world.posts("U0ANNA", "nudge")
    assert key == "nudge:2026-W49" and at <= (back + timedelta(minutes=11)).astimezone(at.tzinfo)
    assert [key for key, _ in world.posts("U0JAMES", "nudge") if "W49" in key] == ["nudge:2026-W49"]
    assert world.row("U0ANNA", "nudge:2026-W49").status == "sent"


def test_the_crm_down_for_two_hours_delays_the_nudges_and_says_so_twice(
    container: Container, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    world = _world(container, slack)
    crm = CountingConnector(world.container.crm)
    world.container = replace(world.container, crm=crm)
    start = MONDAY.replace(hour=8)
    world.clock.now, crm.down = start, True
    caplog.set_level(logging.INFO)
    world.run_until(start + timedelta(hours=2))
    crm.down = False
    world.run_until(start + timedelta(hours=8))

    assert [key for key, _ in world.posts("U0ANNA", "nudge")] == ["nudge:2026-W49"]
    assert [key for key, _ in world.posts("U0JAMES", "nudge") if "W49" in key] == ["nudge:2026-W49"]
    crm_lines = [r for r in caplog.records if r.name == "bot.delivery.availability"]
    assert [r.getMessage().split(" (")[0] for r in crm_lines] == ["CRM unavailable", "CRM available again"]
    assert not any(r.exc_info for r in caplog.records)


def test_giving_up_at_the_catch_up_deadline_is_logged_once_with_the_reason(
    container: Container, slack: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    world = _world(container, slack)
    start = MONDAY.replace(hour=8)
    world.clock.now = start
    slack_down(slack)
    world.run_until(start + timedelta(hours=25))

    row = world.row("U0ANNA", "nudge:2026-W49")
    assert row.status in ("failed", "skipped") and world.posts("U0ANNA", "nudge") == []
    gave_up = [
        r for r in caplog.records if "nudge:2026-W49" in r.getMessage() and "not sent" in r.getMessage()
    ]
    assert len([r for r in gave_up if f":{row.manager_id}:" in r.getMessage()]) == 1


# --- 3. the duplicate check reads the whole DM back to the first attempt ------------------------------
def test_twenty_answers_after_an_unrecorded_post_do_not_cause_a_duplicate(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack)
    start = MONDAY.replace(hour=8)
    world.clock.now = start
    slack.fail_next("chat.postMessage", status=500, channel="DU0ANNA", take_effect=True)  # posted, yet 500
    world.run_until(start)
    client = delivery_client(world.container.delivery)
    for number in range(20):  # the bot answers Anna's questions in the same DM meanwhile
        world.clock.now += timedelta(seconds=1)
        client.chat_postMessage(channel="DU0ANNA", text=f"answer {number}", metadata=_answer_metadata(number))
    world.run_until(start + timedelta(hours=1))

    assert [key for key, _ in world.posts("U0ANNA", "nudge")] == ["nudge:2026-W49"]
    assert world.row("U0ANNA", "nudge:2026-W49").status == "sent"
    pages = [c for c in slack.calls_to("conversations.history") if c.status == 200]
    assert pages and all(call.params.get("oldest") for call in pages)


def test_nothing_is_sent_twice_while_rows_wait_for_the_rules(
    container: Container, slack: SlackStandIn
) -> None:
    world = _world(container, slack)
    world.clock.now = MONDAY
    world.run_until(MONDAY + timedelta(days=7))

    with Session(world.container.engine) as session:
        sent = session.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
    keys = [(user, key) for user in ("U0ANNA", "U0JAMES") for key, _ in world.posts(user)]
    assert len(keys) == len(set(keys)) == sent
    assert all(_inside(at) for user in ("U0ANNA", "U0JAMES") for _, at in world.posts(user))


def test_a_history_check_cut_short_by_rate_limits_goes_on_where_it_stopped(
    container: Container, slack: SlackStandIn
) -> None:
    """A newer non-Marketplace app reads 15 messages per call and may call once a minute: the check
    for one message behind 40 answers takes three calls, over three attempts."""
    world = _world(container, slack)
    slack.history_page_cap = 15
    slack.clock = world.clock.seconds  # the rate limit counts fake seconds too
    start = MONDAY.replace(hour=8)
    world.clock.now = start
    slack.fail_next("chat.postMessage", status=500, channel="DU0ANNA", take_effect=True)
    world.run_until(start)
    client = delivery_client(world.container.delivery)
    for number in range(40):
        world.clock.now += timedelta(seconds=1)
        client.chat_postMessage(channel="DU0ANNA", text=f"answer {number}", metadata=_answer_metadata(number))
    slack.limit_rate("conversations.history", workspace_per_minute=1)
    world.run_until(start + timedelta(hours=1))

    assert [key for key, _ in world.posts("U0ANNA", "nudge")] == ["nudge:2026-W49"]
    assert world.row("U0ANNA", "nudge:2026-W49").status == "sent"
    answered = [c for c in slack.calls_to("conversations.history") if c.status == 200]
    limited = [c for c in slack.calls_to("conversations.history") if c.status == 429]
    assert len(answered) == 3 and limited  # three pages, never the same page twice
    assert len({c.params.get("cursor") for c in answered}) == 3


def _answer_metadata(number: int) -> dict[str, Any]:
    """What the bot's answers in the DM carry: a key of their own."""
    return {
        "event_type": "crmcoach_answer",
        "event_payload": {"idempotency_key": f"T0TEST:answer:Ev{number}"},
    }
