"""CRM settings: one model per CRM_CONNECTOR, each with only its own fields (required ones required)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self
from urllib.parse import urlparse

from pydantic import Field, SecretStr, model_validator
from pydantic_core import PydanticCustomError

from bot.config_types import Group

CRMConnectorName = Literal["demo", "csv", "hubspot", "salesforce", "pipedrive"]
CONNECTOR_HINT = "one of: demo, csv, hubspot, salesforce, pipedrive"


class _CRM(Group):
    connector: CRMConnectorName = Field("demo", alias="CRM_CONNECTOR", description=CONNECTOR_HINT)
    stale_days: int = Field(
        14,
        ge=1,
        le=365,
        alias="CRMCOACH_STALE_DAYS",
        description="a whole number of days between 1 and 365: a deal is stale after that long without "
        "activity",
    )
    stats_ttl_minutes: int = Field(
        60,
        ge=1,
        le=10080,
        alias="CRMCOACH_STATS_TTL_MINUTES",
        description="how long fetched CRM numbers are reused, in minutes (1 to 10080)",
    )


class DemoCRM(_CRM):
    title: ClassVar[str] = "CRM (every connector)"
    connector: Literal["demo"] = Field("demo", alias="CRM_CONNECTOR", description=CONNECTOR_HINT)


class CsvCRM(_CRM):
    title: ClassVar[str] = "CSV export (CRM_CONNECTOR=csv; load it with `crmcoach crm import-csv`)"
    connector: Literal["csv"] = Field(alias="CRM_CONNECTOR", description=CONNECTOR_HINT)


class _RemoteCRM(_CRM):
    title: ClassVar[str] = "CRM APIs (hubspot, salesforce, pipedrive)"
    timeout_seconds: float = Field(
        10.0,
        ge=1,
        le=120,
        alias="CRM_TIMEOUT_SECONDS",
        description="seconds to wait for one CRM request (1 to 120)",
    )
    roster_csv: Path | None = Field(
        None,
        alias="CRMCOACH_ROSTER_CSV",
        description="the path of a CSV file with the columns email,manager_email (teams where the CRM has "
        "none)",
    )


class HubSpotCRM(_RemoteCRM):
    title: ClassVar[str] = "HubSpot (CRM_CONNECTOR=hubspot)"
    connector: Literal["hubspot"] = Field(alias="CRM_CONNECTOR", description=CONNECTOR_HINT)
    access_token: SecretStr = Field(
        alias="HUBSPOT_ACCESS_TOKEN",
        description="a HubSpot private app access token (pat-…) with crm.objects.deals.read, "
        "crm.objects.owners.read and the engagement read scopes",
    )
    api_url: str = Field(
        "https://api.hubapi.com", alias="HUBSPOT_API_URL", description="the HubSpot API base URL"
    )
    requests_per_10s: int = Field(
        100,
        ge=1,
        le=1000,
        alias="HUBSPOT_REQUESTS_PER_10S",
        description="your HubSpot tier's burst limit: 100 (Free/Starter) or 190 (Pro/Enterprise)",
    )


class SalesforceCRM(_RemoteCRM):
    """An access token (with the instance URL), or a password sign-in (username, password, security token)."""

    title: ClassVar[str] = "Salesforce (CRM_CONNECTOR=salesforce)"
    connector: Literal["salesforce"] = Field(alias="CRM_CONNECTOR", description=CONNECTOR_HINT)
    instance_url: str | None = Field(
        None,
        alias="SALESFORCE_INSTANCE_URL",
        description="your org's instance URL, e.g. https://yourorg.my.salesforce.com (with an access token)",
    )
    access_token: SecretStr | None = Field(
        None,
        alias="SALESFORCE_ACCESS_TOKEN",
        description="an OAuth access token, or SALESFORCE_USERNAME + _PASSWORD + _SECURITY_TOKEN",
    )
    username: str | None = Field(
        None, alias="SALESFORCE_USERNAME", description="the integration user's Salesforce username"
    )
    password: SecretStr | None = Field(
        None,
        alias="SALESFORCE_PASSWORD",
        description="the integration user's password (with SALESFORCE_USERNAME)",
    )
    security_token: SecretStr | None = Field(
        None,
        alias="SALESFORCE_SECURITY_TOKEN",
        description="the integration user's security token (Settings → Reset My Security Token)",
    )
    domain: str = Field(
        "login", alias="SALESFORCE_DOMAIN", description="login for production orgs, test for sandboxes"
    )
    api_version: str = Field(
        "62.0", alias="SALESFORCE_API_VERSION", description="a REST API version such as 62.0"
    )

    @model_validator(mode="after")
    def _one_way_to_sign_in(self) -> Self:
        if self.access_token is not None:
            if not self.instance_url:
                raise _missing("SALESFORCE_INSTANCE_URL", "needed with SALESFORCE_ACCESS_TOKEN")
            if urlparse(self.instance_url).scheme != "https":
                raise PydanticCustomError(
                    "setting",
                    "must start with https:// (Salesforce serves HTTPS only)",
                    {"setting": "SALESFORCE_INSTANCE_URL"},
                )
        elif not (self.username and self.password):
            raise _missing("SALESFORCE_ACCESS_TOKEN", "CRM_CONNECTOR=salesforce")
        return self


class PipedriveCRM(_RemoteCRM):
    title: ClassVar[str] = "Pipedrive (CRM_CONNECTOR=pipedrive)"
    connector: Literal["pipedrive"] = Field(alias="CRM_CONNECTOR", description=CONNECTOR_HINT)
    api_token: SecretStr = Field(
        alias="PIPEDRIVE_API_TOKEN", description="a Pipedrive API token (Personal preferences → API)"
    )
    api_url: str = Field(
        "https://api.pipedrive.com",
        alias="PIPEDRIVE_API_URL",
        description="your company's Pipedrive URL, e.g. https://yourcompany.pipedrive.com",
    )
    requests_per_2s: int = Field(
        20,
        ge=1,
        le=1000,
        alias="PIPEDRIVE_REQUESTS_PER_2S",
        description="your plan's burst limit per 2 seconds (API token: 20, 40, 80 or 120)",
    )


CRMSettings = Annotated[
    DemoCRM | CsvCRM | HubSpotCRM | SalesforceCRM | PipedriveCRM, Field(discriminator="connector")
]
CRM_VARIANTS: tuple[type[_CRM], ...] = (DemoCRM, CsvCRM, HubSpotCRM, SalesforceCRM, PipedriveCRM)
# In the docs: the shared fields first (DemoCRM has every connector's), then each variant's own.
DOCUMENTED_CRM: tuple[type[_CRM], ...] = (DemoCRM, _RemoteCRM, HubSpotCRM, SalesforceCRM, PipedriveCRM)
RemoteCRM = HubSpotCRM | SalesforceCRM | PipedriveCRM


def _missing(setting: str, why: str) -> PydanticCustomError:
    return PydanticCustomError("setting", "missing ({why})", {"setting": setting, "why": why})
