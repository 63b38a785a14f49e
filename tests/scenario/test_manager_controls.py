"""Managers steer their coaching: settings, pause, unsubscribe/subscribe, and the task buttons."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.coaching.preferences import pause, set_subscribed
from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.requests import block_actions_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.delivery_models import PracticeTask, Subscription
from bot.store.models import Manager
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET, enroll_everyone
from tests.helpers import all_text, command, final_reply, reply

WEDNESDAY_0730_UTC = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # 08:30 in Vienna
MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    tick(delivery=container.delivery, now=NOW + timedelta(hours=5))  # welcomes
    return container


def _subscription(container: Container, user: str) -> Subscription:
    with Session(container.engine) as session:
        manager_id = session.scalar(select(Manager.id).where(Manager.slack_user_id == user))
        return session.scalars(select(Subscription).where(Subscription.manager_id == manager_id)).one()


def test_settings_show_and_change_the_schedule(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    shown = command(base_url, slack, "U0ANNA", "settings")
    changed = command(base_url, slack, "U0ANNA", "settings nudge mittwoch 08:30")
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)
    tick(delivery=enrolled.delivery, now=WEDNESDAY_0730_UTC)

    assert "Deine CRM-Coach-Einstellungen" in all_text(shown.json()) and "Montag um 09:00" in all_text(
        shown.json()
    )
    assert "Gespeichert." in all_text(changed.json()) and "Mittwoch um 08:30" in all_text(changed.json())
    nudges = [m for m in slack.messages_in("DU0ANNA") if m["metadata"]["event_payload"]["kind"] == "nudge"]
    assert len(nudges) == 1 and nudges[0]["ts"]  # on Wednesday, not Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("settings nudge someday 9", "Nenne einen Tag und eine Uhrzeit"),
        ("settings language klingonisch", "Wähle `de`, `en` oder `auto`"),
        ("pause until 2020-01-01", "liegt nicht in der Zukunft"),
        ("pause until Weihnachten", "ist kein Datum"),
    ],
)
def test_bad_settings_are_explained_and_change_nothing(
    enrolled: Container, base_url: str, slack: SlackStandIn, text: str, expected: str
) -> None:
    before = _subscription(enrolled, "U0ANNA")

    reply = command(base_url, slack, "U0ANNA", text)

    assert expected in all_text(reply.json())
    after = _subscription(enrolled, "U0ANNA")
    assert (after.nudge_weekday, after.paused_until) == (before.nudge_weekday, before.paused_until)


def test_pause_and_unsubscribe_stop_messages_resume_brings_them_back(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    paused = command(base_url, slack, "U0JAMES", "pause until 2026-12-06")
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(hours=6))
    command(base_url, slack, "U0JAMES", "resume")
    left = command(base_url, slack, "U0JAMES", "unsubscribe")
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(days=7, hours=6))

    assert "Paused until Dec 6, 2026" in all_text(paused.json()) and "Unsubscribed" in all_text(left.json())
    keys = [
        m["metadata"]["event_payload"]["idempotency_key"].split(":", 2)[2]
        for m in slack.messages_in("DU0JAMES")
    ]
    assert keys == ["welcome:welcome", "nudge:2026-W48"]  # nothing while paused (W49) or unsubscribed (W50)


def test_a_linked_manager_can_subscribe_themselves(
    container: Container, base_url: str, slack: SlackStandIn
) -> None:
    command(base_url, slack, "U0JAMES", "subscribe")

    assert "Subscribed" in all_text(final_reply(slack))
    tick(delivery=container.delivery, now=NOW + timedelta(hours=4))
    assert "Hi James, I'm your CRM Coach" in all_text(slack.messages_in("DU0JAMES")[0])


def _click(base_url: str, slack: SlackStandIn, user: str, action: str, message: dict[str, object]) -> None:
    value = next(e["value"] for e in message["blocks"][-2]["elements"] if e["action_id"] == action)  # type: ignore[index]
    body = block_actions_body(
        team_id=slack.team_id,
        user_id=user,
        action_id=action,
        value=value,
        response_url=slack.response_url(),
        message=message,
        channel_id="DU0ANNA",
        block_id="task_actions",
    )
    assert post_signed(base_url + EVENTS_PATH, body, secret=SIGNING_SECRET).status == 200


def test_task_buttons_are_recorded_once_and_answered_in_place(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)
    nudge = slack.messages_in("DU0ANNA")[-1]

    _click(base_url, slack, "U0ANNA", "task_done", nudge)
    replaced = slack.wait_for("response_url")[0].params
    _click(base_url, slack, "U0ANNA", "task_snooze", nudge)
    _click(base_url, slack, "U0JAMES", "task_done", nudge)
    replies = [call.params for call in slack.wait_for("response_url", count=3)]

    assert replaced["replace_original"] is True
    assert all(block.get("block_id") != "task_actions" for block in replaced["blocks"])
    assert "Als erledigt vermerkt" in all_text(replaced)
    assert "Darauf hast du schon geantwortet (erledigt)" in replies[1]["text"]
    assert "belongs to someone else" in replies[2]["text"]
    with Session(enrolled.engine) as session:
        responses = [task.response for task in session.scalars(select(PracticeTask))]
    assert "done" in responses and "snoozed" not in responses


def test_a_time_outside_the_window_or_in_quiet_hours_is_refused(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    late = command(base_url, slack, "U0JAMES", "settings nudge monday 20:00")
    command(base_url, slack, "U0JAMES", "settings quiet 09:00-10:00")

    assert "20:00 is outside the delivery window (08:00-18:00)" in all_text(late.json())
    assert _subscription(enrolled, "U0JAMES").nudge_time is None  # unchanged: still the workspace default
    with Session(enrolled.engine) as session:
        james = session.scalars(select(Subscription)).all()
    assert all(s.quiet_hours is None for s in james)  # 09:00-10:00 would swallow the Monday 09:00 nudge


def test_a_stranger_gets_exactly_one_answer_to_a_settings_command(base_url: str, slack: SlackStandIn) -> None:
    ack = command(base_url, slack, "U0PAT", "unsubscribe")
    answer = reply(slack)  # after a first look at their profile, in their language
    time.sleep(0.3)  # a second, contradicting answer would have been posted by now

    assert ack.status == 200 and ack.body == ""
    assert "not receiving coaching messages yet" in all_text(answer)
    assert len(slack.calls_to("response_url")) == 1


def test_snooze_keeps_the_buttons_so_done_still_works(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)
    nudge = slack.messages_in("DU0ANNA")[-1]

    _click(base_url, slack, "U0ANNA", "task_snooze", nudge)
    snoozed = slack.wait_for("response_url")[0].params
    _click(base_url, slack, "U0ANNA", "task_done", nudge)
    done = slack.wait_for("response_url", count=2)[1].params

    assert "replace_original" not in snoozed and "Die Buttons bleiben" in snoozed["text"]
    assert done["replace_original"] is True
    with Session(enrolled.engine) as session:
        anna = session.scalars(select(PracticeTask)).all()
    assert [task.response for task in anna if task.response != "open"] == ["done"]


def test_resuming_in_the_evening_does_not_send_the_mornings_nudge(
    enrolled: Container, slack: SlackStandIn
) -> None:
    _pause_directly(enrolled, "U0ANNA", datetime(2026, 12, 5, tzinfo=UTC))
    evening = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # 19:00 in Vienna, after the 09:00 nudge
    set_subscribed(enrolled.sessions, team_id=slack.team_id, user_id="U0ANNA", subscribed=True, now=evening)

    tick(delivery=enrolled.delivery, now=evening + timedelta(minutes=1))
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC + timedelta(days=7))

    keys = [
        m["metadata"]["event_payload"]["idempotency_key"].split(":", 2)[2]
        for m in slack.messages_in("DU0ANNA")
    ]
    assert keys == ["welcome:welcome", "nudge:2026-W50"]


def test_a_pause_ends_at_midnight_in_the_managers_own_timezone(
    enrolled: Container, slack: SlackStandIn
) -> None:
    pause(
        enrolled.sessions,
        enrolled.settings,
        team_id=slack.team_id,
        user_id="U0JAMES",
        until="bis 2026-12-24",
        now=NOW,
    )

    with Session(enrolled.engine) as session:
        ends = {s.manager_id: s.paused_until for s in session.scalars(select(Subscription))}
    assert datetime(2026, 12, 25, 5, 0, tzinfo=UTC) in ends.values()  # 00:00 on Dec 25 in New York


def _pause_directly(container: Container, user: str, until: datetime) -> None:
    with Session(container.engine) as session:
        manager_id = session.scalar(select(Manager.id).where(Manager.slack_user_id == user))
        session.execute(
            update(Subscription).where(Subscription.manager_id == manager_id).values(paused_until=until)
        )
        session.commit()


def test_a_language_change_counts_from_the_very_next_command(
    enrolled: Container, base_url: str, slack: SlackStandIn
) -> None:
    before = command(base_url, slack, "U0JAMES", "help")  # the web process remembers: English

    changed = command(base_url, slack, "U0JAMES", "settings language de")
    after = command(base_url, slack, "U0JAMES", "help")

    assert "What you can ask me" in all_text(before.json())
    assert "Gespeichert." in all_text(changed.json())
    assert "Was du mich fragen kannst" in all_text(after.json())
