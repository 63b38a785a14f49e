"""`user_change`: Slack tells us a person was deactivated (deleted) or is active again. One thin listener;
the rule (unreachable managers get nothing new planned) lives in bot/delivery/enroll.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.container import Container
from bot.delivery.enroll import note_slack_user


def register(app: App, container: Container) -> None:
    @app.event("user_change")
    def on_user_change(event: dict[str, Any], body: dict[str, Any]) -> None:
        user = event.get("user")
        if not isinstance(user, dict) or not user.get("id"):
            return
        team_id = str(body.get("team_id") or user.get("team_id") or "")
        note_slack_user(
            sessions=container.sessions,
            team_id=team_id,
            slack_user_id=str(user["id"]),
            deleted=bool(user.get("deleted")),
            now=container.clock(),
        )
