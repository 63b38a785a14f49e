"""Signed requests as Slack sends them: slash commands and Events API callbacks."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class HttpResult:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slash_command_body(
    *,
    team_id: str,
    user_id: str,
    text: str,
    response_url: str,
    command: str = "/crmcoach",
    channel_id: str = "D0DEMO",
    trigger_id: str = "1337.42.abcd",
) -> str:
    return urlencode(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "team_domain": "standin",
            "channel_id": channel_id,
            "channel_name": "directmessage",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0CRMCOACH",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def event_body(*, team_id: str, event: dict[str, Any], event_id: str = "Ev0001") -> str:
    return json.dumps(
        {
            "token": "deprecated-verification-token",
            "team_id": team_id,
            "api_app_id": "A0CRMCOACH",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "U0BOT", "is_bot": True}],
        }
    )


def post_signed(
    url: str,
    body: str,
    *,
    secret: str | None,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | None = None,
    extra_headers: dict[str, str] | None = None,
) -> HttpResult:
    """POST like Slack does; secret=None sends no signature headers at all."""
    headers = {"Content-Type": content_type, **(extra_headers or {})}
    if secret is not None:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers["X-Slack-Request-Timestamp"] = ts
        headers["X-Slack-Signature"] = sign(secret, ts, body)
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")  # noqa: S310
    return _open(request)


def get(url: str) -> HttpResult:
    return _open(urllib.request.Request(url, method="GET"))  # noqa: S310


def _open(request: urllib.request.Request) -> HttpResult:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local stand-ins only
            return HttpResult(response.status, response.read().decode())
    except urllib.error.HTTPError as exc:
        return HttpResult(exc.code, exc.read().decode())


def block_actions_body(
    *,
    team_id: str,
    user_id: str,
    action_id: str,
    value: str,
    response_url: str,
    message: dict[str, Any],
    channel_id: str,
    block_id: str = "",
) -> str:
    """A button click, as Slack posts it: form-encoded `payload` JSON of type block_actions."""
    payload = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0CRMCOACH",
        "token": "deprecated",
        "container": {
            "type": "message",
            "message_ts": message.get("ts", "1.0"),
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": "1337.42.abcd",
        "channel": {"id": channel_id},
        "message": message,
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def interaction_body(payload: dict[str, Any]) -> str:
    """Any interactive payload (view_submission, block_suggestion …), form-encoded as Slack posts it."""
    return urlencode({"payload": json.dumps(payload)})


def view_submission_payload(
    *, team_id: str, user_id: str, callback_id: str, values: dict[str, Any], private_metadata: str = ""
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0CRMCOACH",
        "token": "deprecated",
        "trigger_id": "1337.42.abcd",
        "response_urls": [],
        "view": {
            "id": "V0COMPOSER",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": values},
        },
    }


def block_suggestion_payload(*, team_id: str, user_id: str, action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "block_suggestion",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0CRMCOACH",
        "token": "deprecated",
        "action_id": action_id,
        "block_id": action_id,
        "value": value,
        "view": {"id": "V0COMPOSER", "type": "modal", "callback_id": "broadcast_composer"},
    }
