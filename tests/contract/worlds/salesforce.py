"""Salesforce: the real connector (simple-salesforce underneath) against the HTTPS stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.crm.base import CRMConnector
from bot.crm.salesforce import SalesforceConnector
from tests.contract.world import World
from tests.fakes.salesforce import SalesforceStandIn

# Small batches, so that every query in the contract suite pages through nextRecordsUrl.
BATCH_SIZE = 50


@contextmanager
def connector_for(world: World, tmp_path: Path) -> Iterator[CRMConnector]:
    with SalesforceStandIn(batch_size=BATCH_SIZE, workdir=tmp_path) as standin:
        standin.load_world(world)
        # A single-currency org whose API user may not read the Organization (no "View Setup"):
        # the currency lookup is refused, and every number must still come through. A world in several
        # currencies is a multi-currency org.
        standin.multi_currency = len({deal.currency for deal in world.deals}) > 1
        standin.hidden_objects = {"Organization"}
        # simple-salesforce turns any instance URL into https://, so the stand-in serves TLS with a
        # throwaway self-signed certificate, and the connector trusts exactly that certificate.
        connector = SalesforceConnector(
            instance_url=standin.origin,
            access_token=standin.access_token,
            verify=str(standin.ca_bundle),
            timeout=5.0,
        )
        try:
            yield connector
        finally:
            connector.close()
