"""What reaches POST /slack/events before Bolt: signed, well-formed, and shaped as Slack documents.

Bolt trusts the shape of what it parses; a body that is not JSON, a payload that is a list, or a
timestamp that is not a number would end as a 500 with a traceback. Here they end as 401 (no valid
signature) or 400 (signed, but not something Slack sends), with one log line and no side effect.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request import BoltRequest

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are a few kilobytes; a modal's state stays far below this
SIGNATURE_WINDOW_SECONDS = 300
# For each key Bolt reads while routing a request: the JSON type Slack sends (None: null allowed).
SHAPES: dict[str, tuple[type | None, ...]] = {
    "type": (str,),
    "team": (dict, str, None),
    "user": (dict, str, None),
    "enterprise": (dict, str, None),
    "channel": (dict, str, None),
    "view": (dict,),
    "actions": (list, None),
    "authorizations": (list, None),
    "event": (dict,),
    "container": (dict, None),
    "message": (dict, None),
    "team_id": (str, None),
    "enterprise_id": (str, None),
    "api_app_id": (str, None),
    "callback_id": (str, None),
    "action_id": (str, None),
    "block_id": (str, None),
    "value": (str, None),
    "response_url": (str, None),
    "trigger_id": (str, None),
    "is_enterprise_install": (bool, str, None),
    "response_urls": (list, None),
    "thread_ts": (str, None),
    "message_ts": (str, None),
}
NESTED = ("team", "user", "enterprise", "channel", "view", "event", "container", "message")
# What each kind of request always carries (Slack's documented payloads), as paths to a string or object.
SLACK_ID = re.compile(r"^[A-Z0-9]{2,32}$")
URL = re.compile(r"^https?://\S+$")
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    # A click in a message carries a response_url; one in a view (App Home, a modal) does not.
    "block_actions": (("team", "id"), ("user", "id"), ("actions",)),
    "view_submission": (
        ("team", "id"),
        ("user", "id"),
        ("view", "type"),
        ("view", "callback_id"),
        ("view", "state", "values"),
    ),
    "view_closed": (("team", "id"), ("user", "id"), ("view", "type"), ("view", "callback_id")),
    "block_suggestion": (("team", "id"), ("user", "id"), ("action_id",), ("value",)),
    "event_callback": (("team_id",), ("event_id",), ("event", "type")),
}
EVENT_REQUIRED: dict[str, tuple[str, ...]] = {
    "message": ("channel", "ts"),
    "app_home_opened": ("user",),
    "app_mention": ("channel", "user", "ts"),
}
EVENT_TEXT_FIELDS = (
    "type",
    "channel",
    "channel_type",
    "text",
    "ts",
    "thread_ts",
    "subtype",
    "bot_id",
)
ACTION_TEXT_FIELDS = ("action_id", "block_id", "value", "type")


class Refused(Exception):
    """The request is not one to serve: `status` 400 or 401, `reason` for the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Inbound:
    body: str
    headers: Mapping[str, str]

    def to_bolt(self, query: str) -> BoltRequest:
        """Bolt's request; Refused(400) when Bolt cannot read what it expects where Slack puts it."""
        try:
            return BoltRequest(body=self.body, query=query, headers=dict(self.headers))
        # Parsing untrusted input: a field of an unexpected type surfaces here as one of these.
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise Refused(400, f"Bolt cannot read the body ({type(exc).__name__})") from None


def check(
    raw: bytes, headers: Mapping[str, str], *, signing_secret: str | None, now: float | None = None
) -> Inbound:
    """The request as Bolt may see it; raises Refused. `headers` are lower-case."""
    if signing_secret is not None:
        _verify(raw, headers, signing_secret, time.time() if now is None else now)
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    _check_shape(body, headers.get("content-type", ""))
    return Inbound(body=body, headers=headers)


def _verify(raw: bytes, headers: Mapping[str, str], secret: str, now: float) -> None:
    timestamp, signature = headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or not signature:
        raise Refused(401, "no valid X-Slack-Request-Timestamp / X-Slack-Signature")
    if abs(now - int(timestamp)) > SIGNATURE_WINDOW_SECONDS:
        raise Refused(401, "timestamp outside the 5-minute window")
    # Slack's v0 scheme, over the raw bytes: slack_sdk's verifier decodes the body first and would
    # raise on bytes that are not UTF-8 instead of saying "not signed by Slack".
    base = f"v0:{timestamp}:".encode() + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        raise Refused(401, "signature does not match")


