"""The Slack stand-in limits and fails the way Slack does: 429 with Retry-After, scripted failures."""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.standins.slack import SlackStandIn
from tests.clock import FakeClock
from tests.unit.slack_standin.support import METADATA, api_error, error_of

# These tests exercise the stand-in itself, with posts of their own that carry no key.
pytestmark = pytest.mark.posts_without_key


# --- rate limits -------------------------------------------------------------------------------
def test_post_message_limit_per_channel_answers_429_with_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    clock = FakeClock(1000.0)
    standin.clock = clock
    standin.limit_rate("chat.postMessage", per_channel_per_second=1.0)

    client.chat_postMessage(channel="DU0ANNA", text="1")
    limited = api_error(lambda: client.chat_postMessage(channel="DU0ANNA", text="2"))
    client.chat_postMessage(channel="DU0BEN", text="another channel has its own budget")
    clock.now += 1.0
    client.chat_postMessage(channel="DU0ANNA", text="3")

    assert limited.response.status_code == 429
    assert limited.response["error"] == "ratelimited"
    assert limited.response.headers["Retry-After"] == "1"
    assert [m["text"] for m in standin.messages_in("DU0ANNA")] == ["1", "3"]
    assert [call.status for call in standin.calls_to("chat.postMessage")] == [200, 429, 200, 200]


def test_workspace_limit_and_retry_after_in_whole_seconds(standin: SlackStandIn, client: WebClient) -> None:
    clock = FakeClock(1000.0)
    standin.clock = clock
    standin.limit_rate("chat.postMessage", workspace_per_minute=3)

    for n in range(3):
        client.chat_postMessage(channel="DU0ANNA" if n % 2 else "DU0BEN", text=str(n))
    limited = api_error(lambda: client.chat_postMessage(channel="DU0ANNA", text="over"))
    clock.now += 19.5
    still = api_error(lambda: client.chat_postMessage(channel="DU0ANNA", text="over"))
    clock.now += 0.5

    assert limited.response.headers["Retry-After"] == "20"
    assert still.response.headers["Retry-After"] == "1"  # half a second is rounded up, never 0
    assert client.chat_postMessage(channel="DU0ANNA", text="in time")["ok"] is True
    standin.limit_rate("chat.postMessage")  # lifted
    assert client.chat_postMessage(channel="DU0ANNA", text="free")["ok"] is True


def test_the_limit_holds_under_concurrent_posts(standin: SlackStandIn) -> None:
    standin.clock = FakeClock(1000.0)  # time stands still: each channel gets exactly its burst
    standin.limit_rate("chat.postMessage", per_channel_per_second=1.0, burst=2)
    statuses: list[int] = []

    def post(channel: str) -> None:
        client = WebClient(token=standin.bot_token, base_url=standin.api_url, retry_handlers=[])
        for _ in range(5):
            try:
                client.chat_postMessage(channel=channel, text="x")
                statuses.append(200)
            except SlackApiError as exc:
                statuses.append(exc.response.status_code)

    threads = [threading.Thread(target=post, args=(channel,)) for channel in ["DU0ANNA", "DU0BEN"] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses.count(200) == 4 and statuses.count(429) == 36
    assert len(standin.messages_in("DU0ANNA")) == len(standin.messages_in("DU0BEN")) == 2
    assert len(standin.calls_to("chat.postMessage")) == 40


# --- failure scripting -------------------------------------------------------------------------
def test_fail_next_can_target_one_channel_or_user(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("chat.postMessage", status=503, channel="U0BEN")
    standin.fail_next("conversations.open", error="user_not_found", user="U0ANNA")

    client.chat_postMessage(channel="DU0ANNA", text="not the target")
    failed = api_error(lambda: client.chat_postMessage(channel="DU0BEN", text="target"))
    client.conversations_open(users="U0BEN")
    refused = error_of(lambda: client.conversations_open(users="U0ANNA"))

    assert failed.response.status_code == 503 and refused == "user_not_found"
    assert client.chat_postMessage(channel="DU0BEN", text="only once")["ok"] is True
    assert [m["text"] for m in standin.messages_in("DU0BEN")] == ["only once"]


def test_a_failure_after_the_post_took_effect(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_next("chat.postMessage", status=500, take_effect=True)

    failed = api_error(lambda: client.chat_postMessage(channel="DU0ANNA", text="posted", metadata=METADATA))

    assert failed.response.status_code == 500
    history = client.conversations_history(channel="DU0ANNA", include_all_metadata=True)
    assert [m["metadata"] for m in history["messages"]] == [METADATA]


def test_fail_randomly_is_a_reproducible_storm() -> None:
    def storm(seed: int) -> list[int]:
        standin = SlackStandIn()  # no server needed: the same code answers every request
        standin.add_user("U0ANNA", name="Anna Berger", email=None)
        standin.fail_randomly("chat.postMessage", rate=0.05, status=503, seed=seed)
        auth = f"Bearer {standin.bot_token}"
        params = {"channel": "DU0ANNA", "text": "x"}
        return [standin.handle_api("chat.postMessage", params, auth)[0] for _ in range(2000)]

    first, again, other = storm(7), storm(7), storm(8)

    assert first == again != other
    assert set(first) == {200, 503}
    assert 50 <= first.count(503) <= 150  # about 5 %


def test_a_5xx_reaches_the_client_as_an_api_error(standin: SlackStandIn, client: WebClient) -> None:
    standin.fail_randomly("users.lookupByEmail", rate=1.0, status=502, seed=1)

    failed = api_error(lambda: client.users_lookupByEmail(email="ben@example.com"))
    standin.fail_randomly("users.lookupByEmail", rate=0)

    assert failed.response.status_code == 502
    assert client.users_lookupByEmail(email="ben@example.com")["user"]["id"] == "U0BEN"


def test_params_need_not_be_recorded(client: WebClient, standin: SlackStandIn) -> None:
    standin.record_params = False

    client.chat_postMessage(channel="DU0ANNA", text="not kept in calls")

    [call] = standin.wait_for("chat.postMessage")
    assert call.params == {} and call.status == 200
    assert standin.messages_in("DU0ANNA")[0]["text"] == "not kept in calls"


def test_ts_come_from_the_wall_clock_and_never_repeat(standin: SlackStandIn, client: WebClient) -> None:
    standin.wall_clock = lambda: 1_795_000_000.0

    stamps = [client.chat_postMessage(channel="DU0ANNA", text=str(n))["ts"] for n in range(3)]

    assert stamps == ["1795000000.000000", "1795000000.000001", "1795000000.000002"]
