"""Persistence: engine, models and queries."""
