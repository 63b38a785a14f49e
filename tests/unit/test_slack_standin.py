"""The Slack stand-in answers slack_sdk's WebClient the way Slack does: shapes, error codes, 429s."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.standins.slack import SlackStandIn

METADATA = {"event_type": "crmcoach_delivery", "event_payload": {"idempotency_key": "weekly:M1:2026-W48"}}
# These tests exercise the stand-in itself, with posts of their own that carry no key.
pytestmark = pytest.mark.posts_without_key


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(team_id="T0UNIT", team_name="Unit Org") as slack:
        slack.add_user("U0ANNA", name="Anna Berger", email="Anna.Berger@example.com", locale="de-DE")
        slack.add_user("U0BEN", name="Ben Okafor", email="ben@example.com")
        yield slack


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url, retry_handlers=[])


def api_error(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def error_of(call: Any) -> str:
    return str(api_error(call).response["error"])


# --- users.lookupByEmail -----------------------------------------------------------------------
def test_lookup_by_email_answers_like_users_info(standin: SlackStandIn, client: WebClient) -> None:
    found = client.users_lookupByEmail(email="anna.berger@EXAMPLE.com")

    assert found["user"] == client.users_info(user="U0ANNA")["user"]
    assert found["user"]["id"] == "U0ANNA" and found["user"]["profile"]["email"] == "Anna.Berger@example.com"
    assert "locale" not in found["user"]
    assert error_of(lambda: client.users_lookupByEmail(email="nobody@example.com")) == "users_not_found"


# --- conversations.open ------------------------------------------------------------------------
def test_conversations_open_gives_a_stable_dm_id(standin: SlackStandIn, client: WebClient) -> None:
    first = client.conversations_open(users="U0ANNA")
    again = client.conversations_open(users=["U0ANNA"], return_im=True)

    assert first.data == {"ok": True, "channel": {"id": "DU0ANNA"}}
    assert again["no_op"] is True and again["already_open"] is True
    assert again["channel"]["id"] == "DU0ANNA" == standin.dm_channel_id("U0ANNA")
    assert again["channel"]["is_im"] is True and again["channel"]["user"] == "U0ANNA"
    assert client.conversations_open(channel="DU0ANNA")["channel"] == {"id": "DU0ANNA"}


def test_conversations_open_errors(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0SALES", "sales")
    standin.deactivate_user("U0BEN")

    assert error_of(lambda: client.conversations_open(users="U0GHOST")) == "user_not_found"
    assert error_of(lambda: client.conversations_open(users="U0BEN")) == "user_disabled"
    assert error_of(lambda: client.conversations_open(channel="DU0GHOST")) == "channel_not_found"
    assert (
        error_of(lambda: client.conversations_open(channel="C0SALES"))
        == "method_not_supported_for_channel_type"
    )
    assert error_of(lambda: client.api_call("conversations.open", data={})) == "users_list_not_supplied"
    assert client.users_info(user="U0BEN")["user"]["deleted"] is True


def test_the_error_for_a_deactivated_user_can_be_chosen(standin: SlackStandIn, client: WebClient) -> None:
    standin.deactivate_user("U0BEN", open_error="account_inactive", post_error=None)

    assert error_of(lambda: client.conversations_open(users="U0BEN")) == "account_inactive"
    assert client.chat_postMessage(channel="DU0BEN", text="still delivered")["ok"] is True


# --- chat.postMessage --------------------------------------------------------------------------
def test_a_posted_message_is_stored_with_its_metadata(standin: SlackStandIn, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Your week*"}}]
    sent = client.chat_postMessage(channel="DU0ANNA", text="Your week", blocks=blocks, metadata=METADATA)

    [message] = standin.messages_in("DU0ANNA")
    assert sent["channel"] == "DU0ANNA" and sent["ts"] == message["ts"] == sent["message"]["ts"]
    assert message["text"] == "Your week" and message["blocks"] == blocks
    assert message["metadata"] == METADATA
    assert message["type"] == "message" and message["bot_id"] and message["user"]


def test_a_form_post_with_metadata_as_a_json_string_is_normalised(
    standin: SlackStandIn, client: WebClient
) -> None:
    form = {"channel": "U0ANNA", "text": "hi", "metadata": json.dumps(METADATA)}
    sent = client.api_call("chat.postMessage", data=form)

    assert sent["channel"] == "DU0ANNA"  # a user id posts into the DM with that user
    assert standin.messages_in("U0ANNA")[0]["metadata"] == METADATA
    assert standin.calls_to("chat.postMessage")[0].params["metadata"] == json.dumps(METADATA)


def test_post_message_errors(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0ARCHIVE", "old", archived=True)
    standin.add_channel("C0PRIVATE", "managers", members=["U0ANNA"], bot_is_member=False)
    standin.deactivate_user("U0BEN")

    def post(**kwargs: Any) -> str:
        return error_of(lambda: client.chat_postMessage(**{"text": "hi", **kwargs}))

    assert post(channel="DU0GHOST") == "channel_not_found"
    assert post(channel="C0UNKNOWN") == "channel_not_found"
    assert post(channel="DU0BEN") == "account_inactive"
    assert post(channel="C0ARCHIVE") == "is_archived"
    assert post(channel="C0PRIVATE") == "not_in_channel"
    assert post(channel="DU0ANNA", metadata={"event_type": "x"}) == "invalid_metadata_format"
    assert post(channel="DU0ANNA", blocks=[{"type": "bogus"}]) == "invalid_blocks"
    with pytest.warns(UserWarning, match="`text` argument is missing"):
        assert error_of(lambda: client.chat_postMessage(channel="DU0ANNA", text="")) == "no_text"
    assert error_of(lambda: client.chat_postMessage(channel="DU0ANNA", text="x" * 40_001)) == "msg_too_long"
    assert standin.messages_in("DU0ANNA") == []


def test_declared_channels_take_posts(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0SALES", "sales", members=["U0ANNA"])

    client.chat_postMessage(channel="C0SALES", text="one")
    client.chat_postMessage(channel="C0SALES", text="two")

    assert [message["text"] for message in standin.messages_in("C0SALES")] == ["one", "two"]
    assert standin.messages_in("C0NOWHERE") == []


# --- conversations.history ---------------------------------------------------------------------
def test_history_returns_metadata_only_when_asked(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="DU0ANNA", text="plain")
    tagged = client.chat_postMessage(channel="DU0ANNA", text="tagged", metadata=METADATA)

    with_metadata = client.conversations_history(channel="DU0ANNA", include_all_metadata=True)
    without = client.conversations_history(channel="DU0ANNA")

    newest = with_metadata["messages"][0]
    assert newest["ts"] == tagged["ts"] and newest["metadata"] == METADATA
    assert "metadata" not in with_metadata["messages"][1]
    assert all("metadata" not in message for message in without["messages"])
    assert [m["text"] for m in without["messages"]] == ["tagged", "plain"]
    assert without["has_more"] is False and without["response_metadata"] == {"next_cursor": ""}


def test_history_pages_with_a_cursor_newest_first(standin: SlackStandIn, client: WebClient) -> None:
    posted = [client.chat_postMessage(channel="DU0ANNA", text=str(n))["ts"] for n in range(7)]

    pages, cursor = [], None
    while True:
        page = client.conversations_history(channel="DU0ANNA", limit=3, cursor=cursor)
        pages.append([message["ts"] for message in page["messages"]])
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] is bool(cursor)
        if not cursor:
            break

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [ts for page in pages for ts in page] == list(reversed(posted))
    assert (
        error_of(lambda: client.conversations_history(channel="DU0ANNA", cursor="bm9wZQ=="))
        == "invalid_cursor"
    )


def test_history_honours_oldest_latest_and_inclusive(standin: SlackStandIn, client: WebClient) -> None:
    ts = [client.chat_postMessage(channel="DU0ANNA", text=str(n))["ts"] for n in range(5)]

    def texts(**kwargs: Any) -> list[str]:
        return [m["text"] for m in client.conversations_history(channel="DU0ANNA", **kwargs)["messages"]]

    assert texts(oldest=ts[1], latest=ts[4]) == ["3", "2"]
    assert texts(oldest=ts[1], latest=ts[4], inclusive=True) == ["4", "3", "2", "1"]
    assert texts(oldest=ts[2]) == ["4", "3"]
    assert texts(latest=ts[1]) == ["0"]
    assert texts(oldest=ts[0], limit=2) == ["4", "3"]
    assert error_of(lambda: client.conversations_history(channel="DU0ANNA", oldest="yesterday")) == (
        "invalid_ts_oldest"
    )


def test_history_errors(standin: SlackStandIn, client: WebClient) -> None:
    standin.add_channel("C0PRIVATE", "managers", bot_is_member=False)

    assert error_of(lambda: client.conversations_history(channel="C0GHOST")) == "channel_not_found"
    assert error_of(lambda: client.conversations_history(channel="C0PRIVATE")) == "not_in_channel"
    assert error_of(lambda: client.conversations_history(channel="U0ANNA")) == "channel_not_found"


def test_history_answers_a_get_with_a_query_string(standin: SlackStandIn, client: WebClient) -> None:
    client.chat_postMessage(channel="DU0ANNA", text="hello")
    request = urllib.request.Request(
        f"{standin.api_url}conversations.history?channel=DU0ANNA&limit=1",
        headers={"Authorization": f"Bearer {standin.bot_token}"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.load(response)

    assert body["ok"] is True and body["messages"][0]["text"] == "hello"


# --- chat.update -------------------------------------------------------------------------------
def test_update_changes_the_stored_message(standin: SlackStandIn, client: WebClient) -> None:
    sent = client.chat_postMessage(channel="DU0ANNA", text="draft", metadata=METADATA)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "final"}}]

    updated = client.chat_update(channel="DU0ANNA", ts=sent["ts"], text="final", blocks=blocks)

    assert (updated["ok"], updated["channel"], updated["ts"], updated["text"]) == (
        True,
        "DU0ANNA",
        sent["ts"],
        "final",
    )
    [message] = standin.messages_in("DU0ANNA")
    assert message["text"] == "final" and message["blocks"] == blocks and message["metadata"] == METADATA
    assert "edited" in message
    assert (
        error_of(lambda: client.chat_update(channel="DU0ANNA", ts="1.000001", text="x"))
        == "message_not_found"
    )
    with pytest.warns(UserWarning, match="`text` argument is missing"):
        assert error_of(lambda: client.chat_update(channel="DU0ANNA", ts=sent["ts"])) == "no_text"


# --- views.open / views.update -----------------------------------------------------------------
def modal(title: str = "Weekly nudges", blocks: int = 1, **extra: Any) -> dict[str, Any]:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "When?"}}
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section] * blocks,
        **extra,
    }


def test_views_open_and_update(standin: SlackStandIn, client: WebClient) -> None:
    opened = client.views_open(trigger_id="123.456.abc", view=modal(callback_id="settings"))["view"]
    updated = client.views_update(view_id=opened["id"], view=modal("Saved"), hash=opened["hash"])["view"]

    assert opened["id"].startswith("V") and opened["type"] == "modal" and opened["callback_id"] == "settings"
    assert opened["team_id"] == "T0UNIT" and opened["root_view_id"] == opened["id"]
    assert updated["id"] == opened["id"] and updated["title"]["text"] == "Saved"
    assert updated["hash"] != opened["hash"]
    assert standin.views[opened["id"]] == updated


def test_views_are_validated_like_slack(standin: SlackStandIn, client: WebClient) -> None:
    too_long = api_error(lambda: client.views_open(trigger_id="1.2.a", view=modal("x" * 25)))
    too_many = api_error(lambda: client.views_open(trigger_id="1.2.b", view=modal(blocks=101)))

    assert too_long.response["error"] == too_many.response["error"] == "invalid_arguments"
    assert "[json-pointer:/view/title/text]" in too_long.response["response_metadata"]["messages"][0]
    assert "no more than 100 items" in too_many.response["response_metadata"]["messages"][0]
    assert client.views_open(trigger_id="1.2.c", view=modal("x" * 24, blocks=100))["ok"] is True
    assert error_of(lambda: client.views_open(trigger_id="1.2.c", view=modal())) == "exchanged_trigger_id"


def test_views_update_errors(standin: SlackStandIn, client: WebClient) -> None:
    opened = client.views_open(trigger_id="1.2.a", view=modal(external_id="settings-U0ANNA"))["view"]

    assert error_of(lambda: client.views_update(view_id="V0GHOST", view=modal())) == "not_found"
    assert (
        error_of(lambda: client.views_update(view_id=opened["id"], view=modal(), hash="stale"))
        == "hash_conflict"
    )
    by_external_id = client.views_update(external_id="settings-U0ANNA", view=modal("Again"))
    assert by_external_id["view"]["id"] == opened["id"]


# --- rate limits -------------------------------------------------------------------------------
def test_post_message_limit_per_channel_answers_429_with_retry_after(
    standin: SlackStandIn, client: WebClient
) -> None:
    clock = FakeClock()
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
    clock = FakeClock()
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
    standin.clock = FakeClock()  # time stands still: each channel gets exactly its burst
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
