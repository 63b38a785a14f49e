"""The trend charts as data (title, weeks, lines) in the reader's language: a manager's focus metric and
hygiene, the team's hygiene, and the focus chart a weekly nudge carries when its metric moved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.charts import Line, TrendChart, has_numbers
from bot.coaching.curriculum import Focus
from bot.coaching.dashboard import ManagerDashboard
from bot.coaching.history import HygieneWeek, WeekNumbers, manager_weeks, metric_series
from bot.coaching.metrics import metric_value
from bot.crm.base import ManagerStats
from bot.delivery.chart_files import chart_image
from bot.i18n import Language, t
from bot.render.charts import ChartImage
from bot.slack_gateway import SlackFiles

SHARE_METRICS = ("stale_share", "no_next_step_share", "overdue_share")


def manager_charts(board: ManagerDashboard) -> list[tuple[str, TrendChart]]:
    """The focus metric's trend and the hygiene trend (stale, without next step), when there are numbers."""
    language, weeks = board.language, tuple(w.week for w in board.weeks)
    focus = focus_chart(language, board.weeks, board.focus_metric)
    hygiene = hygiene_chart(
        t(language, "dashboard.hygiene_chart"),
        language,
        weeks,
        metric_series(board.weeks, "stale_deals"),
        metric_series(board.weeks, "deals_without_next_step"),
    )
    return [
        (name, chart) for name, chart in (("focus", focus), ("hygiene", hygiene)) if has_numbers(chart.lines)
    ]


def hygiene_chart(
    title: str,
    language: Language,
    weeks: tuple[str, ...],
    stale: tuple[float | None, ...],
    missing: tuple[float | None, ...],
) -> TrendChart:
    return TrendChart(
        title=title,
        weeks=weeks,
        lines=(
            Line(t(language, "dashboard.stale"), stale),
            Line(t(language, "dashboard.without_next_step"), missing),
        ),
        language=language,
    )


def team_chart(language: Language, hygiene: tuple[HygieneWeek, ...]) -> TrendChart:
    return hygiene_chart(
        t(language, "dashboard.team_chart"),
        language,
        tuple(w.week for w in hygiene),
        tuple(None if w.stale is None else float(w.stale) for w in hygiene),
        tuple(None if w.without_next_step is None else float(w.without_next_step) for w in hygiene),
    )


def focus_chart(language: Language, weeks: tuple[WeekNumbers, ...], metric: str) -> TrendChart:
    label = t(language, f"metric_labels.{metric}")
    return TrendChart(
        title=t(language, "dashboard.focus_chart", metric=label[:1].upper() + label[1:]),
        weeks=tuple(w.week for w in weeks),
        lines=(Line(label, metric_series(weeks, metric)),),
        percent=metric in SHARE_METRICS,
        language=language,
    )


def nudge_chart(
    *,
    sessions: sessionmaker[Session],
    files: SlackFiles,
    team_id: str,
    slack_user_id: str,
    language: Language,
    stats: ManagerStats,
    previous: ManagerStats | None,
    focus: Focus | None,
    now: datetime,
) -> ChartImage | None:
    """The Home's focus chart, for the weekly nudge, only when the focus metric moved since last week."""
    if focus is None or previous is None:
        return None
    if metric_value(stats, focus.metric) == metric_value(previous, focus.metric):
        return None
    weeks = manager_weeks(sessions, team_id=team_id, slack_user_id=slack_user_id, now=stats.fetched_at)
    chart = focus_chart(language, weeks, focus.metric)
    if not has_numbers(chart.lines):
        return None
    return chart_image(
        sessions=sessions,
        files=files,
        team_id=team_id,
        slack_user_id=slack_user_id,
        name="focus",
        chart=chart,
        now=now,
    )
