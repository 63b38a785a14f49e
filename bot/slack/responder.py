"""Replies through a command's response_url (ephemeral), with Slack's retry handlers. Direct messages
and channel posts go through the outbox: bot/delivery/outbound.py."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.webhook import WebhookClient

from bot.container import SLACK_TIMEOUT_SECONDS, slack_retry_handlers

log = logging.getLogger(__name__)


def reply_ephemeral(response_url: str, message: dict[str, Any]) -> bool:
    """Post an ephemeral reply; returns False (and logs) when Slack refuses it."""
    client = WebhookClient(
        url=response_url, timeout=SLACK_TIMEOUT_SECONDS, retry_handlers=slack_retry_handlers()
    )
    try:
        response = client.send_dict({"response_type": "ephemeral", **message})  # message may override
    except OSError as exc:
        log.error("response_url unreachable: %s", exc)
        return False
    if response.status_code != 200:
        log.error("response_url refused the reply: HTTP %s %s", response.status_code, response.body[:200])
        return False
    return True


def replace_message(response_url: str, message: dict[str, Any]) -> bool:
    """Replace the message a button was clicked in (block_actions response_url)."""
    return reply_ephemeral(response_url, {**message, "replace_original": True, "response_type": "in_channel"})
