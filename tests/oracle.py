"""Pipeline numbers computed the slow, obvious way: the reference the connectors are checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.store.models import DemoActivity, DemoDeal, DemoOwner


@dataclass(frozen=True)
class Expected:
    team_size: int
    open_deals: int
    open_value: Decimal
    stale: int
    no_next_step: int
    overdue: int
    activities_manager: int
    activities_team: int
    won_90d: int
    lost_90d: int


def expected_stats(engine: Engine, manager_id: str, now: datetime, stale_days: int = 14) -> Expected:
    with Session(engine) as session:
        owners = list(session.scalars(select(DemoOwner)))
        deals = list(session.scalars(select(DemoDeal)))
        activities = list(session.scalars(select(DemoActivity)))
    reports = {o.id for o in owners if o.manager_id == manager_id}
    scope = reports | {manager_id}
    mine = [d for d in deals if d.owner_id in scope]
    open_deals = [d for d in mine if d.status == "open"]
    stale_before = now - timedelta(days=stale_days)
    week_ago = now - timedelta(days=7)
    recent = [a for a in activities if a.owner_id in scope and a.occurred_at >= week_ago]
    closed_recently = [d for d in mine if d.closed_at is not None and d.closed_at >= now - timedelta(days=90)]
    return Expected(
        team_size=len(reports),
        open_deals=len(open_deals),
        open_value=sum((d.amount for d in open_deals), Decimal(0)),
        stale=sum(1 for d in open_deals if (d.last_activity_at or d.created_at) < stale_before),
        no_next_step=sum(1 for d in open_deals if not (d.next_step or "").strip()),
        overdue=sum(1 for d in open_deals if d.close_date < now.date()),
        activities_manager=sum(1 for a in recent if a.owner_id == manager_id),
        activities_team=sum(1 for a in recent if a.owner_id != manager_id),
        won_90d=sum(1 for d in closed_recently if d.status == "won"),
        lost_90d=sum(1 for d in closed_recently if d.status == "lost"),
    )
