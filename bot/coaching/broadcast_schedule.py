"""Scheduled broadcasts: once at a date and time, or weekly, in the coach's timezone, via the outbox."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import Due, Rules, Slot, due_between, iso_week, local_to_utc
from bot.store.coach_models import ScheduledBroadcast
from bot.store.delivery_models import OutboxMessage
from bot.store.managers import get_or_create_manager
from bot.timeparse import parse_clock

ANY_TIME = Rules(window=(time(0), time.max), skip_weekends=False)  # the coach chose the moment
CATCH_UP = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class ScheduleRequest:
    team_id: str
    coach_user_id: str
    channel_id: str
    lesson_id: str | None
    text: str | None
    language: str
    tz: str
    repeat: str  # once | weekly
    on_date: date | None
    weekday: int | None
    at: time


def create_schedule(sessions: sessionmaker[Session], request: ScheduleRequest, *, now: datetime) -> int:
    """Store the schedule; `now` (the app's clock) is its start: nothing before it falls due."""
    with sessions() as session:
        row = ScheduledBroadcast(
            team_id=request.team_id,
            coach_user_id=request.coach_user_id,
            channel_id=request.channel_id,
            lesson_id=request.lesson_id,
            text=request.text,
            language=request.language,
            tz=request.tz,
            repeat=request.repeat,
            on_date=request.on_date.isoformat() if request.on_date else None,
            weekday=request.weekday,
            at=request.at.strftime("%H:%M"),
            created_at=now,
        )
        session.add(row)
        session.commit()
        return row.id


@dataclass(frozen=True, slots=True)
class ActiveSchedule:
    """A coach's schedule as a list or the Home shows it."""

    id: int
    channel_id: str
    lesson_id: str | None
    text: str | None
    repeat: str  # once | weekly
    next_run: datetime


def next_run(schedule: ScheduledBroadcast, now: datetime) -> datetime | None:
    """The next instant this schedule posts (UTC), or None when it is done."""
    tz, at = ZoneInfo(schedule.tz), parse_clock(schedule.at)
    if schedule.repeat == "once":
        moment = local_to_utc(date.fromisoformat(schedule.on_date or "1970-01-01"), at, tz)
        return moment if moment > now else None
    return _next_weekly(schedule.weekday or 0, at, tz, now)


def first_run(request: ScheduleRequest, now: datetime) -> datetime | None:
    """When a schedule just created from `request` posts first (UTC); None when that has passed."""
    tz = ZoneInfo(request.tz)
    if request.repeat == "once" and request.on_date:
        moment = local_to_utc(request.on_date, request.at, tz)
        return moment if moment > now else None
    return _next_weekly(request.weekday or 0, request.at, tz, now)


def _next_weekly(weekday: int, at: time, tz: ZoneInfo, now: datetime) -> datetime | None:
    upcoming = list(due_between([Slot("broadcast", weekday, at)], tz, ANY_TIME, now, now + timedelta(days=8)))
    return upcoming[0].due_at if upcoming else None


def active_schedules(
    sessions: sessionmaker[Session], *, team_id: str, coach_user_id: str, now: datetime
) -> list[ActiveSchedule]:
    with sessions() as session:
        rows = session.scalars(
            select(ScheduledBroadcast).where(
                ScheduledBroadcast.team_id == team_id,
                ScheduledBroadcast.coach_user_id == coach_user_id,
                ScheduledBroadcast.active.is_(True),
            )
        ).all()
        return [
            ActiveSchedule(
                id=row.id,
                channel_id=row.channel_id,
                lesson_id=row.lesson_id,
                text=row.text,
                repeat=row.repeat,
                next_run=run,
            )
            for row in rows
            if (run := next_run(row, now)) is not None
        ]


def cancel_schedule(
    sessions: sessionmaker[Session], *, team_id: str, coach_user_id: str, schedule_id: int
) -> bool:
    """Stop a coach's own schedule; what was already planned but not sent is skipped too."""
    with sessions() as session:
        row = session.get(ScheduledBroadcast, schedule_id)
        if row is None or row.team_id != team_id or row.coach_user_id != coach_user_id or not row.active:
            return False
        row.active = False
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.idempotency_key.like(f"{team_id}:broadcast:{schedule_id}:%"),
                OutboxMessage.status == "pending",
            )
            .values(status="skipped", last_error="cancelled by the coach")
        )
        session.commit()
        return True


def planned_broadcasts(
    session: Session, now: datetime, *, team_ids: Collection[str] | None = None
) -> list[dict[str, object]]:
    """Outbox rows for every scheduled broadcast that fell due in (now - 24 h, now]; only those of
    `team_ids` when given."""
    rows: list[dict[str, object]] = []
    query = select(ScheduledBroadcast).where(ScheduledBroadcast.active.is_(True))
    if team_ids is not None:
        query = query.where(ScheduledBroadcast.team_id.in_(team_ids))
    schedules = session.scalars(query).all()
    for schedule in schedules:
        tz = ZoneInfo(schedule.tz)
        since = max(now - CATCH_UP, schedule.created_at)
        for due in _dues(schedule, tz, since, now):
            coach = get_or_create_manager(session, schedule.team_id, schedule.coach_user_id)
            key = f"{schedule.team_id}:broadcast:{schedule.id}:{due.period}"
            rows.append(
                {
                    "team_id": schedule.team_id,
                    "manager_id": coach.id,
                    "kind": "broadcast",
                    "period": due.period,
                    "week": due.week,
                    "idempotency_key": key,
                    "scheduled_at": due.scheduled_at,
                    "next_attempt_at": due.due_at,
                    "status": "pending",
                    "attempts": 0,
                    "slack_channel": schedule.channel_id,
                    "payload": {"schedule_id": schedule.id},
                }
            )
    return rows


def _dues(schedule: ScheduledBroadcast, tz: ZoneInfo, since: datetime, now: datetime) -> list[Due]:
    at = parse_clock(schedule.at)
    if schedule.repeat == "once":
        day = date.fromisoformat(schedule.on_date or "1970-01-01")
        moment = local_to_utc(day, at, tz)
        slot = Slot("broadcast", day.weekday(), at)
        return [Due(slot, day.isoformat(), iso_week(day), moment, moment)] if since < moment <= now else []
    return list(due_between([Slot("broadcast", schedule.weekday or 0, at)], tz, ANY_TIME, since, now))
