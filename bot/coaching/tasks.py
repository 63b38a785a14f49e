"""Practice tasks: what a manager answers with the Done / Snooze / Not relevant buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.curriculum import NOT_RELEVANT_LIMIT, TOPIC_REST
from bot.coaching.goals import GoalPlan, Standing, standing
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.metrics import holds, metric_value
from bot.crm.base import ManagerStats
from bot.store.delivery_models import PracticeTask
from bot.store.managers import find_manager

Response = Literal["done", "snoozed", "not_relevant"]
Outcome = Literal["recorded", "already", "not_yours"]
SNOOZE = timedelta(days=7)
# A reflective lesson's task (no goal to check) still gets a week, so it can be answered and escalated.
REFLECTIVE_TASK_DAYS = 7


@dataclass(frozen=True, slots=True)
class TaskAnswer:
    outcome: Outcome
    response: str  # what is recorded now (the earlier answer when outcome == "already")
    metric: str | None
    snoozed_until: datetime | None
    deadline: datetime | None = None  # as stored: Snooze says this date, Done says when it is checked
    rested_topic: str | None = None  # a second "not relevant" in this topic: it rests (TOPIC_REST)


def record_response(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    slack_user_id: str,
    task_id: int,
    response: Response,
    now: datetime,
    library: LessonLibrary | None = None,
) -> TaskAnswer:
    """Record the first answer to a task; a second click changes nothing and says so. Snooze moves the
    deadline by a week; the answer carries the dates as stored, so the reply says what the database holds."""
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        task = session.get(PracticeTask, task_id)
        if manager is None or task is None or task.manager_id != manager.id or task.team_id != team_id:
            return TaskAnswer("not_yours", "", None, None)
        if task.response != "open" and not (task.response == "snoozed" and response != "snoozed"):
            return TaskAnswer("already", task.response, task.metric, task.snoozed_until, task.deadline)
        task.response, task.responded_at = response, now
        if response == "snoozed":
            task.deadline = max(task.deadline, now) + SNOOZE
            task.snoozed_until = task.deadline
        rested = _rested_topic(session, task, library, now) if response == "not_relevant" else None
        session.commit()
        # Done is checked against the CRM at the deadline (at once when it has passed).
        deadline = max(task.deadline, now) if response == "done" else task.deadline
        return TaskAnswer("recorded", response, task.metric, task.snoozed_until, deadline, rested)


def _rested_topic(
    session: Session, task: PracticeTask, library: LessonLibrary | None, now: datetime
) -> str | None:
    lesson = (library.get(task.lesson_id, "en") if library else None) or None
    if library is None or lesson is None:
        return None
    answered = session.scalars(
        select(PracticeTask).where(
            PracticeTask.manager_id == task.manager_id,
            PracticeTask.response == "not_relevant",
            PracticeTask.responded_at > now - TOPIC_REST,
        )
    ).all()
    same = [x for x in answered if (other := library.get(x.lesson_id, "en")) and other.topic == lesson.topic]
    return lesson.topic if len(same) >= NOT_RELEVANT_LIMIT else None


def default_deadline(lesson: Lesson, now: datetime) -> datetime:
    """A new practice task is due when its goal's window closes."""
    return now + timedelta(days=lesson.goal.deadline_days if lesson.goal else REFLECTIVE_TASK_DAYS)


def stored_goal(task: PracticeTask, lesson: Lesson) -> GoalPlan | None:
    """The goal as it was set when the task was given (a retry must not move it)."""
    if task.metric is None or task.baseline is None or task.target is None or lesson.goal is None:
        return None
    return GoalPlan(task.metric, task.baseline, task.target, lesson.goal.deadline_days)


@dataclass(frozen=True, slots=True)
class TaskCheck:
    """A practice task's goal after its deadline: start → now, and how far towards the target."""

    lesson_id: str
    metric: str
    start: float
    target: float
    value: float
    standing: Standing

    @property
    def reached(self) -> bool:
        return self.standing == "reached"


def check_due_tasks(
    session: Session, *, manager_id: int, stats: ManagerStats, now: datetime
) -> list[TaskCheck]:
    """Past their deadline, practice tasks with a CRM goal are checked against today's numbers (once).
    A task marked Done is checked at once, too, but reported early only when its goal is reached."""
    due = session.scalars(
        select(PracticeTask).where(
            PracticeTask.manager_id == manager_id,
            PracticeTask.metric.is_not(None),
            PracticeTask.result.is_(None),
            (PracticeTask.deadline <= now) | (PracticeTask.response == "done"),
            PracticeTask.response != "not_relevant",
        )
    ).all()
    checks = []
    for task in due:
        assert task.metric is not None and task.comparison is not None and task.target is not None
        value = metric_value(stats, task.metric)
        if task.baseline is not None:
            result = standing(value, start=task.baseline, target=task.target)
        else:  # given before goals were relative to the start: only reached or not
            result = "reached" if holds(value, task.comparison, task.target) else "missed"
        if task.deadline > now and result != "reached":
            continue  # done early, not there yet: the deadline check tells
        task.result, task.result_value, task.checked_at = result, value, now
        start = task.baseline if task.baseline is not None else value
        checks.append(TaskCheck(task.lesson_id, task.metric, start, task.target, value, result))
    return checks
