"""Builds the configured CRM connector from the CRM settings (one model per CRM_CONNECTOR).

The only CRM module that reads settings: each connector takes plain values (URLs, tokens, limits), and
the vendor modules are imported only when chosen, so a demo install never loads simple-salesforce.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from pydantic import SecretStr
from sqlalchemy import Engine

from bot.config import ConfigError
from bot.config_crm import CRMSettings, CsvCRM, DemoCRM, HubSpotCRM, PipedriveCRM, RemoteCRM, SalesforceCRM
from bot.crm.base import CRMConnector
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import STAGES
from bot.crm.mirror import MirrorStore
from bot.crm.roster import Roster, RosterError
from bot.store.crm_mirror import SqlMirrorStore

if TYPE_CHECKING:
    from bot.crm.hubspot import HubSpotConnector
    from bot.crm.pipedrive import PipedriveConnector
    from bot.crm.salesforce import SalesforceConnector


def build_connector(settings: CRMSettings, *, engine: Engine) -> CRMConnector:
    """Raises ConfigError when the roster is unusable (missing credentials fail when settings load)."""
    match settings:
        case DemoCRM():
            return DemoConnector(engine, stale_days=settings.stale_days, stage_order=STAGES)
        case CsvCRM():
            return DemoConnector(engine, stale_days=settings.stale_days, display_name="CRM (CSV)")
        case HubSpotCRM():
            return build_hubspot(settings, roster=_roster(settings), mirror_store=_mirror(engine, settings))
        case SalesforceCRM():
            salesforce_mirror = _mirror(engine, settings)
            return build_salesforce(settings, roster=_roster(settings), mirror_store=salesforce_mirror)
        case PipedriveCRM():
            return build_pipedrive(settings, roster=_roster(settings), mirror_store=_mirror(engine, settings))


def build_hubspot(
    settings: HubSpotCRM, *, roster: Roster | None, mirror_store: MirrorStore | None = None
) -> HubSpotConnector:
    """The connector configured by HUBSPOT_* settings."""
    from bot.crm.hubspot import HubSpotConnector

    return HubSpotConnector(
        access_token=settings.access_token.get_secret_value(),
        api_url=settings.api_url,
        timeout_seconds=settings.timeout_seconds,
        requests_per_10s=settings.requests_per_10s,
        stale_days=settings.stale_days,
        roster=roster,
        mirror_store=mirror_store,
    )


def build_salesforce(
    settings: SalesforceCRM, *, roster: Roster | None, mirror_store: MirrorStore | None = None
) -> SalesforceConnector:
    """The connector the settings describe: an access token if one is set, otherwise a password sign-in."""
    from bot.crm.salesforce import SalesforceConnector

    access_token, password, token = settings.access_token, settings.password, settings.security_token
    return SalesforceConnector(
        instance_url=settings.instance_url,
        access_token=access_token.get_secret_value() if access_token is not None else None,
        username=settings.username,
        password=password.get_secret_value() if password is not None else None,
        security_token=token.get_secret_value() if token is not None else None,
        domain=settings.domain,
        api_version=settings.api_version,
        timeout=settings.timeout_seconds,
        stale_days=settings.stale_days,
        roster=roster,
        mirror_store=mirror_store,
    )


def build_pipedrive(
    settings: PipedriveCRM, *, roster: Roster | None, mirror_store: MirrorStore | None = None
) -> PipedriveConnector:
    """The connector from PIPEDRIVE_API_TOKEN, PIPEDRIVE_API_URL, CRM_TIMEOUT_SECONDS, stale days."""
    from bot.crm.pipedrive import PipedriveConnector

    return PipedriveConnector(
        base_url=settings.api_url,
        api_token=settings.api_token.get_secret_value(),
        timeout_seconds=settings.timeout_seconds,
        stale_days=settings.stale_days,
        roster=roster,
        requests_per_window=settings.requests_per_2s,
        mirror_store=mirror_store,
    )


def _mirror(engine: Engine, settings: RemoteCRM) -> SqlMirrorStore:
    """Where incremental refreshes keep the last read: one per CRM account (URL and credential)."""
    secret: SecretStr | None
    match settings:
        case HubSpotCRM():
            url, secret = settings.api_url, settings.access_token
        case SalesforceCRM():
            url = settings.instance_url or settings.username or ""
            secret = settings.access_token or settings.password
        case PipedriveCRM():
            url, secret = settings.api_url, settings.api_token
    fingerprint = hashlib.sha256(secret.get_secret_value().encode()).hexdigest()[:16] if secret else ""
    return SqlMirrorStore(engine, source=f"{settings.connector}:{url}:{fingerprint}")


def _roster(settings: RemoteCRM) -> Roster | None:
    if settings.roster_csv is None:
        return None
    try:
        return Roster.load(settings.roster_csv)
    except RosterError as exc:
        raise ConfigError({"CRMCOACH_ROSTER_CSV": str(exc)}) from None
