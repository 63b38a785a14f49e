"""build_app: the Bolt app with every listener registered; no module-level state."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.config import Settings
from bot.container import Container
from bot.slack import (
    actions,
    coach_commands,
    commands,
    composer,
    data_actions,
    home,
    home_actions,
    lifecycle,
    messages,
    settings_modal,
    user_events,
)


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
    commands.register(app, container)
    home.register(app, container)
    messages.register(app, container)
    actions.register(app, container)
    coach_commands.register(app, container)
    composer.register(app, container)
    user_events.register(app, container)
    home_actions.register(app, container)
    settings_modal.register(app, container)
    data_actions.register(app, container)
    lifecycle.register(app, container)
    return app
