"""Slack identifiers (commands, block and action ids) in one place."""

COMMAND = "/crmcoach"

BLOCK_STATS_ATTENTION = "stats_attention"
BLOCK_STATS_FIELDS = "stats_fields"

BLOCK_TASK_ACTIONS = "task_actions"
ACTION_TASK_DONE = "task_done"
ACTION_TASK_SNOOZE = "task_snooze"
ACTION_TASK_NOT_RELEVANT = "task_not_relevant"
TASK_ACTIONS = (ACTION_TASK_DONE, ACTION_TASK_SNOOZE, ACTION_TASK_NOT_RELEVANT)

DELIVERY_EVENT_TYPE = "crmcoach_delivery"

BLOCK_BROADCAST_ACTIONS = "broadcast_actions"
ACTION_BROADCAST_DONE = "broadcast_done"
ACTION_BROADCAST_HELP = "broadcast_help"
