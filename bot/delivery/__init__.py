"""Scheduled delivery: planning, the outbox, sending."""
