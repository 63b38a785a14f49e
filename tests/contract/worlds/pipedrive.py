"""The Pipedrive connector, pointed at a Pipedrive stand-in that serves the world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.crm.base import CRMConnector
from bot.crm.pipedrive import PipedriveConnector
from tests.contract.world import World
from tests.fakes.pipedrive import PipedriveStandIn


@contextmanager
def connector_for(world: World, tmp_path: Path) -> Iterator[CRMConnector]:
    del tmp_path  # nothing to store on disk
    with PipedriveStandIn.from_world(world) as standin:
        connector = PipedriveConnector(
            base_url=standin.base_url,
            api_token=standin.api_token,
            timeout_seconds=5.0,
            # The contract is about numbers: a generous burst budget keeps it fast; pages of 100
            # make the world's ~170 open deals span two pages.
            requests_per_window=1000,
            page_size=100,
        )
        try:
            yield connector
        finally:
            connector.close()
