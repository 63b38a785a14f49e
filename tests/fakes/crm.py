"""Connector doubles for failure paths the demo CRM cannot produce on its own."""

from __future__ import annotations

import threading
from datetime import datetime

from bot.crm.base import CRMConnector, CRMUnavailableError, ManagerStats, Owner


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

    def list_owners(self) -> list[Owner]:
        return self.inner.list_owners()

    def all_manager_stats(self, *, now: datetime) -> dict[str, ManagerStats]:
        return self.inner.all_manager_stats(now=now)

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        self.entered.set()
        if not self.gate.wait(timeout=20):
            raise TimeoutError("the test never opened the gate")
        return self.inner.manager_stats(crm_id, now=now)


class ExplodingConnector(GatedConnector):
    """A connector with a bug: raises something that is not a CRMError."""

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        raise KeyError("dealstage")


class CountingConnector(GatedConnector):
    """Counts stats calls; can be switched to fail like an unreachable CRM."""

    def __init__(self, inner: CRMConnector) -> None:
        super().__init__(inner)
        self.calls = 0
        self.down = False

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        self.calls += 1
        if self.down:
            raise CRMUnavailableError("The CRM is not answering right now.")
        return self.inner.manager_stats(crm_id, now=now)

    def all_manager_stats(self, *, now: datetime) -> dict[str, ManagerStats]:
        self.calls += 1
        return self.inner.all_manager_stats(now=now)
