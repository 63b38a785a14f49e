"""Which lesson comes next for a manager: their gaps first, then the curriculum order, never a lesson
they completed — unless the number it was about has slipped back since."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bot.coaching.goals import is_met
from bot.coaching.lessons import TOPICS, Lesson
from bot.coaching.metrics import SAME_AS, holds, metric_value
from bot.coaching.numbers import offerable
from bot.coaching.retrieval import addresses_gap
from bot.crm.base import ManagerStats

# The weekly focus: the gap furthest beyond its threshold wins. (metric, comparison, threshold)
FOCUS_RULES: tuple[tuple[str, str, float], ...] = (
    ("stale_share", ">", 0.25),
    ("no_next_step_share", ">", 0.2),
    ("overdue_share", ">", 0.15),
    ("activities_7d_manager", "<", 3),
)


@dataclass(frozen=True, slots=True)
class Focus:
    metric: str
    comparison: str
    threshold: float
    value: float


def weekly_focus(stats: ManagerStats) -> Focus | None:
    """The manager's biggest gap, or None when every focus metric is within its threshold."""
    worst: tuple[float, Focus] | None = None
    for metric, comparison, threshold in FOCUS_RULES:
        value = metric_value(stats, metric)
        if not holds(value, comparison, threshold):
            continue
        distance = abs(value - threshold) / (threshold or 1)
        if worst is None or distance > worst[0]:
            worst = (distance, Focus(metric, comparison, threshold, value))
    return worst[1] if worst else None


def next_lesson(
    lessons: list[Lesson],
    stats: ManagerStats | None,
    *,
    completed: Mapping[str, bool],
    recent: Collection[str] = (),
    focus_metric: str | None = None,
) -> Lesson | None:
    """completed: lesson id -> True while its goal still holds (False = the metric regressed).
    A lesson whose goal would already be met at the start is not offered."""
    eligible = [
        lesson
        for lesson in lessons
        if completed.get(lesson.id) is not True and lesson.id not in recent and offerable(lesson, stats)
    ]
    if focus_metric is not None:
        about_focus = [lesson for lesson in eligible if focus_metric in _metrics(lesson)]
        if about_focus:
            eligible = about_focus
    gaps = [lesson for lesson in eligible if addresses_gap(lesson, stats)]
    pool = gaps or eligible
    return min(pool, key=lambda lesson: (lesson.level, TOPICS.index(lesson.topic), lesson.id), default=None)


def goal_still_holds(
    *, metric: str | None, start: float | None, target: float | None, stats: ManagerStats
) -> bool:
    """Whether a done task's goal (as stored when it was given) still holds in today's numbers."""
    if metric is None or start is None or target is None:
        return True
    return is_met(metric_value(stats, metric), start=start, target=target)


def _metrics(lesson: Lesson) -> set[str]:
    names = {c.metric for c in lesson.triggers} | {lesson.metric}
    return names | {SAME_AS.get(name, name) for name in names} | {k for k, v in SAME_AS.items() if v in names}