def _check_shape(body: str, content_type: str) -> None:
    if content_type.startswith("application/json") or body.lstrip().startswith("{"):
        _check_envelope(_json_object(body, "body"), "body")
        return
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        _check_envelope(_json_object(form["payload"], "payload"), "payload")
    elif "command" in form:
        missing = [key for key in ("team_id", "user_id", "command", "response_url") if not form.get(key)]
        if missing:
            raise Refused(400, f"slash command without {', '.join(missing)}")
        if not (SLACK_ID.match(form["team_id"]) and SLACK_ID.match(form["user_id"])):
            raise Refused(400, "slash command with a team or user id Slack does not issue")
        if not URL.match(form["response_url"]):
            raise Refused(400, "slash command whose response_url is not a URL")
    elif "ssl_check" not in form:
        raise Refused(400, "neither a slash command, an interaction nor an event")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(parsed, dict):
        raise Refused(400, f"{what} is not a JSON object")
    return parsed


def _check_envelope(data: dict[str, Any], what: str) -> None:
    kind = data.get("type")
    if not isinstance(kind, str):
        raise Refused(400, f"{what} has no type")
    _check_fields(data, what)
    _check_required(data, kind)
    for key in NESTED:
        if isinstance(data.get(key), dict):
            _check_fields(data[key], f"{what}.{key}")
    for key in ("authorizations", "actions", "response_urls"):
        items = data.get(key) or []
        if not all(isinstance(item, dict) for item in items):
            raise Refused(400, f"{what}.{key} holds something other than objects")
        for item in items:
            _check_fields(item, f"{what}.{key}[]")
    for action in data.get("actions") or []:
        if not isinstance(action.get("action_id"), str):
            raise Refused(400, f"{what}.actions[] without an action_id")
        if any(k in action and not isinstance(action[k], str) for k in ACTION_TEXT_FIELDS):
            raise Refused(400, f"{what}.actions[] with a field that is not a string")
    if kind == "event_callback":  # last: by now event.type is known to be a string
        _check_event(data["event"], data)


def _check_required(data: dict[str, Any], kind: str) -> None:
    for path in REQUIRED.get(kind, ()):
        if not _present(data, path):
            raise Refused(400, f"{kind} without {'.'.join(path)}")
    in_view = isinstance(data.get("container"), dict) and data["container"].get("type") == "view"
    if kind == "block_actions" and not in_view and not data.get("response_url"):
        raise Refused(400, "block_actions outside a view without response_url")
    if "response_url" in data and not URL.match(str(data["response_url"])):
        raise Refused(400, f"{kind} whose response_url is not a URL")
    for key in ("team", "user"):
        if isinstance(data.get(key), dict) and not SLACK_ID.match(str(data[key].get("id", "X0"))):
            raise Refused(400, f"{kind} with a {key} id Slack does not issue")


def _check_event(event: dict[str, Any], envelope: dict[str, Any]) -> None:
    if not SLACK_ID.match(envelope["team_id"]):
        raise Refused(400, "event with a team id Slack does not issue")
    if event["type"] not in EVENT_REQUIRED:
        return  # an event we do not answer (its fields have other shapes, e.g. channel objects)
    for key in EVENT_TEXT_FIELDS:
        if key in event and event[key] is not None and not isinstance(event[key], str):
            raise Refused(400, f"event.{key} is not a string")
    user = event.get("user")
    if user is not None and not isinstance(user, str):  # user_change carries an object, these an id
        raise Refused(400, f"{event['type']} event whose user is not an id")
    missing = [key for key in EVENT_REQUIRED.get(event["type"], ()) if not event.get(key)]
    if missing:
        raise Refused(400, f"{event['type']} event without {', '.join(missing)}")


def _present(data: Any, path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return isinstance(data, (str, dict, list)) and (bool(data) or isinstance(data, dict))


def _check_fields(data: dict[str, Any], what: str) -> None:
    for key, allowed in SHAPES.items():
        if key in data and not _is_one_of(data[key], allowed):
            raise Refused(400, f"{what}.{key} has the wrong type")
    for key in ("id", "team_id", "user_id", "channel_id", "callback_id", "private_metadata"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            raise Refused(400, f"{what}.{key} is not a string")


def _is_one_of(value: Any, allowed: tuple[type | None, ...]) -> bool:
    if value is None:
        return None in allowed
    return any(kind is not None and type(value) is kind for kind in allowed)
