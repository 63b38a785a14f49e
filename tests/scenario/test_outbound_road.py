"""One road out: a broadcast posted now, a notice to one person and the answer to a DM are outbox rows,
sent at once by the same sender as scheduled coaching, each with its idempotency key in the metadata,
never twice, with the outbox's handling of rate limits and uncertain failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.delivery import notices, outbound, outbox
from bot.delivery.worker import delivery_client, drain, tick
from bot.demo.standins.slack import SlackStandIn
from bot.render.kit import inert
from bot.store.coach_models import Broadcast
from bot.store.delivery_models import OutboxMessage
from tests.conftest import NOW, ServerFactory, with_coach
from tests.helpers import all_text, command, direct_message, final_reply, outbox_rows

LESSON = "pipeline-review-stale-first"


@pytest.fixture
def coached(container: Container, slack: SlackStandIn) -> Container:
    return with_coach(container, slack)


@pytest.fixture
def url(coached: Container, serve: ServerFactory) -> str:
    return serve(coached)


def _rows(container: Container, kind: str) -> list[OutboxMessage]:
    return outbox_rows(container.engine, kind)


def _key(message: dict[str, Any]) -> str:
    return str(message["metadata"]["event_payload"]["idempotency_key"])


def test_a_broadcast_posted_now_is_an_outbox_row_that_no_worker_sends_again(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    command(url, slack, "U0COACH", f"broadcast <#C0SALES|sales-leads> {LESSON}")
    assert "Posted to <#C0SALES>" in all_text(final_reply(slack))

    _, outcomes = tick(delivery=coached.delivery, now=NOW)  # a worker comes by afterwards

    [posted] = slack.messages_in("C0SALES")
    [row] = _rows(coached, "broadcast")
    assert (row.status, row.slack_ts, row.slack_channel) == ("sent", posted["ts"], "C0SALES")
    assert _key(posted) == row.idempotency_key and posted["metadata"]["event_type"] == "crmcoach_broadcast"
    with Session(coached.engine) as session:
        broadcast = session.scalars(select(Broadcast)).one()
    assert (broadcast.status, broadcast.message_ts) == ("posted", posted["ts"])
    assert posted["metadata"]["event_payload"]["broadcast_id"] == broadcast.id
    assert outcomes == {}


def test_a_broadcast_rate_limited_for_a_moment_goes_out_after_retry_after(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    slack.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1, channel="C0SALES")

    command(url, slack, "U0COACH", f"broadcast <#C0SALES|sales-leads> {LESSON}")

    assert "Posted to <#C0SALES>" in all_text(final_reply(slack, timeout=20))
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(slack.messages_in("C0SALES")) == 1


def test_a_broadcast_slack_refuses_tells_the_coach_now_and_is_not_posted_later(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    slack.add_channel("C0SECRET", "secret", bot_is_member=False)

    command(url, slack, "U0COACH", f"broadcast <#C0SECRET|secret> {LESSON}")

    assert "Invite me with `/invite @CRM Coach`" in all_text(final_reply(slack))
    _, outcomes = tick(delivery=coached.delivery, now=NOW)
    [row] = _rows(coached, "broadcast")
    assert (row.status, row.last_error) == ("failed", "not_in_channel")
    assert outcomes == {} and slack.messages_in("DU0COACH") == []  # no second word in a DM


def test_an_answer_slack_may_have_posted_is_found_in_the_dm_not_posted_again(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    slack.fail_next("chat.postMessage", status=500, channel="DU0JAMES", take_effect=True)  # posted, yet 500

    direct_message(url, slack, "U0JAMES", "how do I get my team to log their calls?", event_id="Ev7")
    slack.wait_for("conversations.history", timeout=20)  # the retry looks first
    # Between the failed post and the retry's look into the DM, the row waits as pending: wait for "sent".
    row = _first_row_when(coached, "answer", lambda row: row.status == "sent")

    [answer] = slack.messages_in("DU0JAMES")
    assert "Lessons: activity-logging-" in all_text(answer)
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [500]
    assert row.idempotency_key == "T0TEST:answer:Ev7" == _key(answer)
    assert (row.status, row.slack_ts) == ("sent", answer["ts"])
    assert "message" not in row.payload  # the answer is in Slack; the outbox keeps no copy


def _first_row_when(
    container: Container, kind: str, ready: Callable[[OutboxMessage], bool], timeout: float = 20.0
) -> OutboxMessage:
    """The first row of `kind` once `ready` says so."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = _rows(container, kind)
        if rows and ready(rows[0]):
            return rows[0]
        time.sleep(0.05)
    raise TimeoutError(f"the {kind} row never got there: {[(r.status, r.last_error) for r in rows]}")


