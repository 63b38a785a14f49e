"""`/crmcoach ask` and direct messages: coaching with the asker's own numbers, in their language."""

from __future__ import annotations

import time

from bot.container import Container
from bot.demo.standins.requests import event_body, post_signed
from bot.demo.standins.slack import SlackStandIn
from bot.web import EVENTS_PATH
from tests.conftest import NOW, SIGNING_SECRET
from tests.helpers import all_text, command, direct_message, final_reply
from tests.oracle import expected_stats


def test_ask_answers_with_a_lesson_and_the_askers_numbers(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    command(base_url, slack, "U0JAMES", "ask half of our deals have no next step, what do I do?")

    message = final_reply(slack)
    text = all_text(message)
    want = expected_stats(container.engine, "M00002", NOW)
    assert "*Your numbers*" in text and f"of your {want.open_deals} open deals" in text
    assert "*Practice this week*" in text and "Lessons: next-steps-" in text
    assert message["response_type"] == "ephemeral"


def test_ask_in_german_for_a_german_slack_user(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0ANNA", "ask Wie wird mein Forecast genauer?")

    text = all_text(final_reply(slack))
    assert "*Übung für diese Woche*" in text and "Lektionen: forecasting-" in text


def test_ask_without_a_crm_link_still_coaches(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0PAT", "ask how should I run my pipeline review?")

    text = all_text(final_reply(slack))
    assert "Lessons: pipeline-review-" in text
    assert "Link your CRM user" in text


def test_ask_without_a_question_explains_how(base_url: str, slack: SlackStandIn) -> None:
    command(base_url, slack, "U0JAMES", "stats")
    final_reply(slack)

    ack = command(base_url, slack, "U0JAMES", "ask")

    assert "Ask me something, for example" in ack.body


def test_a_direct_message_is_answered_once_even_when_slack_retries(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    first = direct_message(
        base_url, slack, "U0JAMES", "how do I get my team to log their calls?", event_id="Ev1"
    )
    [answer] = slack.wait_for("chat.postMessage")
    retried = direct_message(
        base_url, slack, "U0JAMES", "how do I get my team to log their calls?", event_id="Ev1", retry=1
    )
    time.sleep(0.5)  # a duplicate answer, had one been sent, would have arrived by now

    assert first.status == retried.status == 200
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert answer.params["channel"] == "DU0JAMES"
    assert "Lessons: activity-logging-" in all_text(answer.params)
    assert answer.params["metadata"]["event_type"] == "crmcoach_answer"
    assert answer.params["metadata"]["event_payload"] == {
        "idempotency_key": "T0TEST:answer:Ev1",
        "kind": "answer",
    }


def test_edits_and_channel_messages_are_not_questions(base_url: str, slack: SlackStandIn) -> None:
    channel = {
        "type": "message",
        "channel_type": "channel",
        "channel": "C1",
        "user": "U0JAMES",
        "text": "hi",
        "ts": "1.2",
        "event_ts": "1.2",
    }
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel_type": "im",
        "channel": "DU0JAMES",
        "message": {"type": "message", "user": "U0JAMES", "text": "how do I log calls?", "ts": "1.1"},
        "ts": "1.3",
        "event_ts": "1.3",
    }
    for event, event_id in ((channel, "Ev2"), (edit, "Ev3")):
        post_signed(
            base_url + EVENTS_PATH,
            event_body(team_id=slack.team_id, event=event, event_id=event_id),
            secret=SIGNING_SECRET,
            content_type="application/json",
        )
    time.sleep(0.3)

    assert slack.calls_to("chat.postMessage") == []


def test_a_german_question_from_an_english_profile_is_answered_in_german(
    base_url: str, slack: SlackStandIn
) -> None:
    command(
        base_url, slack, "U0JAMES", "ask Die Hälfte unserer Verkaufschancen hat keine Wiedervorlage, was tun?"
    )

    text = all_text(final_reply(slack))
    assert "*Deine Zahlen*" in text and "*Übung für diese Woche*" in text
    assert "Lektionen: next-steps-" in text and "Your numbers" not in text


def test_a_question_too_short_to_tell_is_answered_in_the_profile_language(
    base_url: str, slack: SlackStandIn
) -> None:
    command(base_url, slack, "U0ANNA", "ask 1:1?")

    text = all_text(final_reply(slack))
    assert "*Übung für diese Woche*" in text and "Lektionen: one-on-one-" in text
