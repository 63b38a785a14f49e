"""Builds the configured CRM connector from Settings.

The only CRM module that reads Settings: each connector takes plain values (URLs, tokens, limits), and
the vendor modules are imported only when chosen, so a demo install never loads simple-salesforce.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from sqlalchemy import Engine

from bot.config import ConfigError, Settings
from bot.crm.base import CRMConnector
from bot.crm.demo import DemoConnector
from bot.crm.mirror import MirrorStore
from bot.crm.roster import Roster, RosterError
from bot.store.crm_mirror import SqlMirrorStore

if TYPE_CHECKING:
    from bot.crm.hubspot import HubSpotConnector
    from bot.crm.pipedrive import PipedriveConnector
    from bot.crm.salesforce import SalesforceConnector


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
            return build_hubspot(settings, roster=roster, mirror_store=_mirror(engine, settings))
        case "salesforce":
            return build_salesforce(settings, roster=roster, mirror_store=_mirror(engine, settings))
        case "pipedrive":
            return build_pipedrive(settings, roster=roster, mirror_store=_mirror(engine, settings))


def build_hubspot(
    settings: Settings, *, roster: Roster | None, mirror_store: MirrorStore | None = None
) -> HubSpotConnector:
    """The connector configured by HUBSPOT_* settings; raises ConfigError without an access token."""
    from bot.crm.hubspot import HubSpotConnector

    if settings.hubspot_access_token is None:
        raise ConfigError({"HUBSPOT_ACCESS_TOKEN": "missing (CRM_CONNECTOR=hubspot)"})
    return HubSpotConnector(
        access_token=settings.hubspot_access_token.get_secret_value(),
        api_url=settings.hubspot_api_url,
        timeout_seconds=settings.crm_timeout_seconds,
        requests_per_10s=settings.hubspot_requests_per_10s,
        stale_days=settings.crmcoach_stale_days,
        roster=roster,
        mirror_store=mirror_store,
    )


def build_salesforce(
    settings: Settings, *, roster: Roster | None, mirror_store: MirrorStore | None = None
) -> SalesforceConnector:
    """The connector the settings describe: an access token if one is set, otherwise a password sign-in."""
    from bot.crm.salesforce import SalesforceConnector

    settings.require_crm()
    access_token = settings.salesforce_access_token
    password = settings.salesforce_password
    token = settings.salesforce_security_token
    instance_url = settings.salesforce_instance_url
    if access_token is not None and instance_url and urlparse(instance_url).scheme != "https":
        raise ConfigError(
            {"SALESFORCE_INSTANCE_URL": "must start with https:// (Salesforce serves HTTPS only)"}
        )
    return SalesforceConnector(
        instance_url=instance_url,
        access_token=access_token.get_secret_value() if access_token is not None else None,
        username=settings.salesforce_username,
        password=password.get_secret_value() if password is not None else None,
        security_token=token.get_secret_value() if token is not None else None,
        domain=settings.salesforce_domain,
        api_version=settings.salesforce_api_version,
        timeout=settings.crm_timeout_seconds,
        stale_days=settings.crmcoach_stale_days,
        roster=roster,
        mirror_store=mirror_store,
    )


def build_pipedrive(
    settings: Settings, *, roster: Roster | None, mirror_store: MirrorStore | None = None
) -> PipedriveConnector:
    """The connector from PIPEDRIVE_API_TOKEN, PIPEDRIVE_API_URL, CRM_TIMEOUT_SECONDS, stale days."""
    from bot.crm.pipedrive import PipedriveConnector

    if settings.pipedrive_api_token is None:
        raise ConfigError({"PIPEDRIVE_API_TOKEN": "missing (CRM_CONNECTOR=pipedrive)"})
    return PipedriveConnector(
        base_url=settings.pipedrive_api_url,
        api_token=settings.pipedrive_api_token.get_secret_value(),
        timeout_seconds=settings.crm_timeout_seconds,
        stale_days=settings.crmcoach_stale_days,
        roster=roster,
        requests_per_window=settings.pipedrive_requests_per_2s,
        mirror_store=mirror_store,
    )


def _mirror(engine: Engine, settings: Settings) -> SqlMirrorStore:
    """Where incremental refreshes keep the last read: one per CRM account (URL and credential)."""
    account = {
        "hubspot": (settings.hubspot_api_url, settings.hubspot_access_token),
        "salesforce": (
            settings.salesforce_instance_url or settings.salesforce_username or "",
            settings.salesforce_access_token or settings.salesforce_password,
        ),
        "pipedrive": (settings.pipedrive_api_url, settings.pipedrive_api_token),
    }[settings.crm_connector]
    url, secret = account
    fingerprint = hashlib.sha256(secret.get_secret_value().encode()).hexdigest()[:16] if secret else ""
    return SqlMirrorStore(engine, source=f"{settings.crm_connector}:{url}:{fingerprint}")


def _roster(settings: Settings) -> Roster | None:
    if settings.crmcoach_roster_csv is None:
        return None
    try:
        return Roster.load(settings.crmcoach_roster_csv)
    except RosterError as exc:
        raise ConfigError({"CRMCOACH_ROSTER_CSV": str(exc)}) from None
