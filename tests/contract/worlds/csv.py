"""The CSV connector: the world exported to CSV files, imported with `crm import-csv`'s code."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.crm.base import CRMConnector
from bot.crm.csv_import import import_csv
from bot.crm.demo import DemoConnector
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from tests.contract.world import World


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@contextmanager
def connector_for(world: World, tmp_path: Path) -> Iterator[CRMConnector]:
    # The CSV format links everything by e-mail: an owner without one gets a placeholder address.
    email = {o.crm_id: o.email or f"{o.crm_id.lower()}@no-email.invalid" for o in world.owners}
    owners = _write(
        tmp_path / "owners.csv",
        ["id", "email", "name", "manager_email"],
        [[o.crm_id, email[o.crm_id], o.name, email.get(o.manager_crm_id or "", "")] for o in world.owners],
    )
    deals = _write(
        tmp_path / "deals.csv",
        [
            "id",
            "name",
            "owner_email",
            "amount",
            "currency",
            "status",
            "close_date",
            "next_step",
            "stage",
            "created_at",
            "last_activity_at",
            "closed_at",
        ],
        [
            [
                d.deal_id,
                d.name,
                email[d.owner_id or ""],
                d.amount,
                d.currency,
                d.status,
                d.close_date or "",
                d.next_step or "",
                d.stage or "",
                d.created_at.isoformat(),
                d.last_activity_at.isoformat() if d.last_activity_at else "",
                d.closed_at.isoformat() if d.closed_at else "",
            ]
            for d in world.deals
        ],
    )
    activities = _write(
        tmp_path / "activities.csv",
        ["owner_email", "deal_id", "type", "occurred_at"],
        [
            [email[a.owner_id or ""], a.deal_id or "", a.kind, a.occurred_at.isoformat()]
            for a in world.activities
        ],
    )
    engine = make_engine(f"sqlite:///{tmp_path}/csv.db")
    upgrade(engine)
    import_csv(engine, owners=owners, deals=deals, activities=activities)
    try:
        yield DemoConnector(engine, display_name="CRM (CSV)")
    finally:
        engine.dispose()
