"""Slack identifiers (commands, block and action ids) in one place."""

# The ids on what the bot posts are set by the renderers; they live with them.
from bot.render.ids import (
    ACTION_BROADCAST_DONE,
    ACTION_BROADCAST_HELP,
    ACTION_TASK_DONE,
    ACTION_TASK_NOT_RELEVANT,
    ACTION_TASK_SNOOZE,
    BLOCK_BROADCAST_ACTIONS,
    BLOCK_STATS_ATTENTION,
    BLOCK_STATS_FIELDS,
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
