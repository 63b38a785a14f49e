"""Where the curriculum meets the database: a manager's history, open tasks and this week's focus.

The weekly nudge decides the week (focus metric, topic, whether the approach changes) and records it in
its outbox payload; the micro-lessons of that week read it from there and deepen the same focus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.coaching.curriculum import (
    FOCUS_RULES,
    MAX_OPEN_TASKS,
    STALL_NUDGES,
    Focus,
    Given,
    choose,
    moves_focus,
    stalled,
    weekly_focus,
)
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.metrics import metric_value
from bot.crm.base import ManagerStats
from bot.crm.codec import stats_from_json
from bot.i18n import Language
from bot.store.delivery_models import OutboxMessage, PracticeTask, StatsSnapshot

OPEN = ("open", "snoozed")


@dataclass(frozen=True, slots=True)
class WeekPlan:
    """What one message of the curriculum carries; stored in the outbox payload so a retry repeats it."""

    focus: Focus | None
    lesson: Lesson | None
    with_task: bool  # False: a reflection, or the manager has enough open tasks already
    topic: str | None
    escalated: bool = False
    trend: tuple[float, ...] = ()  # the focus metric at the last nudges, oldest first (when escalated)

    def payload(self) -> dict[str, object]:
        return {
            "lesson_id": self.lesson.id if self.lesson else None,
            "focus": self.focus.metric if self.focus else None,
            "topic": self.topic,
            "with_task": self.with_task,
            "escalated": self.escalated,
            "trend": list(self.trend),
        }


def history(session: Session, library: LessonLibrary, manager_id: int) -> list[Given]:
    """Every lesson the manager received: practice tasks, and reflections (sent without a task)."""
    tasks = session.scalars(select(PracticeTask).where(PracticeTask.manager_id == manager_id)).all()
    given = [_given(task, library) for task in tasks]
    with_task = {task.outbox_id for task in tasks}
    reflections = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.manager_id == manager_id,
            OutboxMessage.kind.in_(("nudge", "lesson")),
            OutboxMessage.status.in_(("sent", "claimed")),
        )
    ).all()
    for row in reflections:
        lesson_id = (row.payload or {}).get("lesson_id")
        lesson = library.get(str(lesson_id), "en") if lesson_id else None
        if lesson is not None and row.id not in with_task:
            sent = row.sent_at or row.scheduled_at
            given.append(Given(lesson.id, lesson.topic, sent, "read", None, None, None, None))
    return sorted(given, key=lambda item: item.given_at)


def open_tasks(session: Session, manager_id: int) -> list[PracticeTask]:
    """Tasks the manager has neither answered (Done / Not relevant) nor had checked after the deadline."""
    return list(
        session.scalars(
            select(PracticeTask).where(
                PracticeTask.manager_id == manager_id,
                PracticeTask.response.in_(OPEN),
                PracticeTask.result.is_(None),
            )
        ).all()
    )


def plan_nudge(
    session: Session,
    *,
    library: LessonLibrary,
    manager_id: int,
    stats: ManagerStats,
    language: Language,
    week: str,
    now: datetime,
) -> WeekPlan:
    """The week's focus and its lesson; a new practice task only while fewer than 2 are open."""
    focus = weekly_focus(stats)
    given = history(session, library, manager_id)
    topic = _current_topic(given, library, language, focus)
    trend = _trend(session, manager_id, week, focus, stats)
    escalated = focus is not None and stalled(trend, focus.comparison)
    escalated = escalated and not _escalated_lately(session, manager_id, now)
    if len(open_tasks(session, manager_id)) >= MAX_OPEN_TASKS:
        return WeekPlan(focus, None, False, topic, escalated, tuple(trend) if escalated else ())
    choice = choose(
        library.in_language(language),
        stats,
        history=given,
        now=now,
        focus_metric=focus.metric if focus else None,
        seed=manager_id,
        topic=None if escalated else topic,
        avoid_topics=[topic] if escalated and topic else [],
        opened=_opened(session, manager_id),
    )
    lesson = choice.lesson if choice else None
    return WeekPlan(
        focus,
        lesson,
        lesson is not None,
        lesson.topic if lesson else topic,
        escalated,
        tuple(trend) if escalated else (),
    )


