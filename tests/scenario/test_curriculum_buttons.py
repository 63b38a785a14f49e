"""Done, Snooze and Not relevant through real button payloads: what the reply says, what the database
holds, and what the curriculum sends next. Every message says in its metadata what it carries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.requests import block_actions_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import PracticeTask
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET, enroll_everyone
from tests.helpers import all_text

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Vienna: Anna's nudge
DATE_TOKEN = re.compile(r"<!date\^(\d+)\^")


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    tick(delivery=container.delivery, now=NOW + timedelta(hours=5))  # welcomes
    return container


def test_snooze_says_the_deadline_it_stored_a_week_after_the_one_the_nudge_gave(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)
    nudge = _last(slack, "DU0ANNA", "nudge")
    promised = _task_deadline(nudge)

    reply = _click(base_url, slack, "U0ANNA", "task_snooze", nudge)

    with Session(enrolled.engine) as session:
        task = session.get(PracticeTask, int(_button(nudge, "task_snooze")))
        assert task is not None and task.response == "snoozed"
        stored = int(task.deadline.timestamp())
    assert "Um eine Woche verschoben" in reply["text"]
    assert _dates(reply["text"]) == [stored] and stored == promised + 7 * 86400


def test_done_says_when_it_will_be_checked_and_the_next_nudge_gives_the_result(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)
    nudge = _last(slack, "DU0ANNA", "nudge")
    deadline = _task_deadline(nudge)

    reply = _click(base_url, slack, "U0ANNA", "task_done", nudge)
    for week in (1, 2):
        tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(weeks=week))

    note = all_text(reply)
    assert "Ich schaue am" in note and "im CRM nach" in note and "gut gemacht" not in note
    assert _dates(note)[-1] == deadline
    checked = [
        n for n in _all(slack, "DU0ANNA", "nudge")[1:] if "Deine Übungen, im CRM nachgeschaut" in all_text(n)
    ]
    assert checked, "a later nudge reports the checked result"
    result_line = next(line for line in all_text(checked[0]).splitlines() if "→" in line)
    assert re.search(r"\d+ → \d+", result_line)


def test_two_not_relevant_in_a_topic_rest_it_for_four_weeks(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    rested_topic, rested_at, answered = None, None, 0
    for week in range(8):
        moment = MONDAY_0800_UTC + timedelta(weeks=week)
        before = len(slack.messages_in("DU0ANNA"))
        for day in range(0, 5):
            tick(delivery=enrolled.delivery, now=moment + timedelta(days=day, hours=1))
        for message in slack.messages_in("DU0ANNA")[before:]:
            if rested_topic is None and _has_buttons(message):
                reply = _click(base_url, slack, "U0ANNA", "task_not_relevant", message)
                answered += 1
                if "vier Wochen ruhen" in all_text(reply):
                    rested_topic = _metadata(message)["topic"]
                    rested_at = week
        if rested_topic is not None and rested_at is not None and week > rested_at:
            later = slack.messages_in("DU0ANNA")[before:]
            topics = {_metadata(m).get("topic") for m in later if _metadata(m)["kind"] in ("nudge", "lesson")}
            if week < rested_at + 4:
                assert rested_topic not in topics, (week, rested_topic)
    assert rested_topic is not None, f"{answered} 'not relevant' answers never rested a topic"


def test_every_nudge_and_micro_lesson_says_its_kind_lesson_and_focus_in_the_metadata(
    enrolled: Container, slack: SlackStandIn
) -> None:
    for day in range(0, 5):
        tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(days=day, hours=1))

    sent = [m for m in slack.messages_in("DU0ANNA") if _metadata(m)["kind"] in ("nudge", "lesson")]
    assert len(sent) >= 2
    for message in sent:
        meta = _metadata(message)
        assert meta["idempotency_key"].endswith(meta["kind"] + ":" + meta["idempotency_key"].split(":")[-1])
        assert set(meta) >= {"kind", "lesson_id", "focus", "idempotency_key"}
        if meta["lesson_id"]:
            assert meta["lesson_id"] in all_text(message) or meta["kind"] == "nudge"


def test_open_tasks_never_exceed_two_for_a_manager_who_ignores_everything(
    container: Container, slack: SlackStandIn
) -> None:
    ignoring = container
    enroll_everyone(ignoring, team_id=slack.team_id, now=NOW)
    for day in range(0, 28):
        tick(delivery=ignoring.delivery, now=MONDAY_0800_UTC + timedelta(days=day, hours=1))
        with Session(ignoring.engine) as session:
            for manager_id in {t.manager_id for t in session.scalars(select(PracticeTask))}:
                still_open = session.scalars(
                    select(PracticeTask).where(
                        PracticeTask.manager_id == manager_id,
                        PracticeTask.response == "open",
                        PracticeTask.result.is_(None),
                    )
                ).all()
                assert len(still_open) <= 2, (day, manager_id)


def _metadata(message: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = message["metadata"]["event_payload"]
    return payload


def _all(slack: SlackStandIn, channel: str, kind: str) -> list[dict[str, Any]]:
    return [m for m in slack.messages_in(channel) if _metadata(m)["kind"] == kind]


def _last(slack: SlackStandIn, channel: str, kind: str) -> dict[str, Any]:
    return _all(slack, channel, kind)[-1]


def _has_buttons(message: dict[str, Any]) -> bool:
    return any(block.get("block_id") == "task_actions" for block in message["blocks"])


def _task_deadline(message: dict[str, Any]) -> int:
    """The deadline the message states in its practice-task heading."""
    for block in message["blocks"]:
        text = (block.get("text") or {}).get("text", "")
        if text.startswith("*Deine Übung (bis") or text.startswith("*Your practice task (until"):
            return _dates(text)[0]
    raise AssertionError("no practice task in the message")


def _dates(text: str) -> list[int]:
    return [int(stamp) for stamp in DATE_TOKEN.findall(text)]


def _button(message: dict[str, Any], action: str) -> str:
    actions = next(b for b in message["blocks"] if b.get("block_id") == "task_actions")
    return str(next(e["value"] for e in actions["elements"] if e["action_id"] == action))


def _click(
    base_url: str, slack: SlackStandIn, user: str, action: str, message: dict[str, Any]
) -> dict[str, Any]:
    value = _button(message, action)
    before = len(slack.calls_to("response_url"))
    body = block_actions_body(
        team_id=slack.team_id,
        user_id=user,
        action_id=action,
        value=value,
        response_url=slack.response_url(),
        message=message,
        channel_id=f"D{user}",
        block_id="task_actions",
    )
    assert post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET).status == 200
    params: dict[str, Any] = slack.wait_for("response_url", count=before + 1)[-1].params
    if "text" not in params:
        params["text"] = all_text(params)
    return params
