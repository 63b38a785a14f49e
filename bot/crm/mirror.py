"""What the last bulk read saw, kept so that the next refresh reads only what changed since.

A full read fills the mirror; an incremental read patches it with the records changed since the last
read (an overlap of a few minutes absorbs clock skew between us and the CRM) and drops the ones that
were deleted, or that stopped counting (a task reopened). Stats are computed from the mirror exactly as
from a full snapshot, so both give the same numbers. A full read happens at least every FULL_READ_EVERY.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal, Protocol

from bot.crm.aggregate import ACTIVITY_WINDOW, CLOSED_WINDOW
from bot.crm.base import ActivityRecord, CRMSnapshot, DealRecord, Owner
from bot.store.crm_mirror import StoredMirror

FULL_READ_EVERY = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Changes:
    """Records changed since a moment: new or updated ones, and the ids of those that no longer count."""

    deals: tuple[DealRecord, ...] = ()
    activities: tuple[ActivityRecord, ...] = ()
    removed_deal_ids: frozenset[str] = frozenset()
    removed_activity_ids: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return (
            len(self.deals)
            + len(self.activities)
            + len(self.removed_deal_ids)
            + len(self.removed_activity_ids)
        )


@dataclass(frozen=True, slots=True)
class RefreshInfo:
    """How the last bulk refresh read the CRM: "full" or "incremental", and how many records it read."""

    kind: Literal["full", "incremental"]
    records: int


class MirrorStore(Protocol):
    """Where a mirror outlives the process (bot/store/crm_mirror.py): `crm refresh` runs from cron."""

    def load(self) -> StoredMirror | None: ...

    def save(
        self,
        *,
        read_at: datetime,
        full_read_at: datetime,
        upserts: Mapping[str, Mapping[str, dict[str, Any]]],
        deletes: Mapping[str, Collection[str]],
        replace: bool,
    ) -> None: ...


@dataclass(slots=True)
class Mirror:
    deals: dict[str, DealRecord]
    activities: dict[str, ActivityRecord]
    read_at: datetime
    full_read_at: datetime

    @classmethod
    def from_snapshot(cls, snapshot: CRMSnapshot) -> Mirror:
        return cls(
            deals={deal.deal_id: deal for deal in snapshot.deals},
            activities={activity.activity_id: activity for activity in snapshot.activities},
            read_at=snapshot.fetched_at,
            full_read_at=snapshot.fetched_at,
        )

    @classmethod
    def from_stored(cls, stored: StoredMirror) -> Mirror:
        deals = (deal_from_json(payload) for payload in stored.records.get("deal", {}).values())
        activities = (activity_from_json(p) for p in stored.records.get("activity", {}).values())
        return cls(
            deals={deal.deal_id: deal for deal in deals},
            activities={activity.activity_id: activity for activity in activities},
            read_at=stored.read_at,
            full_read_at=stored.full_read_at,
        )

    def save_full(self, store: MirrorStore) -> None:
        store.save(
            read_at=self.read_at,
            full_read_at=self.full_read_at,
            upserts={
                "deal": {i: deal_to_json(d) for i, d in self.deals.items()},
                "activity": {i: activity_to_json(a) for i, a in self.activities.items()},
            },
            deletes={},
            replace=True,
        )

    def due_for_full_read(self, now: datetime) -> bool:
        return now < self.read_at or now - self.full_read_at >= FULL_READ_EVERY

    def changed_since(self) -> datetime:
        return self.read_at - CLOCK_SKEW

    def apply(self, changes: Changes, *, now: datetime, store: MirrorStore | None = None) -> None:
        for deal_id in changes.removed_deal_ids:
            self.deals.pop(deal_id, None)
        for activity_id in changes.removed_activity_ids:
            self.activities.pop(activity_id, None)
        self.deals.update((deal.deal_id, deal) for deal in changes.deals)
        self.activities.update((activity.activity_id, activity) for activity in changes.activities)
        self.read_at = now
        gone_deals, gone_activities = self._forget_what_no_longer_counts(now)
        if store is None:
            return
        store.save(
            read_at=self.read_at,
            full_read_at=self.full_read_at,
            upserts={
                "deal": {d.deal_id: deal_to_json(d) for d in changes.deals if d.deal_id in self.deals},
                "activity": {
                    a.activity_id: activity_to_json(a)
                    for a in changes.activities
                    if a.activity_id in self.activities
                },
            },
            deletes={
                "deal": {*changes.removed_deal_ids, *gone_deals},
                "activity": {*changes.removed_activity_ids, *gone_activities},
            },
            replace=False,
        )

    def snapshot(self, owners: Iterable[Owner], *, now: datetime) -> CRMSnapshot:
        return CRMSnapshot(
            owners=tuple(owners),
            deals=tuple(self.deals.values()),
            activities=tuple(self.activities.values()),
            fetched_at=now,
        )

    def _forget_what_no_longer_counts(self, now: datetime) -> tuple[list[str], list[str]]:
        """Deals closed before the 90-day window and activities before the 7-day one cannot count again
        unless they change, and then the next incremental read brings them back. Returns their ids."""
        closed_before, done_before = now - CLOSED_WINDOW, now - ACTIVITY_WINDOW
        deals = [
            d.deal_id
            for d in self.deals.values()
            if d.status != "open" and (d.closed_at is None or d.closed_at < closed_before)
        ]
        activities = [a.activity_id for a in self.activities.values() if a.occurred_at < done_before]
        for deal_id in deals:
            del self.deals[deal_id]
        for activity_id in activities:
            del self.activities[activity_id]
        return deals, activities


def deal_to_json(deal: DealRecord) -> dict[str, Any]:
    return {
        "deal_id": deal.deal_id,
        "name": deal.name,
        "owner_id": deal.owner_id,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "status": deal.status,
        "close_date": deal.close_date.isoformat() if deal.close_date else None,
        "next_step": deal.next_step,
        "created_at": deal.created_at.isoformat(),
        "last_activity_at": _iso(deal.last_activity_at),
        "closed_at": _iso(deal.closed_at),
        "stage": deal.stage,
    }


def deal_from_json(payload: Mapping[str, Any]) -> DealRecord:
    close_date = payload.get("close_date")
    return DealRecord(
        deal_id=str(payload["deal_id"]),
        name=str(payload["name"]),
        owner_id=payload.get("owner_id"),
        amount=Decimal(str(payload["amount"])),
        currency=str(payload["currency"]),
        status=payload["status"],
        close_date=date.fromisoformat(close_date) if close_date else None,
        next_step=payload.get("next_step"),
        created_at=datetime.fromisoformat(payload["created_at"]),
        last_activity_at=_moment(payload.get("last_activity_at")),
        closed_at=_moment(payload.get("closed_at")),
        stage=payload.get("stage"),  # absent in mirrors written before deals kept their stage
    )


def activity_to_json(activity: ActivityRecord) -> dict[str, Any]:
    return {
        "activity_id": activity.activity_id,
        "owner_id": activity.owner_id,
        "occurred_at": activity.occurred_at.isoformat(),
        "deal_id": activity.deal_id,
        "kind": activity.kind,
    }


def activity_from_json(payload: Mapping[str, Any]) -> ActivityRecord:
    return ActivityRecord(
        activity_id=str(payload["activity_id"]),
        owner_id=payload.get("owner_id"),
        occurred_at=datetime.fromisoformat(payload["occurred_at"]),
        deal_id=payload.get("deal_id"),
        kind=str(payload.get("kind") or "task"),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
