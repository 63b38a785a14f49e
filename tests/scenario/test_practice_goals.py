"""Practice goals in scheduled messages: the task states its goal from the manager's starting number,
the CRM check after the deadline says "start → now", and "progress" once half the gap is closed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coaching.metrics import metric_value
from bot.coaching.tasks import check_due_tasks
from bot.container import Container
from bot.delivery.worker import tick
from bot.demo.standins.slack import SlackStandIn
from bot.render.outbound import nudge_message
from bot.store.delivery_models import PracticeTask
from bot.store.models import Manager
from tests.conftest import NOW, enroll_everyone
from tests.helpers import all_text

MONDAY_0800_UTC = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Anna's weekly nudge (09:00 in Vienna)


@pytest.fixture
def enrolled(container: Container, slack: SlackStandIn) -> Container:
    enroll_everyone(container, team_id=slack.team_id, now=NOW)
    tick(delivery=container.delivery, now=NOW + timedelta(hours=5))  # welcomes out of the way
    return container


def anna_tasks(container: Container) -> list[PracticeTask]:
    with Session(container.engine) as session:
        anna = session.scalar(select(Manager.id).where(Manager.slack_user_id == "U0ANNA"))
        return list(session.scalars(select(PracticeTask).where(PracticeTask.manager_id == anna)))


def test_the_nudges_task_sets_a_goal_from_the_managers_starting_number(
    enrolled: Container, slack: SlackStandIn
) -> None:
    tick(delivery=enrolled.delivery, now=MONDAY_0800_UTC)

    [task] = anna_tasks(enrolled)
    lesson = enrolled.answers.library.get(task.lesson_id, "de")
    assert lesson is not None and lesson.goal is not None and task.metric == lesson.metric
    stats = enrolled.crm.manager_stats("M00001", now=MONDAY_0800_UTC)
    start = metric_value(stats, lesson.metric)
    assert task.baseline == start
    assert task.target == (
        max(0, start + lesson.goal.change) if lesson.goal.change < 0 else start + lesson.goal.change
    )
    assert task.target != start  # never a goal that is met on day one
    comparison = "höchstens" if lesson.goal.change < 0 else "mindestens"
    nudge = all_text(slack.messages_in("DU0ANNA")[-1])
    assert f"Ziel: von {int(start)} auf {comparison} {int(task.target)} " in nudge
    assert f"innerhalb von {lesson.goal.deadline_days} Tagen." in nudge


EN_UNIT, DE_UNIT = "of your own deals without a next step", "deiner eigenen Deals ohne nächsten Schritt"


@pytest.mark.parametrize(
    ("now_value", "standing", "english", "german"),
    [
        (
            20,
            "missed",
            f"⏳ Go first: 21 → 20 {EN_UNIT} – goal of at most 11 not reached yet",
            f"⏳ Go first: 21 → 20 {DE_UNIT} – Ziel von höchstens 11 noch nicht erreicht",
        ),
        (
            16,  # 5 of 10 closed: half the gap
            "progress",
            f"📈 Go first: 21 → 16 {EN_UNIT} – progress: at least half way to at most 11",
            f"📈 Go first: 21 → 16 {DE_UNIT} – Fortschritt: mindestens die Hälfte des Wegs zu höchstens 11",
        ),
        (
            11,
            "reached",
            f"✅ Go first: 21 → 11 {EN_UNIT} – goal of at most 11 reached",
            f"✅ Go first: 21 → 11 {DE_UNIT} – Ziel von höchstens 11 erreicht",
        ),
    ],
)
def test_the_check_after_the_deadline_says_start_now_and_credits_progress(
    container: Container, now_value: int, standing: str, english: str, german: str
) -> None:
    enroll_everyone(container, team_id="T0TEST", now=NOW)
    stats = container.crm.manager_stats("M00001", now=NOW)
    stats = replace(stats, own_deals_without_next_step=now_value)  # what the CRM shows after the deadline
    with Session(container.engine) as session:
        anna = session.scalar(select(Manager.id).where(Manager.slack_user_id == "U0ANNA"))
        session.add(
            PracticeTask(
                team_id="T0TEST",
                manager_id=anna,
                lesson_id="role-model-go-first",
                assigned_at=NOW - timedelta(days=8),
                deadline=NOW - timedelta(days=1),
                metric="own_deals_without_next_step",
                comparison="<=",
                target=11,
                baseline=21,
            )
        )
        session.commit()
        checks = check_due_tasks(session, manager_id=anna, stats=stats, now=NOW)
        session.commit()
        [row] = session.scalars(select(PracticeTask).where(PracticeTask.manager_id == anna)).all()
    assert (row.result, row.result_value) == (standing, now_value)
    for language, line in (("en", english), ("de", german)):
        message = nudge_message(
            language=language,
            stats=stats,
            previous=None,
            focus=None,
            lesson=None,
            task=None,
            checks=[("Go first", checks[0])],
        )
        assert line in all_text(message)
