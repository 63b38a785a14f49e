"""What the Salesforce contract tests share: the connector factory type and small helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.config_crm import SalesforceCRM
from bot.crm.salesforce import SalesforceConnector
from tests.fakes.salesforce import SalesforceStandIn

Make = Callable[..., SalesforceConnector]
OWNER_LIST = re.compile(r"OwnerId IN \(([^)]*)\)")


def rest_requests(standin: SalesforceStandIn) -> list[Any]:
    return [r for r in standin.requests if r.path.startswith("/services/data/")]


def settings(**values: Any) -> SalesforceCRM:
    crm = Settings(_env_file=None, crm_connector="salesforce", **values).crm  # type: ignore[call-arg]
    assert isinstance(crm, SalesforceCRM)
    return crm
