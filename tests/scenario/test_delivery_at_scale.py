"""Delivery at scale: two workers sharing one Postgres outbox, a 429 storm with 5xx, leases that expire
while a worker is still busy. Every message arrives, and arrives once (counted in the DMs by key)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.delivery import outbox
from bot.delivery.messages import MessageComposer
from bot.delivery.planner import plan_due
from bot.delivery.worker import delivery_client, drain
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import OutboxMessage, PracticeTask, Subscription
from bot.store.managers import ensure_workspace
from bot.store.models import Manager
from tests.conftest import NOW

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # the weekly nudge: 09:00 in Vienna


def _populate(
    container: Container, slack: SlackStandIn, count: int, *, welcome_at: datetime
) -> dict[str, str]:
    """`count` enrolled managers (and their Slack users), each with a pending welcome in the outbox,
    written in bulk. Keys have the planner's format, workspace:manager:kind:period. Returns key -> user."""
    team = slack.team_id
    users = [f"U{number:06d}" for number in range(count)]
    for number, user in enumerate(users):
        slack.add_user(user, name=f"Manager {number}", email=f"m{number}@scale.example", tz="Europe/Vienna")
    with container.sessions() as session:
        ensure_workspace(session, team)
        managers = session.execute(
            insert(Manager).returning(Manager.id, Manager.slack_user_id, sort_by_parameter_order=True),
            [
                {
                    "team_id": team,
                    "slack_user_id": user,
                    "display_name": f"Manager {number}",
                    "crm_owner_id": ("M00001", "M00002")[number % 2],  # demo owners with reps
                    "link_source": "email",
                    "tz": "Europe/Vienna",
                    "slack_locale": "en-US",
                }
                for number, user in enumerate(users)
            ],
        ).all()
        enrolled_at = welcome_at - timedelta(days=2)
        session.execute(
            insert(Subscription),
            [{"manager_id": id_, "team_id": team, "enrolled_at": enrolled_at} for id_, _ in managers],
        )
        keys = {f"{team}:{id_}:welcome:welcome": user for id_, user in managers}
        session.execute(
            insert(OutboxMessage),
            [
                {
                    "team_id": team,
                    "manager_id": int(key.split(":")[1]),
                    "kind": "welcome",
                    "period": "welcome",
                    "week": "2026-W49",
                    "idempotency_key": key,
                    "scheduled_at": welcome_at,
                    "next_attempt_at": welcome_at,
                    "status": "pending",
                    "attempts": 0,
                    "payload": {},
                }
                for key in keys
            ],
        )
        session.commit()
    return keys


def _rows(container: Container) -> list[OutboxMessage]:
    with Session(container.engine) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _keys_in_dms(slack: SlackStandIn, users: set[str]) -> Counter[str]:
    """How often each idempotency key was posted, over all these users' DMs."""
    return Counter(
        message["metadata"]["event_payload"]["idempotency_key"]
        for user in users
        for message in slack.messages_in(f"D{user}")
    )


def _posts(slack: SlackStandIn, status: int) -> int:
    return sum(1 for call in slack.calls_to("chat.postMessage") if call.status == status)


