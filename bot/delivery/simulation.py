"""Weeks of scheduled coaching, fast-forwarded: the real planner and composer against scripted numbers.

`crmcoach preview`, the curriculum tests and benchmarks/curriculum_sim.py run the same code a live
workspace runs (plan_due → claim → compose), minus Slack: instead of posting, each composed message is
recorded, and a scripted manager answers its buttons (done / ignore / snooze / not-relevant). Doing a
task moves the scripted CRM numbers by what the task, done as written, changes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.calendar import due_between
from bot.coaching.curriculum import moves_focus
from bot.coaching.lessons import Lesson
from bot.coaching.manager_calendar import manager_zone, rules_for, slots_for
from bot.coaching.tasks import Response, record_response
from bot.config import Settings
from bot.crm.base import CRMNotFoundError, ManagerStats, Owner
from bot.delivery import outbox
from bot.delivery.curriculum_plan import open_tasks
from bot.delivery.enroll import enroll
from bot.delivery.messages import MessageComposer, RetryLater, SkipMessage
from bot.delivery.planner import plan_due
from bot.delivery.sender import deliver
from bot.delivery.services import Delivery
from bot.delivery.worker import delivery_client
from bot.slack_gateway import SlackUser
from bot.store.delivery_models import OutboxMessage, PracticeTask, Subscription
from bot.store.managers import find_manager
from bot.store.models import Manager

Behaviour = Literal["done", "ignore", "snooze", "not-relevant"]
BEHAVIOURS: tuple[Behaviour, ...] = ("done", "ignore", "snooze", "not-relevant")
RESPONSES: dict[Behaviour, Response] = {"done": "done", "snooze": "snoozed", "not-relevant": "not_relevant"}
ANSWER_AFTER = timedelta(hours=1)  # the scripted manager answers an hour after the message
# A count metric and the team count it is part of: fixing an own deal fixes one of the team's too.
PART_OF = {
    "own_stale_deals": "stale_deals",
    "own_deals_without_next_step": "deals_without_next_step",
    "own_overdue_close_dates": "overdue_close_dates",
    "own_open_deals": "open_deals",
}


@dataclass
class ScriptedCRM:
    """A CRM whose numbers a script sets per owner (a CRMConnector: the code under test is unchanged)."""

    numbers: dict[str, ManagerStats]
    display_name: str = "Demo CRM"

    def list_owners(self) -> list[Owner]:
        return [stats.owner for stats in self.numbers.values()]

    def find_owner_by_email(self, email: str) -> Owner | None:
        return next((s.owner for s in self.numbers.values() if s.owner.email == email.lower()), None)

    def get_owner(self, crm_id: str) -> Owner:
        if crm_id not in self.numbers:
            raise CRMNotFoundError(f"No CRM user {crm_id}.")
        return self.numbers[crm_id].owner

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        return replace(self.get_owner_stats(crm_id), fetched_at=now)

    def all_manager_stats(self, *, now: datetime) -> dict[str, ManagerStats]:
        return {crm_id: replace(stats, fetched_at=now) for crm_id, stats in self.numbers.items()}

    def get_owner_stats(self, crm_id: str) -> ManagerStats:
        self.get_owner(crm_id)
        return self.numbers[crm_id]

    def do_task(self, crm_id: str, metric: str, change: int) -> None:
        """The manager did the task as written: the metric (and the team count it is part of) moves."""
        stats = self.numbers[crm_id]
        changes: dict[str, Any] = {}
        for name in (metric, PART_OF.get(metric)):
            if name is not None and hasattr(stats, name):
                changes[name] = max(0, int(getattr(stats, name)) + change)
        self.numbers[crm_id] = replace(stats, **changes)


@dataclass(frozen=True, slots=True)
class Received:
    """One message the manager would receive, as the curriculum planned it."""

    manager_id: int
    week: int  # 1-based week of the simulation
    kind: str  # welcome | nudge | lesson
    at: datetime
    focus: str | None
    lesson_id: str | None
    topic: str | None
    task_id: int | None
    on_focus: bool
    resend: bool
    escalated: bool
    open_tasks: int  # open practice tasks right after this message
    message: dict[str, Any] = field(compare=False, repr=False)


def simulate(
    *,
    delivery: Delivery,
    crm: ScriptedCRM,
    start: datetime,
    weeks: int,
    behaviours: Mapping[int, Behaviour],
) -> list[Received]:
    """Run `weeks` weeks from `start` for every subscribed manager (default behaviour: ignore)."""
    run = _Run(replace(delivery, crm=crm), crm, behaviours, start)
    for moment in _moments(delivery.sessions, delivery.settings, start, start + timedelta(weeks=weeks)):
        run.delivery = replace(run.delivery, clock=_fixed(moment))
        with run.delivery.sessions() as session:
            plan_due(session=session, settings=run.delivery.settings, now=moment)
        sessions = run.delivery.sessions
        while batch := outbox.claim(sessions, worker="simulation", now=moment, limit=100_000):
            for claimed in batch:
                if claimed.kind == "notice":  # a coach told about a stall: as live, through the sender
                    deliver(claimed, delivery=run.delivery, client=delivery_client(run.delivery), now=moment)
                else:
                    run.deliver(claimed, moment)
    return run.received


@dataclass
class _Run:
    delivery: Delivery
    crm: ScriptedCRM
    behaviours: Mapping[int, Behaviour]
    start: datetime
    received: list[Received] = field(default_factory=list)
    seen: dict[int, set[str]] = field(default_factory=dict)  # lessons each manager received

    def deliver(self, claimed: outbox.Claimed, now: datetime) -> None:
        composer = MessageComposer(delivery=self.delivery, now=now, charts=False)  # nothing reaches Slack
        try:
            message = composer.compose(claimed)
        except SkipMessage as skip:
            outbox.mark_skipped(self.delivery.sessions, claimed, reason=str(skip))
            return
        except RetryLater as later:
            outbox.mark_failed(self.delivery.sessions, claimed, error=str(later))
            return
        sessions = self.delivery.sessions
        outbox.mark_sent(sessions, claimed, channel="D-simulated", ts=f"{now.timestamp():.6f}", now=now)
        with sessions() as session:
            row = session.get(OutboxMessage, claimed.id)
            payload = dict(row.payload if row else {})
            task = session.scalars(select(PracticeTask).where(PracticeTask.outbox_id == claimed.id)).first()
            manager = session.get(Manager, claimed.manager_id)
            assert manager is not None
            who = (manager.team_id, manager.slack_user_id, manager.crm_owner_id)
            task_id = task.id if task else None
        lesson_id, focus = payload.get("lesson_id"), payload.get("focus")
        lesson = self.delivery.library.get(str(lesson_id), "en") if lesson_id else None
        seen = self.seen.setdefault(claimed.manager_id, set())
        resend = lesson is not None and lesson.id in seen
        if lesson is not None:
            seen.add(lesson.id)
        if task_id is not None and lesson is not None:
            self.answer(self.behaviours.get(claimed.manager_id, "ignore"), who, task_id, lesson, now)
        self.received.append(
            Received(
                manager_id=claimed.manager_id,
                week=(now - self.start) // timedelta(weeks=1) + 1,
                kind=claimed.kind,
                at=now,
                focus=str(focus) if focus else None,
                lesson_id=lesson.id if lesson else None,
                topic=lesson.topic if lesson else None,
                task_id=task_id,
                on_focus=lesson is not None and moves_focus(lesson, str(focus) if focus else None),
                resend=resend,
                escalated=bool(payload.get("escalated")),
                open_tasks=self.open_tasks(claimed.manager_id),
                message=message,
            )
        )

    def answer(
        self,
        behaviour: Behaviour,
        who: tuple[str, str, str | None],
        task_id: int,
        lesson: Lesson,
        at: datetime,
    ) -> None:
        """The scripted manager clicks a button an hour later; Done means the task was done as written."""
        response = RESPONSES.get(behaviour)
        if response is None:
            return
        team_id, user_id, owner = who
        record_response(
            self.delivery.sessions,
            team_id=team_id,
            slack_user_id=user_id,
            task_id=task_id,
            response=response,
            now=at + ANSWER_AFTER,
            library=self.delivery.library,
        )
        if response == "done" and owner is not None and lesson.goal is not None:
            self.crm.do_task(owner, lesson.metric, lesson.goal.change)

    def open_tasks(self, manager_id: int) -> int:
        with self.delivery.sessions() as session:
            return len(open_tasks(session, manager_id))


def _moments(
    sessions: sessionmaker[Session], settings: Settings, start: datetime, end: datetime
) -> Iterator[datetime]:
    """Every moment a subscribed manager has a slot between start and end (the planner's own schedule)."""
    moments: set[datetime] = set()
    with sessions() as session:
        rows = session.execute(select(Manager, Subscription).join(Subscription)).all()
        for manager, subscription in rows:
            tz = manager_zone(manager.tz, settings)
            slots, rules = slots_for(subscription, settings), rules_for(subscription, settings)
            moments.update(due.due_at for due in due_between(slots, tz, rules, start, end))
    yield from sorted(moments)


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def synthetic_profiles(count: int, *, now: datetime, seed: int = 7) -> list[ManagerStats]:
    """`count` managers with different gaps: team sizes, pipeline sizes and shares spread evenly."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, reproducible on purpose
    profiles = []
    for index in range(count):
        team = rng.choice((0, 1, 2, 3, 4, 6, 8))
        open_deals = rng.randint(6, 25) * (team + 1)
        own_open = max(3, open_deals // (team + 1))

        def part(whole: int, share: float) -> int:
            return min(whole, round(whole * share))

        stale, no_step, overdue = (rng.uniform(0, 0.9), rng.uniform(0, 0.8), rng.uniform(0, 0.5))
        owner = Owner(f"sim-{index}", f"manager{index}@sim.example", f"Manager {index}")
        # drawn in this order so a seed gives the numbers it always gave
        mine, logged = rng.choice((0, 0, 1, 2, 3, 5, 8, 12)), rng.randint(0, 15) * (team + 1)
        won, lost = rng.randint(0, 6), rng.randint(0, 6)
        profiles.append(
            ManagerStats(
                owner=owner,
                team_size=team,
                open_deals=open_deals,
                open_value=Decimal(open_deals * 12_000),
                currency="EUR",
                stale_deals=part(open_deals, stale),
                deals_without_next_step=part(open_deals, no_step),
                overdue_close_dates=part(open_deals, overdue),
                activities_7d_manager=mine,
                activities_7d_team=logged,
                won_90d=won,
                lost_90d=lost,
                own_open_deals=own_open,
                own_open_value=Decimal(own_open * 12_000),
                own_stale_deals=part(own_open, stale),
                own_deals_without_next_step=part(own_open, no_step),
                own_overdue_close_dates=part(own_open, overdue),
                own_won_90d=won // (team + 1),
                own_lost_90d=lost // (team + 1),
                stale_days=14,
                fetched_at=now,
                source="Demo CRM",
            )
        )
    return profiles


def enroll_profiles(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    profiles: list[ManagerStats],
    team_id: str,
    now: datetime,
    locale: str = "en-US",
) -> list[int]:
    """Each profile as an enrolled manager in Slack time zone UTC; returns their manager ids in order."""
    ids = []
    for index, stats in enumerate(profiles):
        user = SlackUser(
            id=f"USIM{index:05d}",
            email=None,
            real_name=None,
            profile_real_name=None,
            name=None,
            tz="UTC",
            locale=locale,
            deleted=False,
        )
        enroll(
            sessions=sessions,
            settings=settings,
            team_id=team_id,
            owner=stats.owner,
            slack_user=user,
            now=now,
            source="admin",
        )
        with sessions() as session:
            manager = find_manager(session, team_id, user.id)
            assert manager is not None
            ids.append(manager.id)
    return ids
