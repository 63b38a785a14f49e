"""Practice-task goals: relative to the number when the lesson is sent, on the one metric the task moves.

A goal says what doing the task changes ("five fewer deals without a next step"); the target follows
from the starting value, so a goal is never met on day one and never asks for more than the task does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["down", "up", "either"]
Scope = Literal["own", "team"]
Standing = Literal["reached", "progress", "missed"]

# The count metrics a goal can use, and which way doing a task can move them.
GOAL_METRICS: dict[str, Direction] = {
    "open_deals": "either",
    "stale_deals": "down",
    "deals_without_next_step": "down",
    "overdue_close_dates": "down",
    "activities_7d_manager": "up",
    "activities_7d_team": "up",
    "own_open_deals": "either",
    "own_stale_deals": "down",
    "own_deals_without_next_step": "down",
    "own_overdue_close_dates": "down",
}
# A reflective lesson (no goal) may also be about a count no task moves within a deadline.
REFLECTIVE_METRICS = (*GOAL_METRICS, "won_90d", "lost_90d", "own_won_90d", "own_lost_90d")
# Metrics counted over a window: a deadline beyond it would check work that has dropped out again
# (activities count the last 7 days; a deal touched today is stale again after the 14-day stale period).
MAX_DEADLINE_DAYS: dict[str, int] = {
    "activities_7d_manager": 7,
    "activities_7d_team": 7,
    "stale_deals": 13,
    "own_stale_deals": 13,
}
OWN_BY_NATURE = frozenset({"activities_7d_manager"})
MAX_CHANGE = 50
MAX_DEADLINE = 60


@dataclass(frozen=True, slots=True)
class Goal:
    """What doing the practice task as written changes, and by when: change -5 = five fewer."""

    change: int
    deadline_days: int


@dataclass(frozen=True, slots=True)
class GoalPlan:
    """A goal made concrete for one manager: from `start` to `target` within `days`."""

    metric: str
    start: float
    target: float
    days: int

    @property
    def decreasing(self) -> bool:
        return self.target < self.start


def goal_target(start: float, change: int) -> float:
    return max(0.0, start + change) if change < 0 else start + change


def plan_goal(metric: str, goal: Goal, start: float) -> GoalPlan | None:
    """The concrete goal, or None when it would already be met at the start (lesson not eligible)."""
    target = goal_target(start, goal.change)
    if target == start:
        return None
    return GoalPlan(metric=metric, start=start, target=target, days=goal.deadline_days)


def is_met(value: float, *, start: float, target: float) -> bool:
    return value <= target if target < start else value >= target


def standing(value: float, *, start: float, target: float) -> Standing:
    """'reached' when the target holds; 'progress' once at least half the gap is closed."""
    if is_met(value, start=start, target=target):
        return "reached"
    gap = abs(target - start)
    closed = (start - value) if target < start else (value - start)
    return "progress" if gap and closed * 2 >= gap else "missed"


def scope_of(metric: str) -> tuple[str, Scope]:
    """('deals_without_next_step', 'own') for own_deals_without_next_step: the name without own_."""
    if metric.startswith("own_"):
        return metric.removeprefix("own_"), "own"
    return metric, "own" if metric in OWN_BY_NATURE else "team"


def goal_problems(metric: str, goal: object) -> list[str]:
    """What is wrong with a lesson's goal (text without the file:line prefix)."""
    if not isinstance(goal, dict):
        return ["goal must be a mapping with change and deadline_days"]
    if "metric" in goal:
        if goal["metric"] != metric:
            return [
                f"the goal is on '{goal['metric']}' but the lesson's metric is '{metric}': a goal uses "
                "the metric its practice task moves – re-tag the lesson or change the goal"
            ]
        return ["remove goal.metric: a goal is always on the lesson's `metric`"]
    if set(goal) != {"change", "deadline_days"}:
        return ["goal needs exactly change (e.g. -5) and deadline_days"]
    problems = []
    change, days = goal["change"], goal["deadline_days"]
    if isinstance(change, bool) or not isinstance(change, int) or not 0 < abs(change) <= MAX_CHANGE:
        problems.append(f"goal change must be a whole number from -{MAX_CHANGE} to {MAX_CHANGE}, not 0")
    elif metric in GOAL_METRICS and GOAL_METRICS[metric] != "either":
        wanted = GOAL_METRICS[metric]
        if (change < 0) != (wanted == "down"):
            sign = "negative (fewer)" if wanted == "down" else "positive (more)"
            problems.append(f"goal change on {metric} must be {sign}: that is the way the task moves it")
    limit = MAX_DEADLINE_DAYS.get(metric, MAX_DEADLINE)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
        why = f" ({metric} is counted over a window)" if limit < MAX_DEADLINE else ""
        problems.append(f"goal deadline_days must be a whole number from 1 to {limit}{why}")
    return problems
