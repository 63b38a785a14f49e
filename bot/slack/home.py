"""App Home: a short welcome and the command overview, in the user's language."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.coaching.identity import profile_language
from bot.container import Container
from bot.slack import blocks

log = logging.getLogger(__name__)


def register(app: App, container: Container) -> None:
    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        user_id = event["user"]
        language = profile_language(
            sessions=container.sessions,
            slack=client,
            team_id=body["team_id"],
            slack_user_id=user_id,
            now=container.clock(),
        )
        try:
            client.views_publish(user_id=user_id, view=blocks.home_view(language))
        except SlackApiError as exc:
            log.error("views.publish failed for %s: %s", user_id, exc.response.get("error"))
