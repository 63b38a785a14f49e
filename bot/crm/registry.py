"""Builds the configured CRM connector from Settings."""

from __future__ import annotations

from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.crm.base import CRMConnector
from bot.crm.demo import DemoConnector
from bot.crm.roster import Roster, RosterError


def build_connector(settings: Settings, *, engine: Engine) -> CRMConnector:
    """Raises ConfigError when the chosen connector lacks credentials or the roster is unusable."""
    settings.require_crm()
    roster = _roster(settings)
    match settings.crm_connector:
        case "demo":
            return DemoConnector(engine, stale_days=settings.crmcoach_stale_days)
        case "csv":
            return DemoConnector(
                engine, stale_days=settings.crmcoach_stale_days, display_name="your CRM (CSV)"
            )
        case "hubspot":
            from bot.crm.hubspot import build_hubspot

            return build_hubspot(settings, roster=roster)
        case "salesforce":
            from bot.crm.salesforce import build_salesforce

            return build_salesforce(settings, roster=roster)
        case "pipedrive":
            from bot.crm.pipedrive import build_pipedrive

            return build_pipedrive(settings, roster=roster)


def _roster(settings: Settings) -> Roster | None:
    if settings.crmcoach_roster_csv is None:
        return None
    try:
        return Roster.load(settings.crmcoach_roster_csv)
    except RosterError as exc:
        raise ConfigError({"CRMCOACH_ROSTER_CSV": str(exc)}) from None
