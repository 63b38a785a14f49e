"""The one layer that knows Block Kit: plain data from coaching in, Slack messages and views out.

Nothing here reads the database, the container, the settings or Slack; bot/delivery and bot/slack call
these functions and post what they return."""
