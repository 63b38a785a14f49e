"""The curriculum: one focus a week, walked like a driving instructor would.

The weekly focus is the manager's biggest gap. Per topic the lessons form a path (level 1 foundation →
2 practice → 3 advanced); a manager stays on one topic for a focus until it is walked or stalls, then
another topic that moves the same number takes over. What was sent rests: 8 weeks for any lesson
(unless its number fell back after being reached), 12 weeks after Done with the goal reached, and a topic
answered "not relevant" twice rests 4 weeks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.coaching.goals import is_met
from bot.coaching.lessons import TOPICS, Lesson
from bot.coaching.metrics import holds, metric_value
from bot.coaching.numbers import offerable
from bot.crm.base import ManagerStats

# The weekly focus: the gap furthest beyond its threshold wins. (metric, comparison, threshold)
FOCUS_RULES: tuple[tuple[str, str, float], ...] = (
    ("stale_share", ">", 0.25),
    ("no_next_step_share", ">", 0.2),
    ("overdue_share", ">", 0.15),
    ("activities_7d_manager", "<", 3),
)
# The count metrics whose tasks move a focus metric (a share falls when its count falls).
MOVES: dict[str, frozenset[str]] = {
    "stale_share": frozenset({"stale_deals", "own_stale_deals"}),
    "no_next_step_share": frozenset({"deals_without_next_step", "own_deals_without_next_step"}),
    "overdue_share": frozenset({"overdue_close_dates", "own_overdue_close_dates"}),
    "activities_7d_manager": frozenset({"activities_7d_manager"}),
}
RESEND_AFTER = timedelta(weeks=8)
REST_AFTER_REACHED = timedelta(weeks=12)
TOPIC_REST = timedelta(weeks=4)
NOT_RELEVANT_LIMIT = 2  # "not relevant" answers in one topic (within TOPIC_REST) that rest it
MAX_OPEN_TASKS = 2
STALL_NUDGES = 3  # weekly nudges without improvement in the focus metric before the approach changes
MIN_OPENERS = 5  # managers who share a focus start on at least this many different lessons
# Triggers about the team's shape decide whether a lesson applies at all; the others only rank it.
STRUCTURAL = frozenset({"team_size"})


@dataclass(frozen=True, slots=True)
class Focus:
    metric: str
    comparison: str
    threshold: float
    value: float


@dataclass(frozen=True, slots=True)
class Given:
    """A lesson the manager received before (a practice task row), as the curriculum needs it."""

    lesson_id: str
    topic: str
    given_at: datetime
    response: str  # open | done | snoozed | not_relevant
    result: str | None  # reached | progress | missed once checked
    metric: str | None
    start: float | None
    target: float | None
    answered_at: datetime | None = None


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


def moves_focus(lesson: Lesson, focus_metric: str | None) -> bool:
    return focus_metric is not None and lesson.metric in MOVES.get(focus_metric, frozenset())


def resting(lesson: Lesson, history: Sequence[Given], stats: ManagerStats | None, now: datetime) -> bool:
    """Whether the lesson must not be sent now, given what the manager did with it before."""
    for given in history:
        if given.lesson_id != lesson.id:
            continue
        age = now - given.given_at
        if given.response == "not_relevant":
            return True  # the manager told us: not this one
        if given.response == "done" and given.result == "reached":
            if age < REST_AFTER_REACHED:
                return True
        elif age < RESEND_AFTER and not _fell_back(given, stats):
            return True
    return False


def rested_topics(history: Iterable[Given], now: datetime) -> set[str]:
    """Topics answered "not relevant" twice: they rest for TOPIC_REST after the latest of those answers."""
    answers: dict[str, list[datetime]] = {}
    for given in history:
        if given.response == "not_relevant":
            answers.setdefault(given.topic, []).append(given.answered_at or given.given_at)
    return {
        topic
        for topic, moments in answers.items()
        if len(moments) >= NOT_RELEVANT_LIMIT and now - max(moments) < TOPIC_REST
    }


def applies(lesson: Lesson, stats: ManagerStats | None) -> bool:
    """The lesson fits the manager's situation (a team lesson needs a team) and its goal can move."""
    if not offerable(lesson, stats):
        return False
    if stats is None:
        return True
    return all(
        holds(metric_value(stats, c.metric), c.comparison, c.value)
        for c in lesson.triggers
        if c.metric in STRUCTURAL
    )


def fits(lesson: Lesson, stats: ManagerStats | None) -> bool:
    """Every trigger holds: the lesson is about a gap the manager has."""
    if stats is None:
        return False
    return all(holds(metric_value(stats, c.metric), c.comparison, c.value) for c in lesson.triggers)


