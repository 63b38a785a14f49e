"""The demo (and CSV) connector: the world written into the local CRM tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert

from bot.crm.base import CRMConnector
from bot.crm.demo import DemoConnector
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from bot.store.models import DemoActivity, DemoDeal, DemoOwner
from tests.contract.world import World


@contextmanager
def connector_for(world: World, tmp_path: Path) -> Iterator[CRMConnector]:
    engine = make_engine(f"sqlite:///{tmp_path}/world.db")
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(DemoOwner),
            [
                {"id": o.crm_id, "email": o.email, "name": o.name, "manager_id": o.manager_crm_id}
                for o in sorted(world.owners, key=lambda o: o.manager_crm_id is not None)
            ],
        )
        connection.execute(
            insert(DemoDeal),
            [
                {
                    "id": int(d.deal_id),
                    "owner_id": d.owner_id,
                    "name": d.name,
                    "company": d.name.split(" – ")[0],
                    "amount": d.amount,
                    "currency": d.currency,
                    "stage": d.stage or "closed",
                    "status": d.status,
                    "close_date": d.close_date,
                    "next_step": d.next_step,
                    "created_at": d.created_at,
                    "last_activity_at": d.last_activity_at,
                    "closed_at": d.closed_at,
                }
                for d in world.deals
            ],
        )
        connection.execute(
            insert(DemoActivity),
            [
                {
                    "owner_id": a.owner_id,
                    "deal_id": int(a.deal_id) if a.deal_id else None,
                    "kind": a.kind,
                    "occurred_at": a.occurred_at,
                }
                for a in world.activities
            ],
        )
    try:
        yield DemoConnector(engine, stage_order=world.stages)
    finally:
        engine.dispose()
