"""The Web API methods of the Slack stand-in (bot/demo/standins/slack.py), as docs.slack.dev describes.

Each handler takes the stand-in and the request's parameters (form fields are strings, JSON bodies keep
their types) and returns the JSON body. The stand-in calls them while holding its lock, so they may read
and change its state (users, channels and their messages, views) without further locking.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from bot.demo.standins.slack_model import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    HISTORY_DEFAULT_LIMIT,
    HISTORY_MAX_LIMIT,
    VIEW_BLOCK_LIMIT,
    Body,
    Channel,
    StandInState,
    _content,
    _cursor,
    _cursor_key,
    _external_id_taken,
    _json_field,
    _postable,
    _public_user,
    _store_view,
    _view_problem,
    block_problem,
    error,
    resolve_channel,
    truthy,
    ts_key,
)


# --- methods ---------------------------------------------------------------------------------
def auth_test(standin: StandInState, _params: Body) -> Body:
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


def users_info(standin: StandInState, params: Body) -> Body:
    user = standin.users.get(str(params.get("user")))
    if user is None:
        return error("user_not_found")
    return {"ok": True, "user": dict(user) if truthy(params.get("include_locale")) else _public_user(user)}


def users_lookup_by_email(standin: StandInState, params: Body) -> Body:
    user_id = standin._emails.get(str(params.get("email") or "").strip().lower())
    if user_id is None:
        return error("users_not_found")
    return {"ok": True, "user": _public_user(standin.users[user_id])}


def _dm_to_open(standin: StandInState, params: Body) -> Channel | Body:
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


def conversations_open(standin: StandInState, params: Body) -> Body:
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


def chat_post_message(standin: StandInState, params: Body) -> Body:
    channel = _postable(standin, params, by_user=True)
    if not isinstance(channel, Channel):
        return channel
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


def chat_update(standin: StandInState, params: Body) -> Body:
    channel = _postable(standin, params, by_user=False)
    if not isinstance(channel, Channel):
        return channel
    message = channel.by_ts.get(str(params.get("ts") or ""))
    if message is None:
        return error("message_not_found")
    content, problem = _content(params, partial=True)
    if problem is not None:
        return problem
    message.update(content, edited={"user": BOT_USER_ID, "ts": standin._next_ts()})
    ts = message["ts"]
    return {"ok": True, "channel": channel.id, "ts": ts, "text": message["text"], "message": dict(message)}


def conversations_history(standin: StandInState, params: Body) -> Body:
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
    # Non-Marketplace apps created since May 2025 get at most 15 per page (history_page_cap=15).
    limit = min(max(limit, 1), HISTORY_MAX_LIMIT, standin.history_page_cap)
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


def views_open(standin: StandInState, params: Body) -> Body:
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


def views_update(standin: StandInState, params: Body) -> Body:
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


def views_publish(_standin: StandInState, params: Body) -> Body:
    try:
        view = _json_field(params.get("view"))
    except json.JSONDecodeError:
        view = None
    if not isinstance(view, dict) or not params.get("user_id"):
        return error("invalid_arguments")
    if (problem := block_problem(view.get("blocks"), VIEW_BLOCK_LIMIT)) is not None:
        return error("invalid_blocks", problem)
    return {"ok": True, "view": {"id": "V0STANDIN", "type": view.get("type"), "blocks": view.get("blocks")}}


def apps_connections_open(_standin: StandInState, _params: Body) -> Body:
    # No WebSocket server behind it: enough to check that Socket Mode is chosen and authenticated.
    return {"ok": True, "url": "ws://127.0.0.1:1/link/?ticket=standin&app_id=A0CRMCOACH"}


def usergroups_users_list(standin: StandInState, params: Body) -> Body:
    members = standin.usergroups.get(str(params.get("usergroup", "")))
    if members is None:
        return error("no_such_subteam")
    return {"ok": True, "users": list(members)}


def chat_get_permalink(standin: StandInState, params: Body) -> Body:
    channel = resolve_channel(standin, str(params.get("channel", "")))
    if channel is None:
        return error("channel_not_found")
    ts = str(params.get("message_ts", ""))
    if not any(message.get("ts") == ts for message in channel.messages):
        return error("message_not_found")
    link = f"https://standin.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
    return {"ok": True, "channel": channel.id, "permalink": link}


def files_get_upload_url_external(standin: StandInState, params: Body) -> Body:
    if not params.get("filename") or not str(params.get("length", "")).isdigit():
        return error("invalid_arguments")
    file_id = f"F{len(standin.uploads) + 1:08d}"
    standin.uploads[file_id] = {
        "filename": params["filename"],
        "length": int(params["length"]),
        "content": None,
    }
    return {"ok": True, "upload_url": f"{standin.origin}/upload/{file_id}", "file_id": file_id}


def files_complete_upload_external(standin: StandInState, params: Body) -> Body:
    files = _json_field(params.get("files"))
    if not isinstance(files, list) or not files:
        return error("invalid_arguments")
    for item in files:
        upload = standin.uploads.get(str(item.get("id")))
        if upload is None or upload["content"] is None:
            return error("file_not_found")
    channel_id = params.get("channel_id")
    shared = [
        {"id": item["id"], "title": item.get("title"), "name": standin.uploads[item["id"]]["filename"]}
        for item in files
    ]
    if channel_id:
        channel = resolve_channel(standin, str(channel_id), by_user=True)
        if channel is None:
            return error("channel_not_found")
        channel.append(
            {
                "type": "message",
                "subtype": "file_share",
                "ts": standin._next_ts(),
                "user": BOT_USER_ID,
                "text": params.get("initial_comment") or "",
                "files": shared,
            }
        )
    for item in files:
        standin.uploads[item["id"]]["shared_to"] = channel_id
    return {"ok": True, "files": shared}


API_METHODS: dict[str, Callable[[StandInState, Body], Body]] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "usergroups.users.list": usergroups_users_list,
    "chat.getPermalink": chat_get_permalink,
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
