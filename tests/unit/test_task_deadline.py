"""A new practice task is due when its goal's window closes; a reflective lesson's task gets a week."""

from __future__ import annotations

from datetime import timedelta

from bot.coaching.lessons import LessonLibrary
from bot.coaching.tasks import REFLECTIVE_TASK_DAYS, default_deadline
from tests.conftest import NOW


def test_a_goal_lessons_task_is_due_when_its_goal_window_closes() -> None:
    lessons = [lesson for lesson in LessonLibrary.load().in_language("en") if lesson.goal is not None]
    assert lessons
    for lesson in lessons:
        assert lesson.goal is not None
        assert default_deadline(lesson, NOW) == NOW + timedelta(days=lesson.goal.deadline_days)


def test_a_reflective_lessons_task_gets_a_week() -> None:
    reflective = [lesson for lesson in LessonLibrary.load().in_language("de") if lesson.reflective]
    assert reflective
    for lesson in reflective:
        assert (
            default_deadline(lesson, NOW)
            == NOW + timedelta(days=REFLECTIVE_TASK_DAYS)
            == NOW + timedelta(days=7)
        )
