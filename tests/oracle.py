"""The reference numbers for data in the local CRM tables: read them back as a World, then compute."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.crm.base import ActivityRecord, DealRecord, Owner
from bot.store.models import DemoActivity, DemoDeal, DemoOwner
from tests.contract.world import Expected, World, expected


def world_from_database(engine: Engine, now: datetime) -> World:
    with Session(engine) as session:
        owners = tuple(Owner(o.id, o.email, o.name, o.manager_id) for o in session.scalars(select(DemoOwner)))
        deals = tuple(
            DealRecord(
                str(d.id),
                d.name,
                d.owner_id,
                d.amount,
                d.currency,
                d.status,  # type: ignore[arg-type]
                d.close_date,
                d.next_step,
                d.created_at,
                d.last_activity_at,
                d.closed_at,
            )
            for d in session.scalars(select(DemoDeal))
        )
        activities = tuple(
            ActivityRecord(
                str(a.id), a.owner_id, a.occurred_at, str(a.deal_id) if a.deal_id else None, a.kind
            )
            for a in session.scalars(select(DemoActivity))
        )
    return World(owners, deals, activities, now)


def expected_stats(engine: Engine, manager_id: str, now: datetime, stale_days: int = 14) -> Expected:
    return expected(world_from_database(engine, now), manager_id, stale_days=stale_days)
