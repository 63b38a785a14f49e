"""What reaches POST /slack/events before Bolt: signed, well-formed, and shaped as Slack documents.

Bolt trusts the shape of what it parses; a body that is not JSON, a payload that is a list, or a
timestamp that is not a number would end as a 500 with a traceback. Here they end as 401 (no valid
signature) or 400 (signed, but not something Slack sends), with one log line and no side effect.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.request import BoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

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
    "view": (dict, None),
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
}
NESTED = ("team", "user", "enterprise", "channel", "view", "event", "container", "message")


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
        return BoltRequest(body=self.body, query=query, headers=dict(self.headers))


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
    verifier = SignatureVerifier(secret, clock=_FixedClock(now))
    if not verifier.is_valid(raw, timestamp, signature):
        raise Refused(401, "signature does not match")


def _check_shape(body: str, content_type: str) -> None:
    if content_type.startswith("application/json") or body.lstrip().startswith("{"):
        _check_envelope(_json_object(body, "body"), "body")
        return
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        _check_envelope(_json_object(form["payload"], "payload"), "payload")
    elif "command" in form:
        missing = [key for key in ("team_id", "user_id", "command") if not form.get(key)]
        if missing:
            raise Refused(400, f"slash command without {', '.join(missing)}")
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
    if not isinstance(data.get("type"), str):
        raise Refused(400, f"{what} has no type")
    _check_fields(data, what)
    for key in NESTED:
        if isinstance(data.get(key), dict):
            _check_fields(data[key], f"{what}.{key}")
    for key in ("authorizations", "actions"):
        items = data.get(key) or []
        if not all(isinstance(item, dict) for item in items):
            raise Refused(400, f"{what}.{key} holds something other than objects")
        for item in items:
            _check_fields(item, f"{what}.{key}[]")


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


class _FixedClock(Clock):
    """SignatureVerifier asks a clock for "now"; this one answers with the instant we checked against."""

    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now
