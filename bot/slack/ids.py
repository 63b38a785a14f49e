"""Slack identifiers (commands, block and action ids) in one place."""

# The buttons on outbound messages are rendered in bot/delivery; their ids live with the renderer.
from bot.delivery.blockkit import (
    ACTION_BROADCAST_DONE,
    ACTION_BROADCAST_HELP,
    ACTION_TASK_DONE,
    ACTION_TASK_NOT_RELEVANT,
    ACTION_TASK_SNOOZE,
    BLOCK_BROADCAST_ACTIONS,
    BLOCK_TASK_ACTIONS,
    DELIVERY_EVENT_TYPE,
    TASK_ACTIONS,
)

__all__ = [
    "ACTION_BROADCAST_DONE",
    "ACTION_BROADCAST_HELP",
    "ACTION_TASK_DONE",
    "ACTION_TASK_NOT_RELEVANT",
    "ACTION_TASK_SNOOZE",
    "BLOCK_BROADCAST_ACTIONS",
    "BLOCK_STATS_ATTENTION",
    "BLOCK_STATS_FIELDS",
    "BLOCK_TASK_ACTIONS",
    "COMMAND",
    "DELIVERY_EVENT_TYPE",
    "TASK_ACTIONS",
]

COMMAND = "/crmcoach"

BLOCK_STATS_ATTENTION = "stats_attention"
BLOCK_STATS_FIELDS = "stats_fields"