class _Clock:
    """A fake clock for the workers (call it) and for the stand-in's rate limits (seconds)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()


def test_two_workers_share_a_thousand_deliveries_on_postgres_without_a_duplicate(
    container: Container, slack: SlackStandIn
) -> None:
    if container.engine.dialect.name != "postgresql":
        pytest.skip("two workers racing for one outbox is what Postgres (FOR UPDATE SKIP LOCKED) is for")
    keys = _populate(container, slack, 1000, welcome_at=NOW)
    start = threading.Barrier(2)

    def work(name: str) -> Counter[str]:
        client = delivery_client(container.delivery)
        start.wait(timeout=10)
        return drain(delivery=container.delivery, client=client, now=lambda: NOW, worker=name)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(work, name) for name in ("worker-a", "worker-b")}
        outcomes = {name: future.result(timeout=90) for name, future in futures.items()}

    assert all(set(counts) == {"sent"} for counts in outcomes.values()), outcomes
    assert outcomes["worker-a"]["sent"] > 0 and outcomes["worker-b"]["sent"] > 0, outcomes  # both worked
    assert outcomes["worker-a"]["sent"] + outcomes["worker-b"]["sent"] == 1000
    assert Counter(row.status for row in _rows(container)) == {"sent": 1000}
    assert _keys_in_dms(slack, set(keys.values())) == Counter(dict.fromkeys(keys, 1))
    for key, user in list(keys.items())[::97]:  # and each in the right DM
        [message] = slack.messages_in(f"D{user}")
        assert message["metadata"]["event_payload"]["idempotency_key"] == key
    assert _posts(slack, 200) == 1000 and len(slack.calls_to("chat.postMessage")) == 1000


@pytest.mark.parametrize("take_effect", [False, True], ids=["5xx-not-posted", "5xx-posted-anyway"])
def test_a_429_storm_with_five_percent_5xx_loses_nothing_and_duplicates_nothing(
    container: Container, slack: SlackStandIn, take_effect: bool
) -> None:
    clock = _Clock(MONDAY_0800_UTC)
    slack.clock = slack.wall_clock = clock.seconds  # Slack's rate limits and message ts use our fake time
    keys = _populate(container, slack, 150, welcome_at=MONDAY_0800_UTC - timedelta(minutes=5))
    with container.sessions() as session:  # and every manager's weekly nudge, due at the same instant
        assert plan_due(session=session, settings=container.settings, now=MONDAY_0800_UTC).planned == 150
    expected = {row.idempotency_key for row in _rows(container)}
    assert len(expected) == 300
    # Two messages per DM at once (1 per second per channel), 300 against a workspace burst of 240 and
    # then 4 a second, 5 % server errors, and a history check Slack allows 3 times a minute.
    slack.limit_rate("chat.postMessage", per_channel_per_second=1, workspace_per_minute=240)
    slack.limit_rate("conversations.history", workspace_per_minute=3)
    slack.fail_randomly("chat.postMessage", rate=0.05, status=500, seed=7, take_effect=take_effect)
    client = delivery_client(container.delivery)

    outcomes: Counter[str] = Counter()
    for _step in range(500):
        outcomes += drain(delivery=container.delivery, client=client, now=clock, worker="storm")
        with Session(container.engine) as session:
            next_due = session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
            )
        if next_due is None:
            break
        clock.now = max(clock.now + timedelta(seconds=1), next_due)
    else:
        pytest.fail(f"still pending after 500 steps: {outcomes}")

    rate_limited = sum(1 for call in slack.calls_to("chat.postMessage") if call.status == 429)
    history_limited = sum(1 for call in slack.calls_to("conversations.history") if call.status == 429)
    assert rate_limited > 150 and history_limited > 0 and _posts(slack, 500) >= 5, outcomes  # a storm
    assert Counter(row.status for row in _rows(container)) == {"sent": 300}, outcomes
    assert _keys_in_dms(slack, set(keys.values())) == Counter(dict.fromkeys(expected, 1))
    # Each went out by one successful post, or (behind a 5xx that posted anyway) was found in the DM.
    assert _posts(slack, 200) + outcomes["recovered"] == 300
    assert (outcomes["recovered"] > 0) == take_effect, outcomes
    with Session(container.engine) as session:  # and no nudge handed out two practice tasks
        tasks = session.scalars(select(PracticeTask.manager_id)).all()
    assert len(tasks) == len(set(tasks)) == 150


def test_a_rate_limited_history_check_keeps_the_message_suspect(
    container: Container, slack: SlackStandIn
) -> None:
    keys = _populate(container, slack, 1, welcome_at=NOW)
    [user] = keys.values()
    slack.fail_next("chat.postMessage", status=500, channel=user, take_effect=True)  # posted, yet 500
    slack.fail_next("conversations.history", status=429, retry_after=30)  # the check is turned away
    client = delivery_client(container.delivery)

    first = drain(delivery=container.delivery, client=client, now=lambda: NOW, worker="w")
    second = drain(
        delivery=container.delivery, client=client, now=lambda: NOW + timedelta(minutes=1), worker="w"
    )
    third = drain(
        delivery=container.delivery, client=client, now=lambda: NOW + timedelta(minutes=2), worker="w"
    )

    assert (first, second, third) == ({"retry": 1}, {"retry": 1}, {"recovered": 1})
    assert len(slack.messages_in(f"D{user}")) == 1


class _SlowClient(WebClient):
    """A delivery client whose chat.postMessage reaches Slack and then hangs (a slow response) until
    released; `then_fail` makes the late answer a 500 instead of the real one."""

    def __init__(self, *args: Any, then_fail: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.posted, self.go_on, self.then_fail = threading.Event(), threading.Event(), then_fail

    def chat_postMessage(self, **kwargs: Any) -> Any:
        response = super().chat_postMessage(**kwargs)
        self.posted.set()
        assert self.go_on.wait(timeout=30)
        if self.then_fail:
            late = type(response)(
                client=self, http_verb="POST", api_url="", req_args={}, data={"ok": False}, headers={},
                status_code=500,
            )  # fmt: skip
            raise SlackApiError("server error", late)
        return response


def _slow_client(container: Container, *, then_fail: bool) -> _SlowClient:
    fast = delivery_client(container.delivery)
    return _SlowClient(
        token=fast.token, base_url=fast.base_url, timeout=fast.timeout, retry_handlers=[], then_fail=then_fail
    )


@pytest.mark.parametrize("late_answer", ["ok", "500"])
def test_a_lease_that_expires_while_slack_is_slow_to_answer_is_recovered_not_sent_again(
    container: Container, slack: SlackStandIn, late_answer: str
) -> None:
    [(key, user)] = _populate(container, slack, 1, welcome_at=NOW).items()
    slow = _slow_client(container, then_fail=late_answer == "500")
    after_the_lease = NOW + outbox.LEASE + timedelta(seconds=1)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(drain, delivery=container.delivery, client=slow, now=lambda: NOW, worker="slow")
        assert slow.posted.wait(timeout=10)  # in Slack, but the first worker has not heard back
        second = drain(
            delivery=container.delivery,
            client=delivery_client(container.delivery),
            now=lambda: after_the_lease,
            worker="b",
        )
        slow.go_on.set()
        first.result(timeout=30)

    assert second == {"recovered": 1}  # found in the DM by its key
    [message] = slack.messages_in(f"D{user}")
    assert message["metadata"]["event_payload"]["idempotency_key"] == key
    [row] = _rows(container)
    assert (row.status, row.slack_ts, row.attempts) == ("sent", message["ts"], 2)  # the late answer: ignored
    later = NOW + timedelta(hours=1)
    assert (
        drain(delivery=container.delivery, client=delivery_client(container.delivery), now=lambda: later)
        == {}
    )
    assert len(slack.messages_in(f"D{user}")) == 1


def test_a_lease_that_expires_before_the_first_worker_posts_keeps_it_from_posting(
    container: Container, slack: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first worker is slow before it posts (a CRM fetch for the nudge taking minutes): by the time
    it is ready, a second worker owns the row and has delivered it. The first must not post too."""
    [(key, user)] = _populate(container, slack, 1, welcome_at=NOW).items()
    composing, go_on = threading.Event(), threading.Event()
    compose: Callable[[MessageComposer, outbox.Claimed], dict[str, Any]] = MessageComposer.compose

    def slow_first_compose(self: MessageComposer, claimed: outbox.Claimed) -> dict[str, Any]:
        if not composing.is_set():
            composing.set()
            assert go_on.wait(timeout=30)
        return compose(self, claimed)

    monkeypatch.setattr(MessageComposer, "compose", slow_first_compose)
    after_the_lease = NOW + outbox.LEASE + timedelta(seconds=1)
    client = delivery_client(container.delivery)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(drain, delivery=container.delivery, client=client, now=lambda: NOW, worker="slow")
        assert composing.wait(timeout=10)
        second = drain(delivery=container.delivery, client=client, now=lambda: after_the_lease, worker="b")
        go_on.set()
        late = first.result(timeout=30)

    assert second == {"sent": 1}
    assert late == {"superseded": 1}
    [message] = slack.messages_in(f"D{user}")
    assert message["metadata"]["event_payload"]["idempotency_key"] == key
    [row] = _rows(container)
    assert (row.status, row.slack_ts) == ("sent", message["ts"])
