"""Slack identifiers (commands, block and action ids) in one place."""

COMMAND = "/crmcoach"

BLOCK_STATS_ATTENTION = "stats_attention"
BLOCK_STATS_FIELDS = "stats_fields"
