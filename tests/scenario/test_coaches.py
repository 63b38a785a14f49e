"""Coaches: the role, broadcasting exercises, Done / I need help, thread submissions, team progress."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.container import Container
from bot.demo.standins.requests import block_actions_body, event_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.store.coach_models import Broadcast, BroadcastResponse
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET, ServerFactory, enroll_everyone, with_coach
from tests.helpers import all_text, command, final_reply


@pytest.fixture
def coach_url(container: Container, serve: ServerFactory, slack: SlackStandIn) -> str:
    slack.add_channel("C0SECRET", "secret", bot_is_member=False)
    slack.add_channel("C0OLD", "old", archived=True)
    return serve(with_coach(container, slack))


def _ack_text(result: Any) -> str:
    return all_text(result.json()) if result.body.startswith("{") else result.body


def _broadcast(url: str, slack: SlackStandIn, text: str, user: str = "U0COACH") -> str:
    ack = command(url, slack, user, f"broadcast {text}")
    return _ack_text(ack) if "Only coaches" in _ack_text(ack) else all_text(final_reply(slack))


def _click(url: str, slack: SlackStandIn, user: str, action: str) -> dict[str, Any]:
    message = slack.messages_in("C0SALES")[-1]
    value = next(
        e["value"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action
    )
    before = len(slack.calls_to("response_url"))
    body = block_actions_body(
        team_id=slack.team_id,
        user_id=user,
        action_id=action,
        value=value,
        response_url=slack.response_url(),
        message=message,
        channel_id="C0SALES",
    )
    post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET)
    return slack.wait_for("response_url", count=before + 1)[-1].params


def test_only_coaches_may_broadcast_and_are_told_who_grants_it(coach_url: str, slack: SlackStandIn) -> None:
    text = _broadcast(coach_url, slack, "<#C0SALES|sales-leads> pipeline-review-stale-first", user="U0JAMES")

    assert "Only coaches can broadcast exercises" in text and "CRMCOACH_COACHES" in text
    assert slack.messages_in("C0SALES") == []


def test_a_lesson_is_broadcast_with_task_reflection_and_buttons(
    coach_url: str, slack: SlackStandIn, container: Container
) -> None:
    reply = _broadcast(coach_url, slack, "<#C0SALES|sales-leads> pipeline-review-stale-first")

    assert "Posted to <#C0SALES>" in reply
    [posted] = slack.messages_in("C0SALES")
    text = all_text(posted)
    lesson = container.answers.library.get("pipeline-review-stale-first", "en")
    assert lesson is not None and f"Exercise: {lesson.title}" in text and lesson.practice in text
    assert lesson.reflection in text and "<@U0COACH>" in text
    with Session(container.engine) as session:
        broadcast = session.scalars(select(Broadcast)).one()
    assert (broadcast.status, broadcast.message_ts) == ("posted", posted["ts"])
    values = {e["value"] for b in posted["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert values == {str(broadcast.id)}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("<#C0SALES|sales-leads> no-such-lesson", "There is no lesson `no-such-lesson`"),
        ("<#C0SECRET|secret> pipeline-review-stale-first", "Invite me with `/invite @CRM Coach`"),
        ("<#C0OLD|old> pipeline-review-stale-first", "is archived"),
        ("sales-leads pipeline-review-stale-first", "Say where and what"),
    ],
)
def test_broadcast_problems_tell_the_coach_the_fix(
    coach_url: str, slack: SlackStandIn, container: Container, target: str, expected: str
) -> None:
    reply = _broadcast(coach_url, slack, target)

    assert expected in reply
    assert slack.messages_in("C0SALES") == []


def test_done_is_recorded_once_and_help_reaches_the_coach_once(
    coach_url: str, slack: SlackStandIn, container: Container
) -> None:
    _broadcast(coach_url, slack, "<#C0SALES|sales-leads> Log every customer call this week\nOne line each.")

    first = _click(coach_url, slack, "U0ANNA", "broadcast_done")
    second = _click(coach_url, slack, "U0ANNA", "broadcast_done")
    _click(coach_url, slack, "U0JAMES", "broadcast_help")
    again = _click(coach_url, slack, "U0JAMES", "broadcast_help")

    assert "Recorded" in first["text"] and "already marked this exercise as done" in second["text"]
    assert "already knows" in again["text"]
    [note] = slack.messages_in("DU0COACH")
    assert "<@U0JAMES> asked for help with the exercise *Log every customer call this week*" in note["text"]
    assert "https://standin.slack.com/archives/C0SALES/p" in note["text"]
    with Session(container.engine) as session:
        kinds = sorted((r.user_id, r.kind) for r in session.scalars(select(BroadcastResponse)))
    assert kinds == [("U0ANNA", "done"), ("U0JAMES", "help")]


def test_help_names_the_channel_when_slack_gives_no_link_to_the_exercise(
    coach_url: str, slack: SlackStandIn
) -> None:
    _broadcast(coach_url, slack, "<#C0SALES|sales-leads> Log every customer call this week")
    slack.fail_next("chat.getPermalink", error="message_not_found")

    reply = _click(coach_url, slack, "U0JAMES", "broadcast_help")

    assert "coach" in reply["text"].lower()
    [note] = slack.messages_in("DU0COACH")
    assert "<#C0SALES>" in note["text"] and "archives" not in note["text"]


def test_thread_replies_are_collected_once_as_submissions(
    coach_url: str, slack: SlackStandIn, container: Container
) -> None:
    _broadcast(coach_url, slack, "<#C0SALES|sales-leads> pipeline-review-stale-first")
    posted_ts = slack.messages_in("C0SALES")[0]["ts"]

    def reply(event_id: str, thread_ts: str) -> None:
        event = {
            "type": "message",
            "channel_type": "channel",
            "channel": "C0SALES",
            "user": "U0ANNA",
            "text": "Did it: 4 stale deals revived",
            "ts": "1800000000.000300",
            "thread_ts": thread_ts,
        }
        post_signed(
            coach_url + EVENTS_PATH,
            event_body(team_id=slack.team_id, event=event, event_id=event_id),
            secret=SIGNING_SECRET,
            content_type="application/json",
        )

    reply("Ev10", posted_ts)
    reply("Ev10", posted_ts)  # Slack's retry of the same delivery
    reply("Ev11", "1111.2222")  # a reply in some other thread
    time.sleep(0.3)

    with Session(container.engine) as session:
        rows = session.scalars(select(BroadcastResponse)).all()
    assert [(r.user_id, r.kind, r.text) for r in rows] == [
        ("U0ANNA", "submission", "Did it: 4 stale deals revived")
    ]


def test_the_team_view_shows_each_enrolled_manager_to_coaches_only(
    coach_url: str, slack: SlackStandIn, container: Container
) -> None:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    _broadcast(coach_url, slack, "<#C0SALES|sales-leads> pipeline-review-stale-first")
    _click(coach_url, slack, "U0ANNA", "broadcast_done")

    view = _ack_text(command(coach_url, slack, "U0COACH", "team"))
    refused = _ack_text(command(coach_url, slack, "U0ANNA", "team"))

    assert "Team progress" in view and "*Anna Berger*" in view and "*James Miller*" in view
    assert "exercises 1" in view.split("*James Miller*")[0]  # Anna's line
    assert "Page 1 of 1" in view
    assert "Nur Coaches können den Fortschritt des Teams sehen" in refused


def test_team_export_uploads_a_csv_to_the_coachs_dm(
    coach_url: str, slack: SlackStandIn, container: Container
) -> None:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)

    command(coach_url, slack, "U0COACH", "team export")

    assert "sent the CSV to our direct messages" in all_text(final_reply(slack))
    [shared] = slack.messages_in("DU0COACH")
    [upload] = slack.uploads.values()
    assert shared["files"][0]["name"].startswith("crm-coach-team-") and upload["shared_to"] == "DU0COACH"
    lines = upload["content"].decode().splitlines()
    assert lines[0].startswith("manager,slack_user_id,lessons_completed")
    assert any(line.startswith("Anna Berger,U0ANNA,0,0,0,0,") for line in lines)


def test_a_failed_export_is_explained(coach_url: str, slack: SlackStandIn) -> None:
    slack.fail_next("files.completeUploadExternal", error="internal_error")

    command(coach_url, slack, "U0COACH", "team export")

    assert "couldn't upload the CSV" in all_text(final_reply(slack))


def test_a_reply_also_sent_to_the_channel_is_a_submission_too(
    coach_url: str, slack: SlackStandIn, container: Container
) -> None:
    _broadcast(coach_url, slack, "<#C0SALES|sales-leads> pipeline-review-stale-first")
    posted_ts = slack.messages_in("C0SALES")[0]["ts"]
    event = {
        "type": "message",
        "subtype": "thread_broadcast",
        "channel_type": "channel",
        "channel": "C0SALES",
        "user": "U0JAMES",
        "text": "Done, see the thread",
        "ts": "1800000000.000400",
        "thread_ts": posted_ts,
    }

    post_signed(
        coach_url + EVENTS_PATH,
        event_body(team_id=slack.team_id, event=event, event_id="Ev20"),
        secret=SIGNING_SECRET,
        content_type="application/json",
    )
    time.sleep(0.3)

    with Session(container.engine) as session:
        rows = session.scalars(select(BroadcastResponse)).all()
    assert [(r.user_id, r.kind) for r in rows] == [("U0JAMES", "submission")]


def test_a_click_on_an_exercise_that_no_longer_exists_says_so(coach_url: str, slack: SlackStandIn) -> None:
    message = {"ts": "1.0", "text": "old", "blocks": []}
    body = block_actions_body(
        team_id=slack.team_id,
        user_id="U0ANNA",
        action_id="broadcast_done",
        value="999",
        response_url=slack.response_url(),
        message=message,
        channel_id="C0SALES",
    )

    post_signed(coach_url + EVENTS_PATH, body, secret=SIGNING_SECRET)

    assert "no longer available" in all_text(slack.wait_for("response_url")[0].params)
