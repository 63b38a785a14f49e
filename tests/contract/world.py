"""One fictional sales org that every connector's stand-in serves, and the numbers it must yield.

Times are whole UTC days so that CRMs which only store dates (Salesforce LastActivityDate,
Pipedrive last_activity_date) describe the same world exactly.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from bot.crm.base import (
    BIGGEST_DEALS_LIMIT,
    ActivityRecord,
    CRMConnector,
    CurrencyTotal,
    DealRecord,
    Owner,
    StageTotal,
)
from bot.crm.demo_seed import STAGES, deal_rows, owner_rows, seed_anchor
from tests.contract import worlds

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class World:
    owners: tuple[Owner, ...]
    deals: tuple[DealRecord, ...]  # every deal: open, won and lost, closed at any time
    activities: tuple[ActivityRecord, ...]  # every activity, of any age
    now: datetime
    # Open tasks due in the last days (overdue): planned work, not an activity; no connector counts them.
    open_tasks: tuple[ActivityRecord, ...] = ()
    # The pipeline's open stages by label, in order (not alphabetical); an open deal's stage is its label.
    # Each stand-in gives them its vendor's ids and adds its closed stages.
    stages: tuple[str, ...] = STAGES

    def managers(self) -> list[str]:
        return sorted({o.manager_crm_id for o in self.owners if o.manager_crm_id})


class ConnectorFactory(Protocol):
    """What each tests/contract/worlds/<vendor>.py exposes as `connector_for`."""

    def __call__(self, world: World, tmp_path: Path) -> AbstractContextManager[CRMConnector]: ...


def _day(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def build_world(*, managers: int = 3, reps_per_manager: int = 4, deals: int = 240, seed: int = 42) -> World:
    rng = random.Random(seed)
    owners = [
        Owner(crm_id=row["id"], email=row["email"], name=row["name"], manager_crm_id=row["manager_id"])
        for row in owner_rows(managers, reps_per_manager)
    ]
    # One active rep without an e-mail address (HubSpot allows that): their deals still count for the team.
    without_email = next(i for i, o in enumerate(owners) if o.manager_crm_id)
    owners[without_email] = replace(owners[without_email], email="")
    owner_ids = [owner.crm_id for owner in owners]
    deal_records: list[DealRecord] = []
    activity_records: list[ActivityRecord] = []
    for deal_id in range(1, deals + 1):
        row, activities = deal_rows(rng, deal_id, owner_ids, seed_anchor(NOW))
        deal_records.append(
            DealRecord(
                deal_id=str(deal_id),
                name=row["name"],
                owner_id=row["owner_id"],
                amount=Decimal(row["amount"]),
                currency=row["currency"],
                status=row["status"],
                close_date=row["close_date"],
                next_step=row["next_step"],
                created_at=_day(row["created_at"]),
                last_activity_at=_day(row["last_activity_at"]) if row["last_activity_at"] else None,
                closed_at=_day(row["closed_at"]) if row["closed_at"] else None,
                stage=row["stage"] if row["status"] == "open" else None,
            )
        )
        start = len(activity_records)
        activity_records.extend(
            ActivityRecord(
                activity_id=f"A{start + i + 1}",
                owner_id=a["owner_id"],
                occurred_at=_day(a["occurred_at"]),
                deal_id=str(deal_id),
                kind=a["kind"],
            )
            for i, a in enumerate(activities)
        )
    open_tasks = tuple(
        ActivityRecord(
            activity_id=f"T{number}",
            owner_id=owner.crm_id,
            occurred_at=_day(NOW - timedelta(days=1 + number % 5)),
            kind="task",
        )
        for number, owner in enumerate(owners, start=1)
    )
    return World(tuple(owners), tuple(deal_records), tuple(activity_records), NOW, open_tasks)


def with_foreign_currencies(world: World) -> World:
    """The same world, teams selling in several currencies: every 4th deal in yen at yen-sized amounts
    (numerically far above any euro deal), every other 3rd in US dollars; the most stay in euros."""

    def foreign(deal: DealRecord) -> DealRecord:
        number = int(deal.deal_id)
        if number % 4 == 0:
            return replace(deal, currency="JPY", amount=deal.amount * 150)
        return replace(deal, currency="USD") if number % 3 == 0 else deal

    return replace(world, deals=tuple(map(foreign, world.deals)))


def with_unpriced_euros(world: World) -> World:
    """The same world, most deals in euros but few of those with an amount (the CRMs store a missing
    amount as 0): every 3rd deal in US dollars keeps its amount, only every 5th other one keeps its."""

    def unpriced(deal: DealRecord) -> DealRecord:
        number = int(deal.deal_id)
        if number % 3 == 0:
            return replace(deal, currency="USD")
        return deal if number % 5 == 0 else replace(deal, amount=Decimal(0))

    return replace(world, deals=tuple(map(unpriced, world.deals)))


@dataclass(frozen=True)
class Expected:
    team_size: int
    open_deals: int
    open_value: Decimal  # the deals in `currency` only: amounts in other currencies are never added
    stale: int
    no_next_step: int
    overdue: int
    activities_manager: int
    activities_team: int
    won_90d: int
    lost_90d: int
    own_open_deals: int
    own_open_value: Decimal
    own_stale: int
    own_no_next_step: int
    own_overdue: int
    own_won_90d: int
    own_lost_90d: int
    currency: str  # the one most open deals are in (ties: the first code alphabetically)
    # (deal id, name, owner name, amount, currency), biggest first, ties by deal id; deals without amount
    # not ranked; amounts in different currencies never compared: `currency` first, then each other one
    biggest: tuple[tuple[str, str, str, Decimal, str], ...]
    own_biggest: tuple[tuple[str, str, str, Decimal, str], ...]
    # every other currency's open deals: (currency, summed amount, deal count), by currency code
    other_values: tuple[CurrencyTotal, ...]
    own_other_values: tuple[CurrencyTotal, ...]
    # every stage of the pipeline in order, with its open deals and their amount in `currency`
    by_stage: tuple[StageTotal, ...]
    own_by_stage: tuple[StageTotal, ...]


def biggest_of(
    world: World, deals: list[DealRecord], currency: str
) -> tuple[tuple[str, str, str, Decimal, str], ...]:
    """Every deal with an amount sorted by it, `currency` first, cut at the limit: the obvious way."""
    names = {o.crm_id: o.name for o in world.owners}
    ranked = sorted(
        (d for d in deals if d.amount > 0),
        key=lambda d: (d.currency != currency, d.currency, -d.amount, int(d.deal_id)),
    )
    return tuple(
        (d.deal_id, d.name, names[d.owner_id or ""], d.amount, d.currency)
        for d in ranked[:BIGGEST_DEALS_LIMIT]
    )


def main_currency(deals: list[DealRecord]) -> str:
    """The currency most deals with an amount are in, else most deals at all; ties alphabetically."""
    priced = Counter(d.currency for d in deals if d.amount > 0)
    counts = priced or Counter(d.currency for d in deals)
    return min(counts, key=lambda code: (-counts[code], code)) if counts else "EUR"


def value_in(deals: list[DealRecord], currency: str) -> Decimal:
    return sum((d.amount for d in deals if d.currency == currency), Decimal(0))


def other_values(deals: list[DealRecord], currency: str) -> tuple[CurrencyTotal, ...]:
    counts = Counter(d.currency for d in deals if d.currency != currency)
    return tuple(CurrencyTotal(code, value_in(deals, code), counts[code]) for code in sorted(counts))


def by_stage(world: World, deals: list[DealRecord], currency: str) -> tuple[StageTotal, ...]:
    return tuple(
        StageTotal(
            stage,
            sum(1 for d in deals if d.stage == stage),
            value_in([d for d in deals if d.stage == stage], currency),
        )
        for stage in world.stages
    )


def expected(world: World, manager_id: str, *, stale_days: int = 14) -> Expected:
    """The numbers computed the slow, obvious way: the reference every connector is checked against."""
    now = world.now
    reports = {o.crm_id for o in world.owners if o.manager_crm_id == manager_id}
    scope = reports | {manager_id}
    mine = [d for d in world.deals if d.owner_id in scope]
    open_deals = [d for d in mine if d.status == "open"]
    recent = [
        a for a in world.activities if a.owner_id in scope and now - timedelta(days=7) <= a.occurred_at <= now
    ]
    closed = [d for d in mine if d.closed_at is not None and d.closed_at >= now - timedelta(days=90)]
    own = [d for d in open_deals if d.owner_id == manager_id]
    currency = main_currency(open_deals)
    return Expected(
        team_size=len(reports),
        open_deals=len(open_deals),
        open_value=value_in(open_deals, currency),
        stale=sum(
            1 for d in open_deals if (d.last_activity_at or d.created_at) < now - timedelta(days=stale_days)
        ),
        no_next_step=sum(1 for d in open_deals if not (d.next_step or "").strip()),
        overdue=sum(1 for d in open_deals if d.close_date is not None and d.close_date < now.date()),
        activities_manager=sum(1 for a in recent if a.owner_id == manager_id),
        activities_team=sum(1 for a in recent if a.owner_id != manager_id),
        won_90d=sum(1 for d in closed if d.status == "won"),
        lost_90d=sum(1 for d in closed if d.status == "lost"),
        own_open_deals=len(own),
        own_open_value=value_in(own, currency),
        own_stale=sum(
            1 for d in own if (d.last_activity_at or d.created_at) < now - timedelta(days=stale_days)
        ),
        own_no_next_step=sum(1 for d in own if not (d.next_step or "").strip()),
        own_overdue=sum(1 for d in own if d.close_date is not None and d.close_date < now.date()),
        own_won_90d=sum(1 for d in closed if d.status == "won" and d.owner_id == manager_id),
        own_lost_90d=sum(1 for d in closed if d.status == "lost" and d.owner_id == manager_id),
        currency=currency,
        biggest=biggest_of(world, open_deals, currency),
        own_biggest=biggest_of(world, own, currency),
        other_values=other_values(open_deals, currency),
        own_other_values=other_values(own, currency),
        by_stage=by_stage(world, open_deals, currency),
        own_by_stage=by_stage(world, own, currency),
    )


def iter_world_factories() -> Iterator[tuple[str, ConnectorFactory]]:
    """Every tests/contract/worlds/<name>.py that defines connector_for(world, tmp_path)."""
    for module in pkgutil.iter_modules(worlds.__path__):
        loaded = importlib.import_module(f"tests.contract.worlds.{module.name}")
        factory = getattr(loaded, "connector_for", None)
        if factory is not None:
            yield module.name, factory
