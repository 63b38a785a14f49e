"""From a CRM snapshot to ManagerStats: one pass over deals and activities for every manager."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from bot.crm.base import (
    BIGGEST_DEALS_LIMIT,
    DEFAULT_CURRENCY,
    AttentionDeal,
    AttentionReason,
    CRMSnapshot,
    CurrencyTotal,
    DealRecord,
    DealStage,
    ListedDeal,
    ManagerStats,
    Owner,
)
from bot.crm.stages import OpenByStage, stage_slots, stage_totals

ATTENTION_LIMIT = 5
CLOSED_WINDOW = timedelta(days=90)
ACTIVITY_WINDOW = timedelta(days=7)


def deal_reasons(deal: DealRecord, *, now: datetime, stale_days: int) -> tuple[AttentionReason, ...]:
    """Why an open deal needs attention, in a fixed order; empty when it is healthy."""
    reasons: list[AttentionReason] = []
    if (deal.last_activity_at or deal.created_at) < now - timedelta(days=stale_days):
        reasons.append("stale")
    if not (deal.next_step or "").strip():
        reasons.append("no_next_step")
    if deal.close_date is not None and deal.close_date < now.date():
        reasons.append("overdue")
    return tuple(reasons)


@dataclass(slots=True)
class OpenByCurrency:
    """Open deals counted and summed per currency: we have no exchange rates, so amounts in different
    currencies are never added up."""

    deals: Counter[str] = field(default_factory=Counter)
    values: defaultdict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    # deals with an amount (> 0): the CRMs store a missing amount as 0
    priced: Counter[str] = field(default_factory=Counter)

    def add(self, currency: str, *, deals: int, value: Decimal, priced: int) -> None:
        self.deals[currency] += deals
        self.values[currency] += value
        self.priced[currency] += priced

    @property
    def count(self) -> int:
        return sum(self.deals.values())

    @classmethod
    def combined(cls, parts: Iterable[OpenByCurrency]) -> OpenByCurrency:
        total = cls()
        for part in parts:
            for currency, deals in part.deals.items():
                total.add(currency, deals=deals, value=part.values[currency], priced=part.priced[currency])
        return total

    def main_currency(self) -> str:
        """The currency most open deals with an amount are in, else most open deals at all (ties: the
        first code alphabetically, so every connector agrees); DEFAULT_CURRENCY when there are none.
        Deals without an amount do not count first: two of them in euros must not make a lone $50,000
        deal a bracketed extra beside "€0"."""
        counts = +self.priced or +self.deals
        if not counts:
            return DEFAULT_CURRENCY
        return min(counts, key=lambda code: (-counts[code], code))

    def value_in(self, currency: str) -> Decimal:
        return self.values.get(currency, Decimal(0))

    def others(self, main: str) -> tuple[CurrencyTotal, ...]:
        """Every currency but `main` that open deals are in, by currency code."""
        return tuple(
            CurrencyTotal(code, self.value_in(code), self.deals[code])
            for code in sorted(self.deals)
            if code != main and self.deals[code] > 0
        )


def biggest_deals(deals: Iterable[ListedDeal], main: str) -> tuple[ListedDeal, ...]:
    """The biggest of these open deals (ListedDeal.by_amount). A deal without an amount is not ranked: the
    CRMs store a missing amount as 0, and a zero deal is no big one."""
    ranked = (deal for deal in deals if deal.amount > 0)
    return tuple(heapq.nsmallest(BIGGEST_DEALS_LIMIT, ranked, key=lambda deal: deal.by_amount(main)))


def worst_deals(deals: Iterable[AttentionDeal], main: str) -> tuple[AttentionDeal, ...]:
    """The deals most worth a look: most reasons first, then by amount (ListedDeal.by_amount)."""
    return tuple(
        heapq.nsmallest(ATTENTION_LIMIT, deals, key=lambda deal: (-len(deal.reasons), *deal.by_amount(main)))
    )


def managers_of(owners: Iterable[Owner]) -> dict[str, list[Owner]]:
    """Direct reports by manager id, for owners who have any."""
    teams: dict[str, list[Owner]] = defaultdict(list)
    for owner in owners:
        if owner.manager_crm_id:
            teams[owner.manager_crm_id].append(owner)
    return dict(teams)


@dataclass(slots=True)
class _Tally:
    open: OpenByCurrency = field(default_factory=OpenByCurrency)
    stale: int = 0
    no_next_step: int = 0
    overdue: int = 0
    won: int = 0
    lost: int = 0
    activities: int = 0
    flagged: list[tuple[DealRecord, tuple[AttentionReason, ...]]] = field(default_factory=list)
    open_list: list[DealRecord] = field(default_factory=list)
    by_stage: OpenByStage = field(default_factory=OpenByStage)


def stats_from_snapshot(
    snapshot: CRMSnapshot,
    *,
    now: datetime,
    stale_days: int,
    source: str,
    manager_ids: Iterable[str] | None = None,
) -> dict[str, ManagerStats]:
    """Stats for the given owners (default: every owner with direct reports)."""
    owners = {owner.crm_id: owner for owner in snapshot.owners}
    teams = managers_of(snapshot.owners)
    wanted = [crm_id for crm_id in (manager_ids if manager_ids is not None else teams) if crm_id in owners]
    tallies = _tally_by_owner(snapshot, now=now, stale_days=stale_days)
    result: dict[str, ManagerStats] = {}
    for crm_id in wanted:
        reports = teams.get(crm_id, [])
        own = tallies.get(crm_id, _Tally())
        team = [tallies[report.crm_id] for report in reports if report.crm_id in tallies]
        result[crm_id] = _combine(
            owners,
            owners[crm_id],
            team_size=len(reports),
            own=own,
            team=team,
            now=now,
            stale_days=stale_days,
            source=source,
            stages=None if snapshot.stages_unread else snapshot.stages,
        )
    return result


def _tally_by_owner(snapshot: CRMSnapshot, *, now: datetime, stale_days: int) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for deal in snapshot.deals:
        if deal.owner_id is None:
            continue
        tally = tallies[deal.owner_id]
        if deal.status == "open":
            tally.open.add(deal.currency, deals=1, value=deal.amount, priced=int(deal.amount > 0))
            tally.open_list.append(deal)
            if deal.stage is not None:
                tally.by_stage.add(deal.stage, deal.currency, deals=1, value=deal.amount)
            reasons = deal_reasons(deal, now=now, stale_days=stale_days)
            tally.stale += "stale" in reasons
            tally.no_next_step += "no_next_step" in reasons
            tally.overdue += "overdue" in reasons
            if reasons:
                tally.flagged.append((deal, reasons))
        elif deal.closed_at is not None and deal.closed_at >= now - CLOSED_WINDOW:
            tally.won += deal.status == "won"
            tally.lost += deal.status == "lost"
    for activity in snapshot.activities:
        if activity.owner_id is not None and now - ACTIVITY_WINDOW <= activity.occurred_at <= now:
            tallies[activity.owner_id].activities += 1
    return tallies


def _combine(
    owners: dict[str, Owner],
    manager: Owner,
    *,
    team_size: int,
    own: _Tally,
    team: list[_Tally],
    now: datetime,
    stale_days: int,
    source: str,
    stages: tuple[DealStage, ...] | None,
) -> ManagerStats:
    everyone = [own, *team]
    team_by_stage = OpenByStage.combined(t.by_stage for t in everyone)
    # the team's own deals decide which closed or undescribed stages show: alone or in bulk, the same
    # None: the stage names could not be read; ids instead would be lines no manager recognises
    slots = stage_slots(stages, team_by_stage.deals) if stages is not None else ()
    team_open = OpenByCurrency.combined(tally.open for tally in everyone)
    currency = team_open.main_currency()

    def owner_name(deal: DealRecord) -> str:
        return owners[deal.owner_id].name if deal.owner_id in owners else "?"

    def listed(deal: DealRecord) -> ListedDeal:
        return ListedDeal(
            deal.deal_id,
            deal.name,
            owner_name(deal),
            deal.amount,
            currency=deal.currency,
            owner_id=deal.owner_id,
        )

    def flagged(deal: DealRecord, reasons: tuple[AttentionReason, ...]) -> AttentionDeal:
        return AttentionDeal(
            deal.deal_id,
            deal.name,
            owner_name(deal),
            deal.amount,
            reasons,
            currency=deal.currency,
            owner_id=deal.owner_id,
        )

    return ManagerStats(
        owner=manager,
        team_size=team_size,
        open_deals=team_open.count,
        open_value=team_open.value_in(currency),
        currency=currency,
        stale_deals=sum(t.stale for t in everyone),
        deals_without_next_step=sum(t.no_next_step for t in everyone),
        overdue_close_dates=sum(t.overdue for t in everyone),
        activities_7d_manager=own.activities,
        activities_7d_team=sum(t.activities for t in team),
        won_90d=sum(t.won for t in everyone),
        lost_90d=sum(t.lost for t in everyone),
        own_open_deals=own.open.count,
        own_open_value=own.open.value_in(currency),
        own_stale_deals=own.stale,
        own_deals_without_next_step=own.no_next_step,
        own_overdue_close_dates=own.overdue,
        own_won_90d=own.won,
        own_lost_90d=own.lost,
        stale_days=stale_days,
        fetched_at=now,
        source=source,
        attention=worst_deals(
            (flagged(deal, reasons) for tally in everyone for deal, reasons in tally.flagged), currency
        ),
        biggest_open_deals=biggest_deals(
            (listed(deal) for tally in everyone for deal in tally.open_list), currency
        ),
        own_biggest_open_deals=biggest_deals(map(listed, own.open_list), currency),
        other_open_values=team_open.others(currency),
        own_other_open_values=own.open.others(currency),
        open_by_stage=stage_totals(slots, team_by_stage, currency),
        own_open_by_stage=stage_totals(slots, own.by_stage, currency),
        stage_names_unread=stages is None,
    )