def plan_micro(
    session: Session,
    *,
    library: LessonLibrary,
    manager_id: int,
    stats: ManagerStats | None,
    language: Language,
    now: datetime,
) -> WeekPlan:
    """Deepen this week's focus: the next lesson of the nudge's topic, with a task only while that
    leaves room for next week's nudge; otherwise a reflection."""
    nudge = session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.manager_id == manager_id,
            OutboxMessage.kind == "nudge",
            OutboxMessage.status == "sent",
            OutboxMessage.scheduled_at > now - timedelta(days=7),
        )
        .order_by(OutboxMessage.scheduled_at.desc())
    ).first()
    week = (nudge.payload if nudge else {}) or {}
    focus_metric = week.get("focus")
    focus = _focus_named(str(focus_metric), stats) if focus_metric else None
    if focus is None and stats is not None:
        focus = weekly_focus(stats)
    topic = week.get("topic")
    room = len(open_tasks(session, manager_id)) < MAX_OPEN_TASKS - 1
    choice = choose(
        library.in_language(language),
        stats,
        history=history(session, library, manager_id),
        now=now,
        focus_metric=focus.metric if focus else None,
        seed=manager_id,
        topic=str(topic) if topic else None,
        with_task=room,
        deepen=True,
    )
    if choice is None:
        return WeekPlan(focus, None, False, str(topic) if topic else None)
    with_task = room and not choice.lesson.reflective
    return WeekPlan(focus, choice.lesson, with_task, choice.lesson.topic)


def _opened(session: Session, manager_id: int) -> dict[str, int]:
    """How many managers of this manager's workspace received each lesson as a practice task."""
    team = select(PracticeTask.team_id).where(PracticeTask.manager_id == manager_id).limit(1)
    team_id = (
        session.scalars(
            select(OutboxMessage.team_id).where(OutboxMessage.manager_id == manager_id).limit(1)
        ).first()
        or session.scalars(team).first()
    )
    rows = session.execute(
        select(PracticeTask.lesson_id, func.count(func.distinct(PracticeTask.manager_id)))
        .where(PracticeTask.team_id == team_id)
        .group_by(PracticeTask.lesson_id)
    ).all()
    return {str(lesson_id): int(count) for lesson_id, count in rows}


def _given(task: PracticeTask, library: LessonLibrary) -> Given:
    lesson = library.get(task.lesson_id, "en") or library.get(task.lesson_id, "de")
    return Given(
        lesson_id=task.lesson_id,
        topic=lesson.topic if lesson else "",
        given_at=task.assigned_at,
        response=task.response,
        result=task.result,
        metric=task.metric,
        start=task.baseline,
        target=task.target,
        answered_at=task.responded_at,
    )


def _current_topic(
    given: Sequence[Given], library: LessonLibrary, language: Language, focus: Focus | None
) -> str | None:
    """The topic the manager is walking for this focus: the latest lesson given on it."""
    for item in reversed(given):
        if item.response == "not_relevant":
            continue  # the manager said this path does not fit: not the one to continue
        lesson = library.get(item.lesson_id, language)
        if lesson is not None and focus is not None and moves_focus(lesson, focus.metric):
            return lesson.topic
    return None


def _trend(
    session: Session, manager_id: int, week: str, focus: Focus | None, stats: ManagerStats
) -> list[float]:
    """The focus metric at the last STALL_NUDGES weekly snapshots before this week, then now."""
    if focus is None:
        return []
    rows = session.scalars(
        select(StatsSnapshot)
        .where(StatsSnapshot.manager_id == manager_id, StatsSnapshot.week < week)
        .order_by(StatsSnapshot.week.desc())
        .limit(STALL_NUDGES)
    ).all()
    snapshots = [stats_from_json(row.payload) for row in reversed(rows)]
    earlier = [metric_value(old, focus.metric) for old in snapshots if old is not None]
    return [*earlier, metric_value(stats, focus.metric)]


def _escalated_lately(session: Session, manager_id: int, now: datetime) -> bool:
    """The approach changed within the last STALL_NUDGES weeks: give the new one time."""
    recent = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.manager_id == manager_id,
            OutboxMessage.kind == "nudge",
            OutboxMessage.scheduled_at > now - timedelta(weeks=STALL_NUDGES),
        )
    ).all()
    return any((row.payload or {}).get("escalated") for row in recent)


def _focus_named(metric: str, stats: ManagerStats | None) -> Focus | None:
    for name, comparison, threshold in FOCUS_RULES:
        if name == metric:
            return Focus(
                name, comparison, threshold, threshold if stats is None else metric_value(stats, name)
            )
    return None
