"""Builds the configured CRM connector from Settings."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.config import Settings
from bot.crm.base import CRMConnector
from bot.crm.demo import DemoConnector


def build_connector(settings: Settings, *, engine: Engine) -> CRMConnector:
    # Settings validates CRM_CONNECTOR against the known names; new connectors register here.
    if settings.crm_connector == "demo":
        return DemoConnector(engine, stale_days=settings.crmcoach_stale_days)
    raise AssertionError(f"unhandled connector {settings.crm_connector!r}")  # pragma: no cover
