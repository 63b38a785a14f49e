"""Eight weeks of numbers, for the trend charts: a manager's focus metric and hygiene, and the team's."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import iso_week
from bot.coaching.metrics import metric_value
from bot.crm.base import ManagerStats
from bot.crm.codec import stats_from_json, stats_to_json
from bot.store.delivery_models import Subscription
from bot.store.managers import find_manager
from bot.store.models import Manager
from bot.store.snapshots import save_week, weeks_of

TREND_WEEKS = 8


@dataclass(frozen=True, slots=True)
class WeekNumbers:
    week: str
    stats: ManagerStats | None  # None: no numbers were taken that week


@dataclass(frozen=True, slots=True)
class HygieneWeek:
    week: str
    stale: int | None
    without_next_step: int | None


def last_weeks(now: datetime, count: int = TREND_WEEKS) -> tuple[str, ...]:
    """The ISO weeks ending with this one, oldest first."""
    return tuple(iso_week((now - timedelta(weeks=back)).date()) for back in range(count - 1, -1, -1))


def record_week(
    sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str, stats: ManagerStats, now: datetime
) -> None:
    """Keep this week's numbers for the trend (called whenever a manager's numbers are shown)."""
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        if manager is None:
            return
        save_week(
            session,
            team_id=team_id,
            manager_id=manager.id,
            week=iso_week(now.date()),
            payload=stats_to_json(stats),
            now=now,
        )
        session.commit()


def manager_weeks(
    sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str, now: datetime
) -> tuple[WeekNumbers, ...]:
    weeks = last_weeks(now)
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        rows = weeks_of(session, team_id=team_id, manager_ids=[manager.id] if manager else [], weeks=weeks)
        by_week = {row.week: stats_from_json(row.payload) for row in rows}
    return tuple(WeekNumbers(week, by_week.get(week)) for week in weeks)


def metric_series(weeks: tuple[WeekNumbers, ...], metric: str) -> tuple[float | None, ...]:
    return tuple(None if w.stats is None else metric_value(w.stats, metric) for w in weeks)


def team_hygiene(sessions: sessionmaker[Session], *, team_id: str, now: datetime) -> tuple[HygieneWeek, ...]:
    """Per week, the sum over enrolled managers of their teams' deals stale and without a next step
    (the numbers `/crmcoach team` shows)."""
    weeks = last_weeks(now)
    with sessions() as session:
        ids = list(_enrolled_ids(session, team_id))
        rows = weeks_of(session, team_id=team_id, manager_ids=ids, weeks=weeks)
        stale: dict[str, int] = defaultdict(int)
        missing: dict[str, int] = defaultdict(int)
        seen: set[str] = set()
        for row in rows:
            stats = stats_from_json(row.payload)
            if stats is None:
                continue
            seen.add(row.week)
            stale[row.week] += stats.stale_deals
            missing[row.week] += stats.deals_without_next_step
    return tuple(
        HygieneWeek(week, stale[week] if week in seen else None, missing[week] if week in seen else None)
        for week in weeks
    )


def _enrolled_ids(session: Session, team_id: str) -> list[int]:
    statement = (
        select(Manager.id)
        .join(Subscription, Subscription.manager_id == Manager.id)
        .where(Manager.team_id == team_id)
    )
    return list(session.scalars(statement))