@dataclass(frozen=True, slots=True)
class Choice:
    lesson: Lesson
    on_focus: bool  # the lesson's task moves the week's focus metric


def choose(
    lessons: Sequence[Lesson],
    stats: ManagerStats | None,
    *,
    history: Sequence[Given],
    now: datetime,
    focus_metric: str | None,
    seed: int,
    topic: str | None = None,
    avoid_topics: Iterable[str] = (),
    with_task: bool = True,
    deepen: bool = False,
    opened: Mapping[str, int] | None = None,
) -> Choice | None:
    """The next lesson: on the focus metric, on `topic` when it still has a step, else on a topic the
    manager has not walked (spread by `seed` so managers with the same focus don't all start alike).
    opened: how many managers of the workspace already have each lesson, so starts stay spread.
    deepen (a micro-lesson): only the next step of `topic` or a reflection on the focus, else nothing;
    with_task=False: a reflection first (the manager has enough open tasks)."""
    closed = rested_topics(history, now)
    usable = [
        lesson
        for lesson in lessons
        if lesson.topic not in closed and applies(lesson, stats) and not resting(lesson, history, stats, now)
    ]
    if with_task and not deepen:
        usable = [lesson for lesson in usable if not lesson.reflective]
    on_focus = [lesson for lesson in usable if moves_focus(lesson, focus_metric)]
    if deepen:
        # A micro-lesson off the focus, or on another topic, would add noise, not depth.
        near = on_focus if focus_metric is not None else usable
        same_topic = sorted((x for x in near if x.topic == topic and not x.reflective), key=_path_order)
        reflective = sorted((x for x in near if x.reflective), key=lambda x: (x.topic != topic, x.id))
        ordered = (same_topic + reflective) if with_task else (reflective + same_topic)
        return Choice(ordered[0], focus_metric is not None) if ordered else None
    if on_focus:
        step = _next_on_path(
            on_focus, stats, topic=topic, avoid=set(avoid_topics), seed=seed, opened=opened or {}
        )
        return Choice(step, True)
    if focus_metric is not None:
        return None  # every lesson on the focus rests: better no task than one off the focus
    if not usable:
        return None
    gaps = [lesson for lesson in usable if fits(lesson, stats)] or usable
    return Choice(min(gaps, key=_path_order), False)


def _next_on_path(
    candidates: list[Lesson],
    stats: ManagerStats | None,
    *,
    topic: str | None,
    avoid: set[str],
    seed: int,
    opened: Mapping[str, int],
) -> Lesson:
    if topic is not None and topic not in avoid:
        same = [lesson for lesson in candidates if lesson.topic == topic]
        if same:
            return min(same, key=_path_order)
    fresh = [lesson for lesson in candidates if lesson.topic not in avoid] or candidates
    # Each topic's next step is its lowest level; topics whose step fits the numbers come first.
    steps: dict[str, Lesson] = {}
    for lesson in sorted(fresh, key=_path_order):
        steps.setdefault(lesson.topic, lesson)
    if len(steps) < MIN_OPENERS:  # few topics: their second steps open too, so starts stay varied
        for lesson in sorted(fresh, key=_path_order):
            if lesson not in steps.values() and len(steps) < MIN_OPENERS:
                steps[lesson.id] = lesson
    fitting = [step for step in steps.values() if fits(step, stats)]
    pool = sorted(fitting if len(fitting) >= MIN_OPENERS else steps.values(), key=_path_order)
    # The step fewest colleagues started with; among equals, the seed rotates.
    rotated = pool[seed % len(pool) :] + pool[: seed % len(pool)]
    return min(rotated, key=lambda lesson: opened.get(lesson.id, 0))


def _first_step(lessons: list[Lesson], topic: str | None) -> Lesson:
    same = [lesson for lesson in lessons if lesson.topic == topic]
    return min(same or lessons, key=_path_order)


def _path_order(lesson: Lesson) -> tuple[int, int, str]:
    return (lesson.level, TOPICS.index(lesson.topic), lesson.id)


def _fell_back(given: Given, stats: ManagerStats | None) -> bool:
    """Its goal was reached once and no longer holds: the lesson may come back."""
    if given.result != "reached" or stats is None or given.metric is None:
        return False
    if given.start is None or given.target is None:
        return False
    return not is_met(metric_value(stats, given.metric), start=given.start, target=given.target)


def stalled(values: Sequence[float], comparison: str) -> bool:
    """The focus metric at the last STALL_NUDGES + 1 nudges (oldest first) did not improve."""
    if len(values) < STALL_NUDGES + 1:
        return False
    first, last = values[-STALL_NUDGES - 1], values[-1]
    return last >= first if comparison == ">" else last <= first
