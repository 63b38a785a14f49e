"""`crmcoach preview`: what one manager would receive over the next weeks, against a copy of the data.

The manager's rows (workspace, manager, subscription, tasks, snapshots, outbox) are copied into a
throwaway SQLite database; today's numbers come from the CRM once and then move as the chosen behaviour
would move them. The real planner and composer run on the copy: nothing is sent, nothing is stored.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import make_transient

from bot.coaching.goals import GoalPlan
from bot.coaching.tasks import stored_goal
from bot.crm.base import ManagerStats
from bot.delivery.enroll import start_subscription
from bot.delivery.services import Delivery
from bot.delivery.simulation import Behaviour, Received, ScriptedCRM, simulate
from bot.i18n import Language, language_for
from bot.store.db import make_engine, make_session_factory
from bot.store.delivery_models import OutboxMessage, PracticeTask, StatsSnapshot, Subscription
from bot.store.migrations import ensure_schema
from bot.store.models import Manager, Workspace

PREVIEW_TEAM = "TPREVIEW"
RESULT_MARKS = ("✅", "📈", "⏳")


class PreviewError(ValueError):
    """Input the person at the terminal can fix (an unknown e-mail, an unlinked manager)."""


@dataclass(frozen=True, slots=True)
class PreviewItem:
    received: Received
    title: str | None
    practice: str | None  # the practice task, when the message gives one
    goal: GoalPlan | None
    results: tuple[str, ...]  # the nudge's result lines ("start → now")


@dataclass(frozen=True, slots=True)
class Preview:
    email: str
    language: Language
    enrolled: bool  # False: shown as if enrolled now
    start: ManagerStats
    items: tuple[PreviewItem, ...]


def preview(*, delivery: Delivery, email: str, weeks: int, behaviour: Behaviour, now: datetime) -> Preview:
    with delivery.sessions() as session:
        manager = session.scalars(
            select(Manager).where(func.lower(Manager.email) == email.strip().lower())
        ).first()
        if manager is not None and manager.crm_owner_id is None:
            raise PreviewError(f"{email} is not linked to a CRM user (`crmcoach managers link`)")
        known: tuple[int | None, str | None, str | None, str | None] | None = None
        if manager is not None:
            known = (manager.id, manager.crm_owner_id, manager.preferred_language, manager.slack_locale)
    if known is None:  # not in Slack yet: a CRM user, previewed as if they enrolled now
        owner = delivery.crm.find_owner_by_email(email.strip())
        if owner is None:
            raise PreviewError(
                f"nobody with the e-mail {email} in the CRM or among the managers (`crmcoach managers list`)"
            )
        known = (None, owner.crm_id, None, None)
    manager_id, owner_id, chosen, locale = known
    assert owner_id is not None
    language = language_for(chosen, locale)
    stats = delivery.crm.manager_stats(owner_id, now=now)
    with tempfile.TemporaryDirectory(prefix="crmcoach-preview-") as directory:
        settings = delivery.settings.replaced(
            DATABASE_URL=f"sqlite:///{Path(directory) / 'preview.db'}",
            CRMCOACH_TELL_COACH_ON_STALL=False,  # a preview tells nobody
        )
        engine = make_engine(settings.database.url)
        try:
            ensure_schema(engine)
            crm = ScriptedCRM({owner_id: stats}, display_name=delivery.crm.display_name)
            copy = replace(delivery, sessions=make_session_factory(engine), settings=settings, crm=crm)
            if manager_id is None:
                manager_id = _new_manager(copy, stats, now)
                enrolled = False
            else:
                enrolled = _copy_manager(delivery, copy, manager_id, now)
            received = simulate(
                delivery=copy, crm=crm, start=now, weeks=weeks, behaviours={manager_id: behaviour}
            )
            items = tuple(_item(copy, item, language) for item in received)
        finally:
            engine.dispose()
    return Preview(email, language, enrolled, stats, items)


def _new_manager(target: Delivery, stats: ManagerStats, now: datetime) -> int:
    with target.sessions() as session:
        session.add(Workspace(team_id=PREVIEW_TEAM, name="preview"))
        session.flush()  # before the manager that refers to it
        manager = Manager(
            team_id=PREVIEW_TEAM,
            slack_user_id="UPREVIEW",
            email=stats.owner.email,
            display_name=stats.owner.name,
            crm_owner_id=stats.owner.crm_id,
            tz=target.settings.schedule.default_tz.key,
        )
        session.add(manager)
        session.flush()
        start_subscription(session, manager, target.settings, now=now - timedelta(minutes=1), source="self")
        session.commit()
        return manager.id


def _copy_manager(source: Delivery, target: Delivery, manager_id: int, now: datetime) -> bool:
    """The manager's rows, with their ids, into the throwaway database; True if they were enrolled."""
    with source.sessions() as session:
        manager = session.get(Manager, manager_id)
        assert manager is not None
        rows: list[object] = [session.get(Workspace, manager.team_id), manager]
        subscription = session.get(Subscription, manager_id)
        rows.append(subscription)
        for model in (OutboxMessage, PracticeTask, StatsSnapshot):
            rows.extend(session.scalars(select(model).where(model.manager_id == manager_id)).all())
        kept = [row for row in rows if row is not None]
        for row in kept:
            session.expunge(row)
            make_transient(row)
    with target.sessions() as session:
        for row in kept:  # in the order the foreign keys need
            session.add(row)
            session.flush()
        if subscription is None:
            copied = session.get(Manager, manager_id)
            assert copied is not None
            enrolled_at = now - timedelta(minutes=1)
            start_subscription(session, copied, target.settings, now=enrolled_at, source="self")
        session.commit()
    return subscription is not None


def _item(delivery: Delivery, received: Received, language: Language) -> PreviewItem:
    lesson = delivery.library.get(received.lesson_id, language) if received.lesson_id else None
    goal = None
    if received.task_id is not None and lesson is not None:
        with delivery.sessions() as session:
            task = session.get(PracticeTask, received.task_id)
            goal = stored_goal(task, lesson) if task else None
    return PreviewItem(
        received=received,
        title=lesson.title if lesson else None,
        practice=lesson.practice if lesson and received.task_id else None,
        goal=goal,
        results=tuple(_result_lines(received.message)),
    )


def _result_lines(message: dict[str, object]) -> list[str]:
    lines: list[str] = []
    for block in message.get("blocks") or []:  # type: ignore[attr-defined]
        text = (block.get("text") or {}).get("text", "") if isinstance(block, dict) else ""
        lines.extend(line for line in str(text).splitlines() if line.startswith(RESULT_MARKS))
    return lines
