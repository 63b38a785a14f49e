"""The broadcast composer modal and scheduled broadcasts: posted once, at the coach's local time."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.requests import (
    block_suggestion_payload,
    interaction_body,
    post_signed,
    view_submission_payload,
)
from bot.demo.standins.slack import SlackStandIn
from bot.web import EVENTS_PATH
from tests.conftest import SIGNING_SECRET, ServerFactory, reconfigured
from tests.helpers import all_text, command, reply, settled_outbox

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


@pytest.fixture
def coached(container: Container, slack: SlackStandIn) -> Container:
    slack.add_user(
        "U0COACH", name="Carla Coach", email="carla@example.com", tz="Europe/Berlin", locale="en-US"
    )
    slack.add_channel("C0SALES", "sales-leads")
    return reconfigured(container, slack, crmcoach_coaches="U0COACH")


@pytest.fixture
def url(coached: Container, serve: ServerFactory) -> str:
    return serve(coached)


def _values(
    *,
    lesson: str | None = None,
    text: str | None = None,
    when: str = "now",
    weekday: str | None = None,
    at: str | None = None,
    on_date: str | None = None,
    post_language: str | None = None,
) -> dict[str, Any]:
    return {
        "post_language": {
            "post_language": {
                "type": "static_select",
                "selected_option": {"value": post_language} if post_language else None,
            }
        },
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": "C0SALES"}},
        "lesson": {
            "lesson": {
                "type": "external_select",
                "selected_option": {"value": lesson, "text": {"type": "plain_text", "text": "x"}}
                if lesson
                else None,
            }
        },
        "text": {"text": {"type": "plain_text_input", "value": text}},
        "when": {"when": {"type": "radio_buttons", "selected_option": {"value": when}}},
        "date": {"date": {"type": "datepicker", "selected_date": on_date}},
        "time": {"time": {"type": "timepicker", "selected_time": at}},
        "weekday": {
            "weekday": {"type": "static_select", "selected_option": {"value": weekday} if weekday else None}
        },
    }


def _submit(url: str, slack: SlackStandIn, values: dict[str, Any]) -> Any:
    payload = view_submission_payload(
        team_id=slack.team_id,
        user_id="U0COACH",
        callback_id="broadcast_composer",
        values=values,
        private_metadata="en",
    )
    return post_signed(url + EVENTS_PATH, interaction_body(payload), secret=SIGNING_SECRET)


def test_the_composer_opens_for_a_coach(url: str, slack: SlackStandIn) -> None:
    command(url, slack, "U0COACH", "broadcast")

    [call] = slack.wait_for("views.open")
    assert call.params["trigger_id"] == "1337.42.abcd"
    view = call.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert view["callback_id"] == "broadcast_composer"
    assert [b["block_id"] for b in view["blocks"]] == [
        "channel",
        "lesson",
        "text",
        "post_language",
        "when",
        "date",
        "time",
        "weekday",
    ]


def test_lessons_are_searchable_by_title_or_topic_in_both_languages(url: str, slack: SlackStandIn) -> None:
    payload = block_suggestion_payload(
        team_id=slack.team_id, user_id="U0COACH", action_id="lesson", value="pipeline"
    )

    result = post_signed(url + EVENTS_PATH, interaction_body(payload), secret=SIGNING_SECRET)

    options = result.json()["options"]
    values = [option["value"] for option in options]
    assert "en:pipeline-review-stale-first" in values and "de:pipeline-review-stale-first" in values
    assert len(options) < 76 and all(  # filtered by the query: title, topic or id mention it
        "pipeline" in (option["text"]["text"] + option["value"]).lower() for option in options
    )


def test_send_now_posts_and_tells_the_coach(url: str, slack: SlackStandIn) -> None:
    result = _submit(url, slack, _values(lesson="de:pipeline-review-stale-first"))

    assert result.status == 200 and result.body == ""  # the modal closes
    [note] = slack.wait_for("chat.postMessage", count=2)[-1:]
    assert "Posted to <#C0SALES>" in note.params["text"]
    assert "Übung: " in all_text(slack.messages_in("C0SALES")[0])  # the German lesson, as picked


def test_missing_content_and_time_are_errors_in_the_modal(url: str, slack: SlackStandIn) -> None:
    result = _submit(url, slack, _values(when="weekly"))

    body = result.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"text", "time", "weekday"}
    assert slack.messages_in("C0SALES") == []


def test_a_weekly_schedule_posts_once_at_the_coachs_local_time_and_can_be_cancelled(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    _submit(
        url, slack, _values(lesson="en:pipeline-review-stale-first", when="weekly", weekday="0", at="09:00")
    )
    scheduled = slack.wait_for("chat.postMessage")[-1].params["text"]

    tick(delivery=coached.delivery, now=MONDAY_0800_UTC - timedelta(minutes=1))
    assert slack.messages_in("C0SALES") == []  # 08:59 in Berlin: not yet
    tick(delivery=coached.delivery, now=MONDAY_0800_UTC)
    tick(
        delivery=coached.delivery, now=MONDAY_0800_UTC + timedelta(minutes=5)
    )  # a restart re-plans: no duplicate
    command(
        url, slack, "U0COACH", "broadcasts"
    )  # their first command: answered once Slack says their language
    listed = all_text(reply(slack))
    number = scheduled.split("Scheduled as #")[1].split(" ")[0]
    cancelled = all_text(command(url, slack, "U0COACH", f"broadcasts cancel {number}").json())
    tick(delivery=coached.delivery, now=MONDAY_0800_UTC + timedelta(days=7))

    assert f"Scheduled as #{number} for <#C0SALES>" in scheduled
    [posted] = slack.messages_in("C0SALES")
    assert "Exercise: Start the review with the deals nobody touched" in all_text(posted)
    assert f"#{number} · <#C0SALES> · Start the review with the deals nobody touched · weekly" in listed
    assert f"Cancelled #{number}" in cancelled


@pytest.mark.parametrize(("when", "day"), [("weekly", {"weekday": "0"}), ("once", {"on_date": "2026-11-30"})])
def test_a_scheduled_broadcast_in_both_languages_posts_both_like_posting_now(
    url: str, slack: SlackStandIn, coached: Container, when: str, day: dict[str, str]
) -> None:
    result = _submit(
        url,
        slack,
        _values(lesson="de:pipeline-review-stale-first", when=when, at="09:00", post_language="both", **day),
    )
    scheduled = slack.wait_for("chat.postMessage")[-1].params["text"]

    tick(delivery=coached.delivery, now=MONDAY_0800_UTC)
    _submit(url, slack, _values(lesson="de:pipeline-review-stale-first", post_language="both"))
    slack.wait_for("chat.postMessage", count=4)

    assert result.status == 200 and result.body == ""  # no field error: the modal closes
    assert "Scheduled as #" in scheduled
    [from_schedule, posted_now] = slack.messages_in("C0SALES")
    text = all_text(from_schedule)
    # The coach's language (English) leads, the German lesson follows: exactly as when posting now.
    assert text.startswith("Exercise: Start the review with the deals nobody touched / Fang das Review"), text
    assert "Open this week's pipeline review" in text and "Beginne das Pipeline-Review" in text, text
    assert text == all_text(posted_now)


def test_a_scheduled_broadcast_the_bot_cannot_post_tells_the_coach(
    url: str, slack: SlackStandIn, coached: Container
) -> None:
    slack.add_channel("C0SALES", "sales-leads", bot_is_member=False)
    _submit(url, slack, _values(text="Log every call today", when="once", on_date="2026-11-30", at="09:00"))
    assert "Scheduled as #" in slack.wait_for("chat.postMessage")[-1].params["text"]  # done after the ack
    settled_outbox(coached.engine)  # the confirmation's sender has recorded it as sent

    _, outcomes = tick(delivery=coached.delivery, now=MONDAY_0800_UTC)

    assert outcomes == {"failed": 1, "sent": 1}  # the broadcast, then the notice that tells the coach
    note = slack.messages_in("DU0COACH")[-1]
    assert "Invite me with `/invite @CRM Coach`" in note["text"]
    # Recorded by the one notice function, like every other notice to one person.
    assert note["metadata"]["event_payload"]["idempotency_key"].startswith(f"{slack.team_id}:notice:U0COACH:")
