"""Slack ids the renderers put on what the bot posts (the Slack listeners answer to the same ids), and
the metadata event types that say what kind of bot message a Slack message is."""

# Metadata event types: what kind of bot message a Slack message is.
DELIVERY_EVENT_TYPE = "crmcoach_delivery"
ANSWER_EVENT_TYPE = "crmcoach_answer"
BROADCAST_EVENT_TYPE = "crmcoach_broadcast"

BLOCK_TASK_ACTIONS = "task_actions"
ACTION_TASK_DONE = "task_done"
ACTION_TASK_SNOOZE = "task_snooze"
ACTION_TASK_NOT_RELEVANT = "task_not_relevant"
TASK_ACTIONS = (ACTION_TASK_DONE, ACTION_TASK_SNOOZE, ACTION_TASK_NOT_RELEVANT)

BLOCK_BROADCAST_ACTIONS = "broadcast_actions"
ACTION_BROADCAST_DONE = "broadcast_done"
ACTION_BROADCAST_HELP = "broadcast_help"

BLOCK_STATS_ATTENTION = "stats_attention"
BLOCK_STATS_FIELDS = "stats_fields"
