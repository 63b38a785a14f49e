"""Send what Slack sends for App Home (app_home_opened, block_actions from a view) and read the views."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_sdk.models.blocks import Block

from bot.demo.standins.requests import event_body, interaction_body, post_signed, view_submission_payload
from bot.demo.standins.slack import SlackStandIn
from bot.web import EVENTS_PATH
from tests.conftest import SIGNING_SECRET

_event_ids = iter(range(1, 1_000_000))
HOME_BLOCK_LIMIT = 100


def open_home(url: str, slack: SlackStandIn, user_id: str) -> dict[str, Any]:
    """Open the Home tab and return the view Slack was asked to publish for that user."""
    before = len(slack.calls_to("views.publish"))
    event = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": f"D{user_id}",
        "tab": "home",
        "event_ts": f"{time.time():.6f}",
    }
    body = event_body(team_id=slack.team_id, event=event, event_id=f"EvHOME{next(_event_ids):06d}")
    assert post_signed(url + EVENTS_PATH, body, secret=SIGNING_SECRET).status == 200
    view = published(slack, user_id, after=before)
    assert view["type"] == "home" and len(view["blocks"]) <= HOME_BLOCK_LIMIT
    for block in view["blocks"]:
        Block.parse(block).to_dict()  # type: ignore[union-attr]  # slack_sdk validates it as Slack would
    return view


def published(slack: SlackStandIn, user_id: str, *, after: int, timeout: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = [c for c in slack.calls_to("views.publish")[after:] if c.params.get("user_id") == user_id]
        if calls:
            assert calls[-1].status == 200
            return view_of(calls[-1].params)
        time.sleep(0.02)
    raise TimeoutError(f"no views.publish for {user_id}")


def view_of(params: dict[str, Any]) -> dict[str, Any]:
    view = params["view"]
    return view if isinstance(view, dict) else json.loads(view)


def click(url: str, slack: SlackStandIn, user_id: str, action_id: str, value: str = "") -> int:
    """A button on the Home tab, as Slack posts it (block_actions from a view: no response_url)."""
    payload = {
        "type": "block_actions",
        "team": {"id": slack.team_id, "domain": "standin"},
        "user": {"id": user_id, "team_id": slack.team_id},
        "api_app_id": "A0CRMCOACH",
        "token": "deprecated",
        "container": {"type": "view", "view_id": "V0STANDIN"},
        "trigger_id": f"{time.time():.6f}.42.home",
        "view": {"id": "V0STANDIN", "type": "home", "blocks": []},
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return post_signed(url + EVENTS_PATH, interaction_body(payload), secret=SIGNING_SECRET).status


def submit(url: str, slack: SlackStandIn, user_id: str, callback_id: str, values: dict[str, Any]) -> Any:
    payload = view_submission_payload(
        team_id=slack.team_id, user_id=user_id, callback_id=callback_id, values=values
    )
    return post_signed(url + EVENTS_PATH, interaction_body(payload), secret=SIGNING_SECRET)


def blocks_of(view: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [block for block in view["blocks"] if block["type"] == kind]


def view_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)
