"""The Slack stand-in answers slack_sdk's WebClient the way Slack does: shapes and error codes."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.demo.standins.slack import SlackStandIn
from tests.unit.slack_standin.support import METADATA, api_error, error_of

# These tests exercise the stand-in itself, with posts of their own that carry no key.
pytestmark = pytest.mark.posts_without_key


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
