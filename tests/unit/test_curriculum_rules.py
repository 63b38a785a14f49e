"""The curriculum's rules on the real lesson library: a path per topic, what rests and for how long."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.coaching.curriculum import Given, choose, moves_focus, rested_topics, stalled
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.metrics import metric_value
from bot.crm.base import ManagerStats
from bot.delivery.simulation import synthetic_profiles

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def english() -> list[Lesson]:
    return LessonLibrary.load().in_language("en")


@pytest.fixture(scope="module")
def stale_team() -> ManagerStats:
    """A team of four, most deals stale, everything else fine."""
    base = synthetic_profiles(1, now=NOW)[0]
    return replace(
        base,
        team_size=4,
        open_deals=60,
        stale_deals=48,
        own_open_deals=12,
        own_stale_deals=9,
        deals_without_next_step=5,
        own_deals_without_next_step=1,
        overdue_close_dates=2,
        own_overdue_close_dates=0,
        own_won_90d=0,
        own_lost_90d=0,
        activities_7d_manager=6,
    )


def _given(lesson: Lesson, weeks_ago: float, response: str = "open", result: str | None = None) -> Given:
    return Given(
        lesson.id,
        lesson.topic,
        NOW - timedelta(weeks=weeks_ago),
        response,
        result,
        lesson.metric,
        40.0,
        37.0,
        NOW - timedelta(weeks=weeks_ago) + timedelta(hours=1),
    )


def _pick(lessons: list[Lesson], stats: ManagerStats, history: list[Given], **kwargs: object) -> Lesson:
    choice = choose(lessons, stats, history=history, now=NOW, focus_metric="stale_share", seed=0, **kwargs)  # type: ignore[arg-type]
    assert choice is not None
    return choice.lesson


def test_the_nudge_task_moves_the_focus_and_walks_a_topic_from_its_lowest_level(
    english: list[Lesson], stale_team: ManagerStats
) -> None:
    first = _pick(english, stale_team, [])
    second = _pick(english, stale_team, [_given(first, 1)], topic=first.topic)

    assert moves_focus(first, "stale_share") and first.goal is not None
    same_topic = [x for x in english if x.topic == first.topic and moves_focus(x, "stale_share") and x.goal]
    if len(same_topic) > 1:
        assert second.topic == first.topic and second.level >= first.level
    assert second.id != first.id


def test_a_lesson_rests_eight_weeks_unless_its_number_fell_back_after_being_reached(
    english: list[Lesson], stale_team: ManagerStats
) -> None:
    only = [_pick(english, stale_team, [])]

    assert (
        choose(only, stale_team, history=[_given(only[0], 7)], now=NOW, focus_metric="stale_share", seed=0)
        is None
    )
    assert choose(only, stale_team, history=[_given(only[0], 9)], now=NOW, focus_metric="stale_share", seed=0)
    today = metric_value(stale_team, only[0].metric)
    fell_back = replace(_given(only[0], 3, "open", "reached"), start=today - 2, target=today - 5)
    assert choose(only, stale_team, history=[fell_back], now=NOW, focus_metric="stale_share", seed=0)


def test_done_with_the_goal_reached_rests_twelve_weeks_even_when_the_number_fell_back(
    english: list[Lesson], stale_team: ManagerStats
) -> None:
    only = [_pick(english, stale_team, [])]
    for weeks, expected in ((3, False), (11, False), (13, True)):
        history = [_given(only[0], weeks, "done", "reached")]
        chosen = choose(only, stale_team, history=history, now=NOW, focus_metric="stale_share", seed=0)
        assert (chosen is not None) is expected, weeks


def test_two_not_relevant_in_a_topic_rest_it_for_four_weeks(english: list[Lesson]) -> None:
    topic = [x for x in english if x.topic == "pipeline-review"][:2]
    answered = [_given(topic[0], 2, "not_relevant"), _given(topic[1], 1, "not_relevant")]

    assert rested_topics(answered, NOW) == {"pipeline-review"}
    assert rested_topics(answered[:1], NOW) == set()
    assert rested_topics(answered, NOW + timedelta(weeks=4)) == set()


def test_micro_lessons_deepen_the_week_topic_or_reflect_and_never_leave_the_focus(
    english: list[Lesson], stale_team: ManagerStats
) -> None:
    nudge = _pick(english, stale_team, [])
    history = [_given(nudge, 0)]

    with_task = _pick(english, stale_team, history, topic=nudge.topic, deepen=True)
    without = _pick(english, stale_team, history, topic=nudge.topic, deepen=True, with_task=False)

    assert moves_focus(with_task, "stale_share") and moves_focus(without, "stale_share")
    assert with_task.topic == nudge.topic or with_task.reflective
    assert without.reflective or without.topic == nudge.topic


@pytest.mark.parametrize(
    ("values", "comparison", "expected"),
    [
        ([0.8, 0.8, 0.82, 0.8], ">", True),
        ([0.8, 0.7, 0.75, 0.79], ">", False),
        ([1, 1, 2, 1], "<", True),
        ([1, 2, 2, 3], "<", False),
        ([0.8, 0.8, 0.8], ">", False),  # three values are two weeks: too early to call it a stall
    ],
)
def test_a_stall_is_three_nudges_without_improvement(
    values: list[float], comparison: str, expected: bool
) -> None:
    assert stalled(values, comparison) is expected
