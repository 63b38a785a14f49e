"""The Slack stand-in's workspace model and Slack's validation rules (limits, block checks, cursors)."""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

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


def resolve_channel(standin: StandInState, channel_id: str, *, by_user: bool = False) -> Channel | None:
    """A declared channel, or the DM with a known user: 'D' + user id, or (by_user, as chat.postMessage
    takes it) the user id itself."""
    if channel_id in standin.channels:
        return standin.channels[channel_id]
    if channel_id.startswith("D") and channel_id[1:] in standin.users:
        return standin.dm(channel_id[1:])
    if by_user and channel_id in standin.users:
        return standin.dm(channel_id)
    return None


def _postable(standin: StandInState, params: Body, *, by_user: bool) -> Channel | Body:
    """The channel the bot may post to, or the error Slack answers for it."""
    channel = resolve_channel(standin, str(params.get("channel") or ""), by_user=by_user)
    if channel is None:
        return error("channel_not_found")
    deactivated = standin._deactivated.get(channel.user or "")
    if deactivated is not None and deactivated.post_error:
        return error(deactivated.post_error)
    if channel.archived:
        return error("is_archived")
    return channel if channel.bot_is_member else error("not_in_channel")


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


def _store_view(standin: StandInState, view: Body, view_id: str, previous: Body | None) -> Body:
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


def _external_id_taken(standin: StandInState, view: Body, view_id: str | None) -> bool:
    external_id = view.get("external_id")
    return bool(external_id) and any(
        other["external_id"] == external_id and other["id"] != view_id for other in standin.views.values()
    )


class StandInState(Protocol):
    """The workspace state the Web API methods read and change: SlackStandIn, seen from its methods
    (a Protocol, so that the method modules need not import the stand-in that imports them)."""

    team_id: str
    team_name: str
    users: dict[str, dict[str, Any]]
    channels: dict[str, Channel]
    views: dict[str, dict[str, Any]]
    usergroups: dict[str, list[str]]
    uploads: dict[str, dict[str, Any]]
    history_page_cap: int
    _emails: dict[str, str]
    _deactivated: dict[str, Deactivation]
    _used_triggers: set[str]
    _ids: Any

    @property
    def origin(self) -> str: ...

    def dm(self, user_id: str) -> Channel: ...

    def _next_ts(self) -> str: ...
