"""Shared behaviour of the API connectors: they fetch raw records, this turns them into stats.

Bulk runs (all_manager_stats) keep what they read in a Mirror (bot/crm/mirror.py): a connector that
implements fetch_changes then reads only what changed since, with a full read at least weekly.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from bot.crm.aggregate import CLOSED_WINDOW, stats_from_snapshot
from bot.crm.base import (
    ActivityRecord,
    CRMError,
    CRMNotFoundError,
    CRMSnapshot,
    DealRecord,
    DealStage,
    ManagerStats,
    Owner,
)
from bot.crm.mirror import Changes, Mirror, MirrorStore, RefreshInfo
from bot.crm.roster import Roster

log = logging.getLogger(__name__)

OWNER_CACHE_SECONDS = 300.0  # owners and stage settings: both change rarely
ACTIVITY_DAYS = 7


class SnapshotConnector(ABC):
    """Subclasses implement the three fetch_* methods against their vendor's API.

    fetch_* must raise only CRMError subclasses, honour the vendor's rate limits and paginate fully.
    """

    display_name: str = "CRM"

    def __init__(
        self, *, stale_days: int = 14, roster: Roster | None = None, mirror_store: MirrorStore | None = None
    ) -> None:
        self.stale_days = stale_days
        self._mirror_store = mirror_store
        # Subclasses count every HTTP request they send (benchmarks report requests per manager).
        self.requests_made = 0
        self._roster = roster
        self._owners: list[Owner] | None = None
        self._owners_at = 0.0
        self._stage_list: tuple[DealStage, ...] | None = None
        self._stages_at = 0.0
        self._mirror: Mirror | None = None
        self.last_refresh: RefreshInfo | None = None  # how the last all_manager_stats read the CRM

    # --- what each vendor implements -------------------------------------------------------
    @abstractmethod
    def fetch_owners(self) -> list[Owner]:
        """Every active CRM user who can own deals, with manager_crm_id from the CRM's structure."""

    @abstractmethod
    def fetch_deals(self, *, owner_ids: Sequence[str] | None, closed_since: datetime) -> list[DealRecord]:
        """Open deals plus deals closed since `closed_since`; only these owners' when owner_ids is given."""

    @abstractmethod
    def fetch_activities(self, *, owner_ids: Sequence[str] | None, since: datetime) -> list[ActivityRecord]:
        """Activities (calls, meetings, e-mails, tasks) that happened since `since`."""

    def fetch_stages(self) -> list[DealStage]:
        """Every deal stage the CRM defines, in pipeline order; [] where the CRM has none to describe."""
        return []

    # --- the CRMConnector protocol -----------------------------------------------------------
    def list_owners(self) -> list[Owner]:
        if self._owners is None or time.monotonic() - self._owners_at > OWNER_CACHE_SECONDS:
            owners = self.fetch_owners()
            self._owners = self._roster.apply(owners) if self._roster else owners
            self._owners_at = time.monotonic()
        return list(self._owners)

    def find_owner_by_email(self, email: str) -> Owner | None:
        wanted = email.strip().lower()
        if not wanted:
            return None  # owners without an e-mail address carry "", which must never match
        return next((owner for owner in self.list_owners() if owner.email.lower() == wanted), None)

    def get_owner(self, crm_id: str) -> Owner:
        for owner in self.list_owners():
            if owner.crm_id == crm_id:
                return owner
        raise CRMNotFoundError(f"{self.display_name} has no user with id {crm_id}.")

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        manager = self.get_owner(crm_id)
        team = [owner.crm_id for owner in self.list_owners() if owner.manager_crm_id == crm_id]
        snapshot = self.snapshot(now=now, owner_ids=[manager.crm_id, *team])
        return self._stats(snapshot, now=now, manager_ids=[crm_id])[crm_id]

    def all_manager_stats(self, *, now: datetime) -> dict[str, ManagerStats]:
        return self._stats(self._bulk_snapshot(now), now=now, manager_ids=None)

    def fetch_changes(self, *, since: datetime, now: datetime) -> Changes | None:
        """Every deal and activity changed since `since`, deletions included, as they count at `now`;
        None: not supported."""
        return None

    def _bulk_snapshot(self, now: datetime) -> CRMSnapshot:
        """A full read, or, after one (and less than a week on), the last read patched with the changes."""
        if self._mirror is None and self._mirror_store is not None:
            stored = self._mirror_store.load()
            self._mirror = Mirror.from_stored(stored) if stored is not None else None
        mirror = self._mirror
        changes = None
        if mirror is not None and not mirror.due_for_full_read(now):
            changes = self.fetch_changes(since=mirror.changed_since(), now=now)
        if mirror is None or changes is None:
            snapshot = self.snapshot(now=now)
            self._mirror = Mirror.from_snapshot(snapshot)
            if self._mirror_store is not None:
                self._mirror.save_full(self._mirror_store)
            self.last_refresh = RefreshInfo("full", len(snapshot.deals) + len(snapshot.activities))
            return snapshot
        mirror.apply(changes, now=now, store=self._mirror_store)
        self.last_refresh = RefreshInfo("incremental", changes.count)
        stages = self._stages()
        return replace(
            mirror.snapshot(self.list_owners(), now=now), stages=stages or (), stages_unread=stages is None
        )

    def snapshot(self, *, now: datetime, owner_ids: Sequence[str] | None = None) -> CRMSnapshot:
        stages = self._stages()
        return CRMSnapshot(
            owners=tuple(self.list_owners()),
            deals=tuple(self.fetch_deals(owner_ids=owner_ids, closed_since=now - CLOSED_WINDOW)),
            activities=tuple(
                self.fetch_activities(owner_ids=owner_ids, since=now - timedelta(days=ACTIVITY_DAYS))
            ),
            fetched_at=now,
            stages=stages or (),
            stages_unread=stages is None,
        )

    def _stages(self) -> tuple[DealStage, ...] | None:
        """Read at most once per stats run, and kept like the owners. A refusal is not kept (the next
        run asks again); meanwhile the last stages read serve, however old: stage names change rarely.
        None: refused and none read before; the other numbers are still served, without stages."""
        if self._stage_list is not None and time.monotonic() - self._stages_at <= OWNER_CACHE_SECONDS:
            return self._stage_list
        try:
            self._stage_list = tuple(self.fetch_stages())
        except CRMError as error:
            log.warning("crm.stages_unavailable crm=%s error=%s", self.display_name, error)
            return self._stage_list
        self._stages_at = time.monotonic()
        return self._stage_list

    def _stats(
        self, snapshot: CRMSnapshot, *, now: datetime, manager_ids: Sequence[str] | None
    ) -> dict[str, ManagerStats]:
        return stats_from_snapshot(
            snapshot, now=now, stale_days=self.stale_days, source=self.display_name, manager_ids=manager_ids
        )
