"""A coach's view of their managers: who is really practising, and is their pipeline getting cleaner."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import iso_week
from bot.crm.codec import stats_from_json
from bot.store.coach_models import BroadcastResponse
from bot.store.delivery_models import PracticeTask, StatsSnapshot, Subscription
from bot.store.models import Manager
from bot.store.reflections import StoredReflection, team_reflections

TREND_WEEKS = 4


@dataclass(frozen=True, slots=True)
class ManagerProgress:
    slack_user_id: str
    name: str
    lessons_completed: int
    tasks_done: int
    broadcasts_done: int
    streak_weeks: int  # consecutive weeks up to now with something done
    stale_now: int | None
    stale_before: int | None  # TREND_WEEKS weeks earlier
    no_step_now: int | None
    no_step_before: int | None
    last_interaction: datetime | None
    reflections: int = 0  # answers to lessons' reflection questions
    latest_reflection: StoredReflection | None = None


def team_progress(
    sessions: sessionmaker[Session], *, team_id: str, scope: frozenset[str] | None, now: datetime
) -> list[ManagerProgress]:
    """Every enrolled manager of the workspace (only `scope` members when given), by name."""
    with sessions() as session:
        managers = [
            m
            for m in session.scalars(
                select(Manager)
                .join(Subscription, Subscription.manager_id == Manager.id)
                .where(Manager.team_id == team_id)
            )
            if scope is None or m.slack_user_id in scope
        ]
        ids = [m.id for m in managers]
        tasks = session.scalars(select(PracticeTask).where(PracticeTask.manager_id.in_(ids))).all()
        answers = session.scalars(
            select(BroadcastResponse).where(
                BroadcastResponse.team_id == team_id, BroadcastResponse.kind == "done"
            )
        ).all()
        snapshots = session.scalars(select(StatsSnapshot).where(StatsSnapshot.manager_id.in_(ids))).all()
        reflections = team_reflections(session, team_id=team_id)
    done_by: dict[int, list[PracticeTask]] = defaultdict(list)
    for task in tasks:
        if task.response == "done":
            done_by[task.manager_id].append(task)
    broadcast_by: dict[str, list[BroadcastResponse]] = defaultdict(list)
    for answer in answers:
        broadcast_by[answer.user_id].append(answer)
    snapshots_by: dict[int, list[StatsSnapshot]] = defaultdict(list)
    for snapshot in snapshots:
        snapshots_by[snapshot.manager_id].append(snapshot)
    reflections_by: dict[str, list[StoredReflection]] = defaultdict(list)
    for reflection in reflections:  # oldest first
        reflections_by[reflection.slack_user_id].append(reflection)
    result = []
    for manager in managers:
        done, answered = done_by[manager.id], broadcast_by[manager.slack_user_id]
        mine = reflections_by[manager.slack_user_id]
        moments = [t.responded_at for t in done if t.responded_at] + [a.created_at for a in answered]
        moments += [reflection.created_at for reflection in mine]  # reflecting is practising too
        now_stats, before_stats = _trend(snapshots_by[manager.id])
        result.append(
            ManagerProgress(
                slack_user_id=manager.slack_user_id,
                name=manager.display_name or manager.slack_user_id,
                lessons_completed=len({t.lesson_id for t in done}),
                tasks_done=len(done),
                broadcasts_done=len(answered),
                streak_weeks=_streak(moments, now),
                last_interaction=max(moments, default=None),
                stale_now=now_stats[0],
                stale_before=before_stats[0],
                no_step_now=now_stats[1],
                no_step_before=before_stats[1],
                reflections=len(mine),
                latest_reflection=mine[-1] if mine else None,
            )
        )
    return sorted(result, key=lambda p: p.name.lower())


def _streak(moments: list[datetime], now: datetime) -> int:
    weeks = {iso_week(moment.date()) for moment in moments}
    day: date = now.date()
    if iso_week(day) not in weeks:  # this week is not over yet: count from last week
        day -= timedelta(days=7)
    streak = 0
    while iso_week(day) in weeks:
        streak += 1
        day -= timedelta(days=7)
    return streak


def _trend(
    snapshots: list[StatsSnapshot],
) -> tuple[tuple[int | None, int | None], tuple[int | None, int | None]]:
    ordered = sorted(snapshots, key=lambda s: s.week)
    if not ordered:
        return (None, None), (None, None)
    latest = stats_from_json(ordered[-1].payload)
    earlier = [s for s in ordered if _weeks_between(s.week, ordered[-1].week) >= TREND_WEEKS]
    before = stats_from_json(earlier[-1].payload) if earlier else None
    now_pair = (latest.stale_deals, latest.deals_without_next_step) if latest else (None, None)
    before_pair = (before.stale_deals, before.deals_without_next_step) if before else (None, None)
    return now_pair, before_pair


def _weeks_between(first: str, last: str) -> int:
    def monday(week: str) -> date:
        return datetime.strptime(f"{week}-1", "%G-W%V-%u").date()

    return (monday(last) - monday(first)).days // 7


CSV_COLUMNS = (
    "manager",
    "slack_user_id",
    "lessons_completed",
    "practice_tasks_done",
    "broadcast_exercises_done",
    "streak_weeks",
    "stale_deals_now",
    "stale_deals_4_weeks_ago",
    "no_next_step_now",
    "no_next_step_4_weeks_ago",
    "last_interaction_utc",
    "reflections",
    "latest_reflection_lesson",
    "latest_reflection_utc",
    "latest_reflection",
)


def team_csv(progress: list[ManagerProgress]) -> str:
    """The team view as CSV, one row per manager (spreadsheet-safe: no leading formula characters)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in progress:
        writer.writerow(
            [
                _cell(p.name),
                p.slack_user_id,
                p.lessons_completed,
                p.tasks_done,
                p.broadcasts_done,
                p.streak_weeks,
                _blank(p.stale_now),
                _blank(p.stale_before),
                _blank(p.no_step_now),
                _blank(p.no_step_before),
                p.last_interaction.isoformat() if p.last_interaction else "",
                p.reflections,
                *_reflection_cells(p.latest_reflection),
            ]
        )
    return out.getvalue()


def _reflection_cells(reflection: StoredReflection | None) -> list[str]:
    if reflection is None:
        return ["", "", ""]
    return [reflection.lesson_id, reflection.created_at.isoformat(), _cell(reflection.text)]


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)


# What a spreadsheet may read as the start of a formula (OWASP's CSV injection list, tab and CR too)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text[:1] in FORMULA_STARTS else text
