"""build_app: the Bolt app with every listener registered; no module-level state."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.config import Settings
from bot.container import Container
from bot.slack import (
    actions,
    broadcast_buttons,
    caller,
    commands,
    composer,
    errors,
    home,
    messages,
)
from bot.slack.background import Background


def build_app(settings: Settings, container: Container) -> App:
    """Raises ConfigError for missing Slack settings, BoltError when Slack rejects the token."""
    settings.require_slack()
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = App(
        client=container.slack,
        signing_secret=secret,
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    background = Background()  # CRM and LLM work, off the pool Bolt runs the acks on
    caller.register(app, container)
    errors.register(app, container)
    commands.register(app, container, background)
    home.register(app, container)
    messages.register(app, container, background)
    actions.register(app, container)
    broadcast_buttons.register(app, container)
    composer.register(app, container)
    return app
