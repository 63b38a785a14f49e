"""The local CRM's open deals per stage: the stages come from the deals themselves (a CSV export or the
demo data has no pipeline settings), in the order given, then in the order the deals first name them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crm.base import DealStage
from bot.crm.stages import OpenByStage
from bot.store.models import DemoDeal

NO_STAGE = ""  # a CSV export without a stage column


def local_stages(session: Session, stage_order: Sequence[str]) -> tuple[DealStage, ...]:
    """Every stage an open deal is in, across the whole CRM (so that one manager's breakdown lists the
    same stages whether asked alone or in the weekly bulk run): `stage_order` first, then by first deal."""
    first_seen = dict(
        session.execute(
            select(DemoDeal.stage, func.min(DemoDeal.id))
            .where(DemoDeal.status == "open", DemoDeal.stage != NO_STAGE)
            .group_by(DemoDeal.stage)
        ).all()
    )
    place = {stage: index for index, stage in enumerate(stage_order)}
    ordered = sorted(first_seen, key=lambda stage: (place.get(stage, len(place)), first_seen[stage]))
    return tuple(DealStage(stage_id=stage, label=stage) for stage in ordered)


def open_by_stage(session: Session, scope: list[str] | None) -> dict[str, OpenByStage]:
    """Per owner (only these owners' when `scope` is given)."""
    query = select(
        DemoDeal.owner_id, DemoDeal.stage, DemoDeal.currency, func.count(), func.sum(DemoDeal.amount)
    )
    query = query.where(DemoDeal.status == "open", DemoDeal.stage != NO_STAGE)
    if scope is not None:
        query = query.where(DemoDeal.owner_id.in_(scope))
    result: dict[str, OpenByStage] = defaultdict(OpenByStage)
    for owner_id, stage, currency, deals, value in session.execute(
        query.group_by(DemoDeal.owner_id, DemoDeal.stage, DemoDeal.currency)
    ):
        result[owner_id].add(stage, currency, deals=deals, value=Decimal(value or 0))
    return result
