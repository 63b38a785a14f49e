"""Connector doubles for failure paths the demo CRM cannot produce on its own."""

from __future__ import annotations

import threading
from datetime import datetime

from bot.crm.base import CRMConnector, ManagerStats, Owner


class GatedConnector:
    """Wraps a real connector; manager_stats waits until the test opens the gate."""

    def __init__(self, inner: CRMConnector) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.entered = threading.Event()

    @property
    def display_name(self) -> str:
        return self.inner.display_name

    def find_owner_by_email(self, email: str) -> Owner | None:
        return self.inner.find_owner_by_email(email)

    def get_owner(self, crm_id: str) -> Owner:
        return self.inner.get_owner(crm_id)

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        self.entered.set()
        if not self.gate.wait(timeout=20):
            raise TimeoutError("the test never opened the gate")
        return self.inner.manager_stats(crm_id, now=now)


class ExplodingConnector(GatedConnector):
    """A connector with a bug: raises something that is not a CRMError."""

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        raise KeyError("dealstage")
