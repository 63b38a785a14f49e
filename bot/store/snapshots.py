"""Weekly snapshots of a manager's numbers (stats_snapshots): written when numbers are fetched or nudged,
read for the 8-week trends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.db import upsert_insert
from bot.store.delivery_models import StatsSnapshot


def save_week(
    session: Session, *, team_id: str, manager_id: int, week: str, payload: dict[str, Any], now: datetime
) -> None:
    """The week's latest numbers (a later fetch in the same week replaces the earlier one)."""
    statement = upsert_insert(session, StatsSnapshot).values(
        team_id=team_id, manager_id=manager_id, week=week, payload=payload, taken_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["manager_id", "week"], set_={"payload": payload, "taken_at": now}
        )
    )


def weeks_of(
    session: Session, *, team_id: str, manager_ids: Sequence[int], weeks: Sequence[str]
) -> list[StatsSnapshot]:
    if not manager_ids or not weeks:
        return []
    return list(
        session.scalars(
            select(StatsSnapshot).where(
                StatsSnapshot.team_id == team_id,
                StatsSnapshot.manager_id.in_(list(manager_ids)),
                StatsSnapshot.week.in_(list(weeks)),
            )
        )
    )
