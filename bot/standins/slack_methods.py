"""The Web API methods of the Slack stand-in (bot/standins/slack.py), answered as docs.slack.dev describes.

Each handler takes the stand-in and the request's parameters (form fields are strings, JSON bodies keep
their types) and returns the JSON body. The stand-in calls them while holding its lock, so they may read
and change its state (users, channels and their messages, views) without further locking.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.standins.slack import SlackStandIn

MESSAGE_BLOCK_LIMIT = 50
MESSAGE_TEXT_LIMIT = 40_000
VIEW_BLOCK_LIMIT = 100
VIEW_TEXT_LIMIT = 24  # a view's title, submit and close texts
VIEW_SIZE_LIMIT = 250_000
HISTORY_DEFAULT_LIMIT = 100
HISTORY_MAX_LIMIT = 999
KNOWN_BLOCK_TYPES = {"section", "header", "context", "divider", "actions", "image", "input", "rich_text"}
BOT_USER_ID, BOT_ID, APP_ID = "U0BOT", "B0BOT", "A0CRMCOACH"

Body = dict[str, Any]


@dataclass(slots=True)
class Channel:
    """A conversation and its messages (oldest first; `keys` holds their ts in microseconds, ascending)."""

    id: str
    name: str
    user: str | None = None  # the person at the other end of a DM
    members: set[str] = field(default_factory=set)
    bot_is_member: bool = True
    archived: bool = False
    opened: bool = False  # conversations.open was called for this DM
    created: int = field(default_factory=lambda: int(time.time()))
    messages: list[Body] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    by_ts: dict[str, Body] = field(default_factory=dict)

    def append(self, message: Body) -> None:
        self.messages.append(message)
        self.keys.append(ts_key(message["ts"]))
        self.by_ts[message["ts"]] = message


@dataclass(frozen=True, slots=True)
class Deactivation:
    open_error: str  # what conversations.open answers for the user
    post_error: str | None  # what posting to their DM answers; None: the post succeeds


# --- helpers ---------------------------------------------------------------------------------
def error(code: str, detail: str | None = None) -> Body:
    body: Body = {"ok": False, "error": code}
    if detail:
        body["response_metadata"] = {"messages": [f"[ERROR] {detail}"]}
    return body


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def ts_key(ts: str) -> int:
    """'1700000000.000200' -> 1700000000000200; ValueError for anything that is not a Slack ts."""
    seconds, _, micros = ts.partition(".")
    if not seconds.isdigit() or (micros and not micros.isdigit()) or len(micros) > 6:
        raise ValueError(f"not a Slack ts: {ts!r}")
    return int(seconds) * 1_000_000 + int(micros.ljust(6, "0"))


def ts_of(key: int) -> str:
    return f"{key // 1_000_000}.{key % 1_000_000:06d}"


def _json_field(value: Any) -> Any:
    """Form posts carry blocks, views and metadata as JSON strings; JSON posts as objects."""
    return json.loads(value) if isinstance(value, str) else value


def block_problem(blocks: Any, limit: int, pointer: str = "/blocks") -> str | None:
    try:
        blocks = _json_field(blocks)
    except json.JSONDecodeError:
        return "blocks is not valid JSON"
    if blocks is None:
        return None
    if not isinstance(blocks, list):
        return f"must be an array [json-pointer:{pointer}]"
    if len(blocks) > limit:
        return f"no more than {limit} items allowed [json-pointer:{pointer}]"
    problems = (_one_block_problem(block, f"{pointer}/{index}") for index, block in enumerate(blocks))
    return next((problem for problem in problems if problem is not None), None)


def _one_block_problem(block: Any, pointer: str) -> str | None:
    if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCK_TYPES:
        return f"unsupported type [json-pointer:{pointer}/type]"
    text = block.get("text")
    if block["type"] == "section" and isinstance(text, dict) and len(text.get("text", "")) > 3000:
        return f"must be less than 3001 characters [json-pointer:{pointer}/text/text]"
    return None


def resolve_channel(standin: SlackStandIn, channel_id: str) -> Channel | None:
    """A declared channel, or the DM with a known user ('D' + user id, or the user id itself)."""
    if channel_id in standin.channels:
        return standin.channels[channel_id]
    user_id = channel_id[1:] if channel_id.startswith("D") else channel_id
    if channel_id[:1] in ("D", "U", "W") and user_id in standin.users:
        return standin.dm(user_id)
    return None


def _postable(standin: SlackStandIn, params: Body) -> tuple[Channel | None, Body | None]:
    channel = resolve_channel(standin, str(params.get("channel") or ""))
    if channel is None:
        return None, error("channel_not_found")
    deactivated = standin._deactivated.get(channel.user or "")
    if deactivated is not None and deactivated.post_error:
        return None, error(deactivated.post_error)
    if channel.archived:
        return None, error("is_archived")
    if not channel.bot_is_member:
        return None, error("not_in_channel")
    return channel, None


def _content(params: Body, *, partial: bool) -> tuple[Body, Body | None]:
    """The text, blocks and metadata of a message to post (partial: only what an update changes)."""
    if (problem := block_problem(params.get("blocks"), MESSAGE_BLOCK_LIMIT)) is not None:
        return {}, error("invalid_blocks", problem)
    blocks, text = _json_field(params.get("blocks")), params.get("text")
    if not text and not blocks:
        return {}, error("no_text")
    if text is not None and len(str(text)) > MESSAGE_TEXT_LIMIT:
        return {}, error("msg_too_long")
    content: Body = {"text": str(text or "")} if text is not None or not partial else {}
    if blocks is not None:
        content["blocks"] = blocks
    if params.get("metadata") not in (None, ""):
        try:
            metadata = _json_field(params["metadata"])
        except json.JSONDecodeError:
            metadata = None
        if not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and metadata["event_type"]
            and isinstance(metadata.get("event_payload"), dict)
        ):
            return {}, error("invalid_metadata_format")
        content["metadata"] = {
            "event_type": metadata["event_type"],
            "event_payload": metadata["event_payload"],
        }
    return content, None


def _cursor(key: int) -> str:
    return base64.b64encode(f"next_ts:{key}".encode()).decode()


def _cursor_key(cursor: str) -> int:
    try:
        prefix, _, key = base64.b64decode(cursor, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(cursor) from exc
    if prefix != "next_ts" or not key.isdigit():
        raise ValueError(cursor)
    return int(key)


def _public_user(user: Body) -> Body:
    public = dict(user)
    public.pop("locale", None)  # Slack only returns the locale when asked for it
    return public


def _view_problem(view: Any, *, modal: bool) -> Body | None:
    if not isinstance(view, dict):
        return error("invalid_arguments", "invalid `view` [json-pointer:/view]")
    if len(json.dumps(view)) > VIEW_SIZE_LIMIT:
        return error("view_too_large")
    if modal and view.get("type") != "modal":
        return error("invalid_arguments", "must be 'modal' [json-pointer:/view/type]")
    blocks = view.get("blocks", [])
    problem = _view_text_problem(view) or block_problem(blocks, VIEW_BLOCK_LIMIT, "/view/blocks")
    return error("invalid_arguments", problem) if problem else None


def _view_text_problem(view: Body) -> str | None:
    """Slack's limits on the plain_text of a view's title, submit and close buttons."""
    if view.get("type") == "modal" and not view.get("title"):
        return "missing required field: title [json-pointer:/view]"
    for key in ("title", "submit", "close"):
        if view.get(key) is None:
            continue
        text = view[key].get("text") if isinstance(view[key], dict) else None
        if not isinstance(text, str) or not text:
            return f"must provide a string [json-pointer:/view/{key}/text]"
        if len(text) > VIEW_TEXT_LIMIT:
            return f"must be less than {VIEW_TEXT_LIMIT + 1} characters [json-pointer:/view/{key}/text]"
    return None


def _store_view(standin: SlackStandIn, view: Body, view_id: str, previous: Body | None) -> Body:
    stored: Body = {
        "id": view_id,
        "team_id": standin.team_id,
        "type": view.get("type"),
        "title": view.get("title"),
        "submit": view.get("submit"),
        "close": view.get("close"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{next(standin._ids):08x}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": previous["root_view_id"] if previous else view_id,
        "previous_view_id": None,
        "app_id": APP_ID,
        "bot_id": BOT_ID,
    }
    standin.views[view_id] = stored
    return {"ok": True, "view": stored}


def _external_id_taken(standin: SlackStandIn, view: Body, view_id: str | None) -> bool:
    external_id = view.get("external_id")
    return bool(external_id) and any(
        other["external_id"] == external_id and other["id"] != view_id for other in standin.views.values()
    )


# --- methods ---------------------------------------------------------------------------------
def auth_test(standin: SlackStandIn, _params: Body) -> Body:
    return {
        "ok": True,
        "url": "https://standin.slack.com/",
        "team": standin.team_name,
        "user": "crmcoach",
        "team_id": standin.team_id,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def users_info(standin: SlackStandIn, params: Body) -> Body:
    user = standin.users.get(str(params.get("user")))
    if user is None:
        return error("user_not_found")
    return {"ok": True, "user": dict(user) if truthy(params.get("include_locale")) else _public_user(user)}


def users_lookup_by_email(standin: SlackStandIn, params: Body) -> Body:
    user_id = standin._emails.get(str(params.get("email") or "").strip().lower())
    if user_id is None:
        return error("users_not_found")
    return {"ok": True, "user": _public_user(standin.users[user_id])}


def _dm_to_open(standin: SlackStandIn, params: Body) -> Channel | Body:
    users = [user.strip() for user in str(params.get("users") or "").split(",") if user.strip()]
    if len(users) > 1:
        return error("invalid_arguments", "the stand-in opens 1:1 DMs only [json-pointer:/users]")
    if users:
        deactivated = standin._deactivated.get(users[0])
        if users[0] not in standin.users or deactivated is not None:
            return error(deactivated.open_error if deactivated else "user_not_found")
        return standin.dm(users[0])
    if not params.get("channel"):
        return error("users_list_not_supplied")
    channel = resolve_channel(standin, str(params["channel"]))
    if channel is None or channel.user is None:
        return error("method_not_supported_for_channel_type" if channel else "channel_not_found")
    return channel


def conversations_open(standin: SlackStandIn, params: Body) -> Body:
    channel = _dm_to_open(standin, params)
    if not isinstance(channel, Channel):
        return channel
    body: Body = {"ok": True}
    if channel.opened:
        body.update(no_op=True, already_open=True)
    channel.opened = True
    body["channel"] = {"id": channel.id}
    if truthy(params.get("return_im")):
        body["channel"].update(
            created=channel.created,
            is_im=True,
            is_org_shared=False,
            user=channel.user,
            is_user_deleted=channel.user in standin._deactivated,
            priority=0,
        )
    return body


def chat_post_message(standin: SlackStandIn, params: Body) -> Body:
    channel, problem = _postable(standin, params)
    if problem is not None or channel is None:
        return problem or error("channel_not_found")
    content, problem = _content(params, partial=False)
    if problem is not None:
        return problem
    ts = standin._next_ts()
    message: Body = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "app_id": APP_ID}
    message.update(team=standin.team_id, ts=ts, **content)
    if params.get("thread_ts"):
        message["thread_ts"] = str(params["thread_ts"])
    channel.append(message)
    return {"ok": True, "channel": channel.id, "ts": ts, "message": dict(message)}


def chat_update(standin: SlackStandIn, params: Body) -> Body:
    channel, problem = _postable(standin, params)
    if problem is not None or channel is None:
        return problem or error("channel_not_found")
    message = channel.by_ts.get(str(params.get("ts") or ""))
    if message is None:
        return error("message_not_found")
    content, problem = _content(params, partial=True)
    if problem is not None:
        return problem
    message.update(content, edited={"user": BOT_USER_ID, "ts": standin._next_ts()})
    ts = message["ts"]
    return {"ok": True, "channel": channel.id, "ts": ts, "text": message["text"], "message": dict(message)}


def conversations_history(standin: SlackStandIn, params: Body) -> Body:
    channel = resolve_channel(standin, str(params.get("channel") or ""))
    if channel is None:
        return error("channel_not_found")
    if not channel.bot_is_member:
        return error("not_in_channel")
    inclusive = truthy(params.get("inclusive"))
    keys, low, high = channel.keys, 0, len(channel.keys)
    for name, bound in (("oldest", params.get("oldest")), ("latest", params.get("latest"))):
        if bound in (None, ""):
            continue
        try:
            key = ts_key(str(bound))
        except ValueError:
            return error(f"invalid_ts_{name}")
        if name == "oldest":
            low = bisect_left(keys, key) if inclusive else bisect_right(keys, key)
        else:
            high = bisect_right(keys, key) if inclusive else bisect_left(keys, key)
    if params.get("cursor"):
        try:
            high = min(high, bisect_right(keys, _cursor_key(str(params["cursor"]))))
        except ValueError:
            return error("invalid_cursor")
    try:
        limit = int(params.get("limit") or HISTORY_DEFAULT_LIMIT)
    except (TypeError, ValueError):
        return error("invalid_limit")
    limit = min(max(limit, 1), HISTORY_MAX_LIMIT)
    start = max(low, high - limit)
    with_metadata = truthy(params.get("include_all_metadata"))
    messages = [
        dict(message) if with_metadata else {k: v for k, v in message.items() if k != "metadata"}
        for message in reversed(channel.messages[start:high])
    ]
    has_more = start > low
    return {
        "ok": True,
        "messages": messages,
        "has_more": has_more,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": _cursor(keys[start - 1]) if has_more else ""},
    }


def views_open(standin: SlackStandIn, params: Body) -> Body:
    trigger_id = str(params.get("trigger_id") or params.get("interactivity_pointer") or "")
    if not trigger_id:
        return error("invalid_arguments", "invalid `trigger_id`")
    if trigger_id in standin._used_triggers:
        return error("exchanged_trigger_id")
    try:
        view = _json_field(params.get("view"))
    except json.JSONDecodeError:
        view = None
    if (problem := _view_problem(view, modal=True)) is not None:
        return problem
    if _external_id_taken(standin, view, None):
        return error("duplicate_external_id")
    standin._used_triggers.add(trigger_id)
    return _store_view(standin, view, f"V{next(standin._ids):08d}", None)


def views_update(standin: SlackStandIn, params: Body) -> Body:
    view_id, external_id = params.get("view_id"), params.get("external_id")
    if not view_id and not external_id:
        return error("invalid_arguments", "either view_id or external_id is required")
    current = standin.views.get(str(view_id)) if view_id else None
    if current is None and external_id:
        current = next((v for v in standin.views.values() if v["external_id"] == external_id), None)
    if current is None:
        return error("not_found")
    if params.get("hash") and params["hash"] != current["hash"]:
        return error("hash_conflict")
    try:
        view = _json_field(params.get("view"))
    except json.JSONDecodeError:
        view = None
    if (problem := _view_problem(view, modal=False)) is not None:
        return problem
    if _external_id_taken(standin, view, current["id"]):
        return error("duplicate_external_id")
    return _store_view(standin, view, current["id"], current)


def views_publish(_standin: SlackStandIn, params: Body) -> Body:
    try:
        view = _json_field(params.get("view"))
    except json.JSONDecodeError:
        view = None
    if not isinstance(view, dict) or not params.get("user_id"):
        return error("invalid_arguments")
    if (problem := block_problem(view.get("blocks"), VIEW_BLOCK_LIMIT)) is not None:
        return error("invalid_blocks", problem)
    return {"ok": True, "view": {"id": "V0STANDIN", "type": view.get("type"), "blocks": view.get("blocks")}}


def apps_connections_open(_standin: SlackStandIn, _params: Body) -> Body:
    # No WebSocket server behind it: enough to check that Socket Mode is chosen and authenticated.
    return {"ok": True, "url": "ws://127.0.0.1:1/link/?ticket=standin&app_id=A0CRMCOACH"}


API_METHODS: dict[str, Callable[[SlackStandIn, Body], Body]] = {
    "apps.connections.open": apps_connections_open,
    "auth.test": auth_test,
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "conversations.open": conversations_open,
    "conversations.history": conversations_history,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "views.open": views_open,
    "views.update": views_update,
    "views.publish": views_publish,
}
