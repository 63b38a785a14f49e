"""What a coach and a German team meet on day one (issue 11): the composer's own text, languages,
replays, echoed text, rate limits, help for coaches and unreadable buttons — through the real HTTP
entry point and the Slack stand-in."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.container import Container
from bot.demo.standins.requests import (
    block_actions_body,
    interaction_body,
    post_signed,
    slash_command_body,
    view_submission_payload,
)
from bot.demo.standins.slack import SlackStandIn
from bot.slack import ids
from bot.web import EVENTS_PATH
from tests.conftest import SIGNING_SECRET, ServerFactory, reconfigured
from tests.helpers import all_text, command, reply

LESSON = "pipeline-review-stale-first"


@pytest.fixture
def coached(container: Container, slack: SlackStandIn) -> Container:
    slack.add_user(
        "U0COACH", name="Carla Coach", email="carla@example.com", tz="Europe/Berlin", locale="en-US"
    )
    slack.add_user(
        "U0TRAINER", name="Tina Trainer", email="tina@example.com", tz="Europe/Berlin", locale="de-DE"
    )
    slack.add_user("U0NEU", name="Nina Neu", email="nina@example.com", tz="Europe/Berlin", locale="de-DE")
    slack.add_channel("C0SALES", "sales-leads")
    return reconfigured(container, slack, crmcoach_coaches="U0COACH,U0TRAINER")


@pytest.fixture
def url(coached: Container, serve: ServerFactory) -> str:
    return serve(coached)


def _composer_values(*, text: str | None = None, post_language: str | None = None) -> dict[str, Any]:
    return {
        "channel": {"channel": {"type": "conversations_select", "selected_conversation": "C0SALES"}},
        "lesson": {"lesson": {"type": "external_select", "selected_option": None}},
        "text": {"text": {"type": "plain_text_input", "value": text}},
        "post_language": {
            "post_language": {
                "type": "radio_buttons",
                "selected_option": {"value": post_language} if post_language else None,
            }
        },
        "when": {"when": {"type": "radio_buttons", "selected_option": {"value": "now"}}},
    }


def _submit(url: str, slack: SlackStandIn, values: dict[str, Any], *, user: str = "U0COACH") -> Any:
    payload = view_submission_payload(
        team_id=slack.team_id,
        user_id=user,
        callback_id="broadcast_composer",
        values=values,
        private_metadata="en",
    )
    return post_signed(url + EVENTS_PATH, interaction_body(payload), secret=SIGNING_SECRET)


def test_the_composers_own_text_posted_now_is_the_exercise(url: str, slack: SlackStandIn) -> None:
    result = _submit(url, slack, _composer_values(text="Call three customers\nAsk each for the next step."))

    assert result.status == 200
    [call] = slack.wait_for("chat.postMessage", count=2)[:1]  # the exercise, then the coach's DM
    posted = all_text(call.params)
    assert call.params["channel"] == "C0SALES"
    assert "Call three customers" in posted and "Ask each for the next step." in posted
    assert "Exercise: :" not in posted


def test_a_german_coach_gets_german_everywhere_and_posts_the_german_lesson(
    url: str, slack: SlackStandIn
) -> None:
    command(url, slack, "U0TRAINER", f"broadcast <#C0SALES|sales-leads> {LESSON}")  # their first command
    confirmation = all_text(reply(slack))
    team = all_text(command(url, slack, "U0TRAINER", "team").json())
    listing = all_text(command(url, slack, "U0TRAINER", "broadcasts").json())

    [posted] = slack.messages_in("C0SALES")
    assert "Übung:" in all_text(posted)  # the German lesson, not the English one
    assert "gepostet" in confirmation
    assert "Noch sind keine Führungskräfte angemeldet" in team
    assert "keine geplanten Übungen" in listing


@pytest.mark.parametrize(
    ("option", "expected", "unexpected"),
    [
        ("--lang en", ["Exercise: Start the review"], ["Übung"]),
        ("--lang both", ["Übung: Fang das Review", "Start the review", "Open this week"], []),
    ],
)
def test_broadcast_lang_option_chooses_the_lessons_language(
    url: str, slack: SlackStandIn, option: str, expected: list[str], unexpected: list[str]
) -> None:
    command(url, slack, "U0TRAINER", f"broadcast <#C0SALES|sales-leads> {LESSON} {option}")
    reply(slack)

    [posted] = slack.messages_in("C0SALES")
    text = all_text(posted)
    assert all(word in text for word in expected), text
    assert not any(word in text for word in unexpected), text


def test_a_first_time_german_users_settings_are_answered_in_german(url: str, slack: SlackStandIn) -> None:
    ack = command(url, slack, "U0NEU", "pause until 2026-12-24")

    assert ack.status == 200
    text = all_text(reply(slack))
    assert "Du bekommst noch keine Coaching-Nachrichten" in text


def test_a_replayed_broadcast_is_posted_once(url: str, slack: SlackStandIn) -> None:
    command(url, slack, "U0COACH", "help")  # known from now on: the broadcast is answered with its ack
    reply(slack)
    body = slash_command_body(
        team_id=slack.team_id,
        user_id="U0COACH",
        text=f"broadcast <#C0SALES|sales-leads> {LESSON}",
        response_url=slack.response_url(),
    )
    timestamp = int(time.time())
    first = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET, timestamp=timestamp)
    again = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET, timestamp=timestamp)
    slack.wait_for("response_url", count=2)
    time.sleep(0.3)

    assert first.status == again.status == 200
    assert len(slack.messages_in("C0SALES")) == 1


CONTROL = "<!channel> <@U0JAMES> <https://x.example|click> &"


@pytest.mark.parametrize("text", [CONTROL, f"pause until {CONTROL}", f"settings nudge {CONTROL}"])
def test_echoed_text_is_escaped(url: str, slack: SlackStandIn, text: str) -> None:
    command(url, slack, "U0PAT", "help")  # known from now on: answers come with the ack
    reply(slack)

    answer = all_text(command(url, slack, "U0PAT", text).json())

    assert "<!channel>" not in answer and "<@U0JAMES>" not in answer and "<https://x.example" not in answer


def test_the_coachs_own_text_cannot_ping_the_channel(url: str, slack: SlackStandIn) -> None:
    _submit(url, slack, _composer_values(text=f"Title {CONTROL}\nDo it {CONTROL}"))

    [call] = slack.wait_for("chat.postMessage")[:1]
    posted = all_text(call.params)
    assert "Title" in posted and "<!channel>" not in posted and "<https://x.example" not in posted


def test_a_broadcast_that_stays_rate_limited_tells_the_coach_when_to_try_again(
    url: str, slack: SlackStandIn
) -> None:
    slack.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1, times=10)
    command(url, slack, "U0COACH", f"broadcast <#C0SALES|sales-leads> {LESSON}")

    text = all_text(reply(slack, count=1))
    assert "Not posted" in text and "1 minute" in text
    assert "went wrong" not in text


def test_help_lists_the_coach_commands_for_coaches_only(url: str, slack: SlackStandIn) -> None:
    command(url, slack, "U0COACH", "help")
    command(url, slack, "U0PAT", "help")
    answers = [all_text(call.params) for call in slack.wait_for("response_url", count=2)]

    assert sum("For coaches" in answer for answer in answers) == 1
    assert any("/crmcoach broadcast" in answer for answer in answers)


def test_a_task_button_with_an_unreadable_value_is_answered(url: str, slack: SlackStandIn) -> None:
    body = block_actions_body(
        team_id=slack.team_id,
        user_id="U0PAT",
        action_id=ids.ACTION_TASK_DONE,
        value="not-a-number",
        response_url=slack.response_url(),
        message={"ts": "1.0", "text": "x", "blocks": []},
        channel_id="D0PAT",
    )

    result = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET)

    assert result.status == 200
    assert "nothing was recorded" in all_text(reply(slack))


def test_a_coachs_own_text_broadcast_by_command_cannot_ping_the_channel(
    url: str, slack: SlackStandIn
) -> None:
    command(url, slack, "U0COACH", f"broadcast <#C0SALES|sales-leads> {CONTROL}")
    reply(slack)

    [posted] = slack.messages_in("C0SALES")
    text = all_text(posted)
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "<@U0JAMES>" not in text


def test_a_replayed_settings_change_is_carried_out_once(url: str, slack: SlackStandIn) -> None:
    command(url, slack, "U0PAT", "help")
    reply(slack)
    body = slash_command_body(
        team_id=slack.team_id, user_id="U0PAT", text="settings language de", response_url=slack.response_url()
    )
    timestamp = int(time.time())

    first = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET, timestamp=timestamp)
    again = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET, timestamp=timestamp)
    fresh = post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET, timestamp=timestamp + 1)

    assert first.status == again.status == fresh.status == 200
    assert first.body != ""
    assert again.body == ""  # the replay: nothing done, nothing said
    assert fresh.body != ""  # a new request (new timestamp, new signature) is served as usual


def test_a_german_coachs_first_composer_is_german(url: str, slack: SlackStandIn) -> None:
    ack = command(url, slack, "U0TRAINER", "broadcast")

    [call] = slack.wait_for("views.open")
    view = call.params["view"]
    view = view if isinstance(view, dict) else json.loads(view)
    assert ack.status == 200
    assert view["title"]["text"] == "Übung senden"
    assert view["private_metadata"] == "de"  # the confirmation after Send is German too
