"""What a manager's Home tab shows: this week's numbers and last week's, eight weeks of trend, open practice
tasks, the streak (when the next messages come: bot/delivery/upcoming.py). No Slack here: the Home renderer
gets plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.curriculum import weekly_focus
from bot.coaching.history import WeekNumbers, manager_weeks, record_week
from bot.coaching.identity import Identities, IdentityProblem
from bot.coaching.lessons import LessonLibrary
from bot.coaching.pipeline import PipelineStats
from bot.coaching.team import team_progress
from bot.crm.base import CRMError, ManagerStats
from bot.i18n import Language
from bot.store.delivery_models import PracticeTask
from bot.store.managers import find_manager

DEFAULT_FOCUS = "no_next_step_share"  # when no focus rule is broken, the hygiene number everybody tracks


@dataclass(frozen=True, slots=True)
class OpenTask:
    id: int
    lesson_id: str
    title: str
    deadline: datetime
    snoozed_until: datetime | None


@dataclass(frozen=True, slots=True)
class ManagerDashboard:
    team_id: str
    slack_user_id: str
    language: Language
    identity_problem: IdentityProblem | None  # set when not linked to the CRM
    crm_problem: CRMError | None
    stats: ManagerStats | None
    previous: ManagerStats | None  # the latest numbers of an earlier week
    focus_metric: str
    weeks: tuple[WeekNumbers, ...]
    tasks: tuple[OpenTask, ...]
    streak_weeks: int


def manager_dashboard(
    *,
    sessions: sessionmaker[Session],
    identities: Identities,
    stats: PipelineStats,
    library: LessonLibrary,
    team_id: str,
    slack_user_id: str,
    language: Language,
    now: datetime,
) -> ManagerDashboard:
    """Raises nothing the user caused: an unlinked manager or a failing CRM are part of the result."""
    numbers: ManagerStats | None = None
    problem: IdentityProblem | None = None
    crm_problem: CRMError | None = None
    try:
        identity = identities.identify(team_id=team_id, slack_user_id=slack_user_id, now=now)
        language = identity.language
        numbers = stats.current(team_id=team_id, crm_owner_id=identity.crm_owner_id, now=now)
        record_week(sessions, team_id=team_id, slack_user_id=slack_user_id, stats=numbers, now=now)
    except IdentityProblem as error:
        problem = error
    except CRMError as error:
        crm_problem = error
    weeks = manager_weeks(sessions, team_id=team_id, slack_user_id=slack_user_id, now=now)
    earlier = [w.stats for w in weeks[:-1] if w.stats is not None]
    focus = weekly_focus(numbers) if numbers is not None else None
    progress = team_progress(sessions, team_id=team_id, scope=frozenset({slack_user_id}), now=now)
    return ManagerDashboard(
        team_id=team_id,
        slack_user_id=slack_user_id,
        language=language,
        identity_problem=problem,
        crm_problem=crm_problem,
        stats=numbers,
        previous=earlier[-1] if earlier else None,
        focus_metric=focus.metric if focus else DEFAULT_FOCUS,
        weeks=weeks,
        tasks=_open_tasks(sessions, library, team_id, slack_user_id, language),
        streak_weeks=progress[0].streak_weeks if progress else 0,
    )


def _open_tasks(
    sessions: sessionmaker[Session],
    library: LessonLibrary,
    team_id: str,
    slack_user_id: str,
    language: Language,
) -> tuple[OpenTask, ...]:
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        if manager is None:
            return ()
        rows = session.scalars(
            select(PracticeTask)
            .where(
                PracticeTask.manager_id == manager.id,
                PracticeTask.response.in_(("open", "snoozed")),
                PracticeTask.result.is_(None),
            )
            .order_by(PracticeTask.deadline)
        ).all()
    tasks = []
    for row in rows:
        lesson = library.get(row.lesson_id, language)
        tasks.append(
            OpenTask(
                id=row.id,
                lesson_id=row.lesson_id,
                title=lesson.title if lesson else row.lesson_id,
                deadline=row.deadline,
                snoozed_until=row.snoozed_until if row.response == "snoozed" else None,
            )
        )
    return tuple(tasks)
