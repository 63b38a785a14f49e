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
    data_actions,
    errors,
    home,
    home_actions,
    lifecycle,
    messages,
    replays,
    settings_modal,
    user_events,
)
from bot.slack.caller_memory import CallerMemory
from bot.slack.lazy import InProcess
from bot.slack.router import LazyWork


def build_app(settings: Settings, container: Container, *, later: LazyWork | None = None) -> App:
    """Raises ConfigError for missing Slack settings, BoltError when Slack rejects the token.

    `later` runs the work after each ack (CRM, LLM); by default on threads of this process.
    """
    settings.slack.require()
    secret = settings.slack.signing_secret.get_secret_value() if settings.slack.signing_secret else ""
    app = App(
        client=container.slack,
        signing_secret=secret,
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=not settings.slack.socket_mode,
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    later = later or InProcess(container)
    memory = CallerMemory(container.sessions)  # what each request needs, without a database read
    caller.register(app, container, memory)
    replays.register(app, container)
    errors.register(app, container)
    commands.register(app, container, later)
    home.register(app, container)
    messages.register(app, container, later)
    actions.register(app, container)
    broadcast_buttons.register(app, container)
    composer.register(app, container)
    user_events.register(app, container)
    home_actions.register(app, container)
    settings_modal.register(app, container)
    data_actions.register(app, container)
    lifecycle.register(app, container, memory)
    return app