def _waiting(container: Container, kind: str) -> OutboxMessage:
    """The row of `kind` once a first attempt failed and it waits for a later one."""
    return _first_row_when(container, kind, lambda row: row.status == "pending" and bool(row.last_error))


def test_a_dm_answer_waits_in_the_outbox_as_data_and_is_rendered_when_it_goes_out(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    slack.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=600, channel="DU0JAMES")

    direct_message(url, slack, "U0JAMES", "how do I get my team to log their calls?", event_id="Ev8")
    waiting = _waiting(coached, "answer")

    record = waiting.payload["message"]["answer"]
    assert list(waiting.payload["message"]) == ["answer"]  # no Block Kit in the database
    assert (record["source"], record["language"], record["kind"]) == ("offline", "en", "coaching")
    assert "activity-logging-" in record["text"]
    assert slack.messages_in("DU0JAMES") == []

    tick(delivery=coached.delivery, now=NOW + timedelta(minutes=11))  # Retry-After has passed

    [answer] = slack.messages_in("DU0JAMES")
    assert answer["text"] == inert(record["text"])
    assert [block["type"] for block in answer["blocks"]][-1] == "context"  # where the answer came from
    assert "Lessons: activity-logging-" in all_text(answer)
    assert _key(answer) == "T0TEST:answer:Ev8" and answer["metadata"]["event_type"] == "crmcoach_answer"
    [row] = _rows(coached, "answer")
    assert (row.status, row.slack_ts) == ("sent", answer["ts"]) and "message" not in row.payload


def test_an_answer_stored_already_rendered_is_posted_as_it_was_stored(
    coached: Container, slack: SlackStandIn
) -> None:
    """Rows recorded before answers were kept as data hold the rendered message: it still goes out."""
    rendered = {
        "text": "Log each call right after it.",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "Log each call right after it."}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "From the lessons"}]},
        ],
    }
    outgoing = outbox.Outgoing(
        team_id=slack.team_id,
        recipient="U0JAMES",
        kind="answer",
        idempotency_key="T0TEST:answer:EvOld",
        channel="DU0JAMES",
        payload={"message": rendered},
        deadline=outbound.ANSWER_DEADLINE,
    )
    row_id = outbox.record_now(coached.sessions, outgoing, now=coached.clock())

    assert outbound.deliver_now(delivery=coached.delivery, row_id=row_id).status == "sent"

    [answer] = slack.messages_in("DU0JAMES")
    assert (answer["text"], answer["blocks"]) == (rendered["text"], rendered["blocks"])
    assert _key(answer) == "T0TEST:answer:EvOld"


def test_a_worker_racing_for_a_row_recorded_now_does_not_post_it_twice(
    coached: Container, slack: SlackStandIn
) -> None:
    for number in range(5):
        row_id = notices.record_notice(
            coached.sessions,
            team_id=slack.team_id,
            user_id="U0ANNA",
            text=f"notice {number}",
            now=coached.clock(),
        )
        client = delivery_client(coached.delivery)
        workers = [
            threading.Thread(
                target=drain, kwargs={"delivery": coached.delivery, "client": client, "now": coached.clock}
            )
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        outcome = outbound.deliver_now(delivery=coached.delivery, row_id=row_id)
        for worker in workers:
            worker.join()
        assert outcome.status in ("sent", "taken")

    texts = sorted(message["text"] for message in slack.messages_in("DU0ANNA"))
    assert texts == [f"notice {number}" for number in range(5)]
    assert all(row.status == "sent" for row in _rows(coached, "notice"))


def test_a_notice_to_someone_slack_cannot_reach_fails_at_once_and_says_why(
    coached: Container, slack: SlackStandIn
) -> None:
    slack.fail_next("chat.postMessage", error="user_not_found", channel="U0PAT")

    outcome = outbound.notify(delivery=coached.delivery, team_id=slack.team_id, user_id="U0PAT", text="hello")

    assert (outcome.status, outcome.error) == ("failed", "user_not_found")
    [row] = _rows(coached, "notice")
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "user_not_found")
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_recording_the_same_key_again_sends_the_message_once(coached: Container, slack: SlackStandIn) -> None:
    first = outbound.notify(
        delivery=coached.delivery, team_id=slack.team_id, user_id="U0ANNA", text="once", key="k1"
    )
    again = outbound.notify(
        delivery=coached.delivery, team_id=slack.team_id, user_id="U0ANNA", text="once", key="k1"
    )

    assert (first.status, again.status) == ("sent", "taken")
    assert [message["text"] for message in slack.messages_in("DU0ANNA")] == ["once"]
    [row] = _rows(coached, "notice")
    assert row.idempotency_key == "T0TEST:notice:U0ANNA:k1" == _key(slack.messages_in("DU0ANNA")[0])
    assert outbox.claim(coached.sessions, worker="late", now=coached.clock()) == []
