"""The manager metrics lessons can be triggered by and checked against, derived from ManagerStats."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

from bot.crm.base import ManagerStats

Comparison = Literal["<", "<=", ">", ">=", "=="]
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# name -> (what it means, how to compute it). Shares are 0..1 of the open deals.
METRICS: dict[str, tuple[str, Callable[[ManagerStats], float]]] = {
    "open_deals": ("open deals of the manager and their team", lambda s: s.open_deals),
    # No exchange rates: the main currency's deals only, and the main currency may change (metric docs).
    "open_value": (
        "value of those open deals in the main currency (other currencies apart)",
        lambda s: float(s.open_value),
    ),
    "stale_deals": ("open deals without activity for the stale period", lambda s: s.stale_deals),
    "stale_share": ("share of open deals that are stale", lambda s: _share(s.stale_deals, s.open_deals)),
    "deals_without_next_step": ("open deals without a next step", lambda s: s.deals_without_next_step),
    "no_next_step_share": (
        "share of open deals without a next step",
        lambda s: _share(s.deals_without_next_step, s.open_deals),
    ),
    "overdue_close_dates": ("open deals whose close date has passed", lambda s: s.overdue_close_dates),
    "overdue_share": (
        "share of open deals with a passed close date",
        lambda s: _share(s.overdue_close_dates, s.open_deals),
    ),
    "own_open_deals": ("open deals the manager owns personally", lambda s: s.own_open_deals),
    "own_open_value": (
        "value of the manager's own open deals in the team's main currency (other currencies apart)",
        lambda s: float(s.own_open_value),
    ),
    "own_stale_deals": ("the manager's own stale open deals", lambda s: s.own_stale_deals),
    "own_stale_share": (
        "share of the manager's own open deals that are stale",
        lambda s: _share(s.own_stale_deals, s.own_open_deals),
    ),
    "own_deals_without_next_step": (
        "the manager's own open deals without a next step",
        lambda s: s.own_deals_without_next_step,
    ),
    "own_no_next_step_share": (
        "share of the manager's own open deals without a next step",
        lambda s: _share(s.own_deals_without_next_step, s.own_open_deals),
    ),
    "own_overdue_close_dates": (
        "the manager's own open deals whose close date has passed",
        lambda s: s.own_overdue_close_dates,
    ),
    "own_overdue_share": (
        "share of the manager's own open deals with a passed close date",
        lambda s: _share(s.own_overdue_close_dates, s.own_open_deals),
    ),
    "activities_7d_manager": ("activities the manager logged in 7 days", lambda s: s.activities_7d_manager),
    "activities_7d_team": ("activities the team logged in 7 days", lambda s: s.activities_7d_team),
    "team_size": ("direct reports in the CRM", lambda s: s.team_size),
    "won_90d": ("deals won in 90 days", lambda s: s.won_90d),
    "lost_90d": ("deals lost in 90 days", lambda s: s.lost_90d),
    "own_won_90d": ("deals the manager won personally in 90 days", lambda s: s.own_won_90d),
    "own_lost_90d": ("deals the manager lost personally in 90 days", lambda s: s.own_lost_90d),
}


# Count and share of the same thing: a sentence about one makes the other redundant (the share says more).
SAME_AS = {
    "stale_deals": "stale_share",
    "deals_without_next_step": "no_next_step_share",
    "overdue_close_dates": "overdue_share",
    "own_stale_deals": "own_stale_share",
    "own_deals_without_next_step": "own_no_next_step_share",
    "own_overdue_close_dates": "own_overdue_share",
}


def metric_value(stats: ManagerStats, metric: str) -> float:
    return float(METRICS[metric][1](stats))


def holds(value: float, comparison: str, target: float) -> bool:
    return COMPARISONS[comparison](value, target)
