"""App Home: each manager's dashboard (numbers, trend charts, tasks, schedule) or a coach's team view,
published in the person's language when the tab opens and after every change they make."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.charts import TrendChart, has_numbers
from bot.coaching.broadcast_schedule import active_schedules
from bot.coaching.dashboard import ManagerDashboard, manager_dashboard
from bot.coaching.history import team_hygiene
from bot.coaching.team import team_progress
from bot.container import Container
from bot.crm.base import CRMError
from bot.delivery.chart_files import chart_image
from bot.delivery.trend_charts import manager_charts, team_chart
from bot.delivery.upcoming import Schedule, upcoming
from bot.i18n import t
from bot.render import home as render_home
from bot.render.charts import ChartImage
from bot.render.home import View
from bot.store.managers import slack_user_of
from bot.store.workspace_lifecycle import is_uninstalled

log = logging.getLogger(__name__)


def register(app: App, container: Container) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        publish_home(container, team_id=body["team_id"], user_id=event["user"])


def publish_home(container: Container, *, team_id: str, user_id: str, team_page: int = 1) -> bool:
    """Build and publish the person's Home; False when Slack refused it (logged, never raised)."""
    if is_uninstalled(container.sessions, team_id=team_id):
        return False
    try:
        view = home_view(container, team_id=team_id, user_id=user_id, team_page=team_page)
        container.slack.views_publish(user_id=user_id, view=view)
    except SlackApiError as exc:
        log.error("views.publish failed for %s: %s", user_id, exc.response.get("error"))
        return False
    except (CRMError, SQLAlchemyError) as exc:
        # the CRM or the database is down: the Home keeps its last view until the next open
        log.warning("App Home for %s/%s could not be built: %s", team_id, user_id, exc)
        return False
    return True


def with_home_refresh(container: Container) -> Container:
    """The container whose sender refreshes a manager's Home after each weekly nudge."""

    def refresh(team_id: str, manager_id: int) -> None:
        user_id = slack_user_of(container.sessions, manager_id)
        if user_id is not None:
            publish_home(container, team_id=team_id, user_id=user_id)

    return dataclasses.replace(container, after_nudge=refresh)


def home_view(container: Container, *, team_id: str, user_id: str, team_page: int = 1) -> View:
    now = container.clock()
    language = container.identities.language(team_id=team_id, slack_user_id=user_id, now=now)
    board = manager_dashboard(
        sessions=container.sessions,
        identities=container.identities,
        stats=container.stats,
        library=container.answers.library,
        team_id=team_id,
        slack_user_id=user_id,
        language=language,
        now=now,
    )
    schedule = upcoming(
        sessions=container.sessions,
        settings=container.settings,
        team_id=team_id,
        slack_user_id=user_id,
        now=now,
    )
    if container.coach_roster.is_coach(team_id, user_id):
        return _coach_view(container, board, schedule, team_page)
    charts = [
        block
        for name, chart in manager_charts(board)
        if (block := _chart(container, user_id=user_id, team_id=team_id, name=name, chart=chart, now=now))
    ]
    return render_home.manager_home(
        board,
        schedule=schedule,
        charts=charts,
        commands_text=t(board.language, "help.commands"),
        crm_name=container.crm.display_name,
    )


def _coach_view(container: Container, board: ManagerDashboard, mine: Schedule | None, team_page: int) -> View:
    team_id, user_id, language, now = board.team_id, board.slack_user_id, board.language, container.clock()
    progress = team_progress(container.sessions, team_id=team_id, scope=None, now=now)
    chart = team_chart(language, team_hygiene(container.sessions, team_id=team_id, now=now))
    image: ChartImage | None = None
    if has_numbers(chart.lines):
        image = _chart(container, team_id=team_id, user_id=user_id, name="team_hygiene", chart=chart, now=now)
    library = container.answers.library
    schedules = []
    for schedule in active_schedules(container.sessions, team_id=team_id, coach_user_id=user_id, now=now):
        lesson = library.get(schedule.lesson_id, language) if schedule.lesson_id else None
        title = lesson.title if lesson else (schedule.text or "").split("\n")[0][:60]
        schedules.append((schedule.id, schedule.channel_id, title, schedule.repeat, schedule.next_run))
    personal = render_home.personal_buttons(
        language, enrolled=mine is not None, paused=mine is not None and mine.paused_until is not None
    )
    return render_home.coach_home(
        language=language,
        progress=progress,
        page=team_page,
        chart=image,
        schedules=schedules,
        personal=[personal],
    )


def _chart(
    container: Container, *, team_id: str, user_id: str, name: str, chart: TrendChart, now: datetime
) -> ChartImage | None:
    return chart_image(
        sessions=container.sessions,
        files=container.gateway,
        team_id=team_id,
        slack_user_id=user_id,
        name=name,
        chart=chart,
        now=now,
    )
