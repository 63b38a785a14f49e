"""CRM Coach: a Slack bot that coaches managers to use their CRM."""
