"""The curriculum's promises as figures over a simulation run (tests assert them, the benchmark prints)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.crm.base import ManagerStats
from bot.delivery.services import Delivery
from bot.delivery.simulation import Behaviour, Received, ScriptedCRM, enroll_profiles, simulate
from bot.store.delivery_models import PracticeTask


@dataclass(frozen=True, slots=True)
class Figures:
    managers: int
    messages: int  # nudges and micro-lessons that went out
    nudges: int
    nudges_with_task: int  # nudges with a focus that gave a new practice task
    task_on_focus: float  # share of those whose task moves the focus metric
    nudges_without_task: int  # two tasks still open, or nothing new on the focus
    resends: float  # share of lesson messages repeating a lesson the manager had before
    resends_after_reached: int  # lessons sent again after Done with the goal reached
    max_open_tasks: int
    micro_lessons: int  # micro-lessons in weeks with a focus
    micro_on_focus: float  # share of those on the week's focus
    micro_same_topic: float  # share of those on the topic of the week's nudge
    opener_share: dict[str, float]  # per focus: the share of the most common first lesson
    opener_profiles: dict[str, int]  # per focus: how many profiles started on it
    escalations: int

    def lines(self) -> list[str]:
        openers = ", ".join(
            f"{focus} {share:.0%} of {self.opener_profiles[focus]}"
            for focus, share in self.opener_share.items()
        )
        return [
            f"managers {self.managers}, nudges and micro-lessons {self.messages}",
            f"nudge task on the focus metric: {self.task_on_focus:.1%} of {self.nudges_with_task} "
            f"(no new task: {self.nudges_without_task} of {self.nudges} nudges)",
            f"re-sends: {self.resends:.1%}; after Done with the goal reached: {self.resends_after_reached}",
            f"most open practice tasks at any time: {self.max_open_tasks}",
            f"micro-lessons on the week's focus: {self.micro_on_focus:.1%} of {self.micro_lessons} "
            f"(on the nudge's own topic: {self.micro_same_topic:.1%})",
            f"most common opening lesson per focus: {openers}",
            f"changes of approach after three stalled nudges: {self.escalations}",
        ]


def run_grid(
    *,
    delivery: Delivery,
    profiles: Sequence[ManagerStats],
    behaviours: Sequence[Behaviour],
    start: datetime,
    weeks: int,
    team_id: str = "TSIM",
) -> tuple[list[Received], Figures]:
    """Enroll every profile (behaviours repeat in turn), simulate `weeks` weeks, and measure."""
    crm = ScriptedCRM({p.owner.crm_id: p for p in profiles})
    delivery = replace(delivery, crm=crm)
    ids = enroll_profiles(
        sessions=delivery.sessions,
        settings=delivery.settings,
        profiles=list(profiles),
        team_id=team_id,
        now=start - timedelta(hours=1),
    )
    chosen = {manager_id: behaviours[i % len(behaviours)] for i, manager_id in enumerate(ids)}
    received = simulate(delivery=delivery, crm=crm, start=start, weeks=weeks, behaviours=chosen)
    return received, figures(delivery.sessions, received)


def figures(sessions: sessionmaker[Session], received: Sequence[Received]) -> Figures:
    coaching = [r for r in received if r.kind in ("nudge", "lesson")]
    nudges = [r for r in coaching if r.kind == "nudge"]
    with_task = [r for r in nudges if r.focus and r.task_id is not None]
    lessons = [r for r in coaching if r.lesson_id]
    week_of = {(r.manager_id, r.week): r for r in nudges}
    micro = [r for r in coaching if r.kind == "lesson" and r.lesson_id and r.focus]
    same_topic = [r for r in micro if (n := week_of.get((r.manager_id, r.week))) and n.topic == r.topic]
    first: dict[int, Received] = {}
    for r in nudges:
        if r.lesson_id and r.focus and r.manager_id not in first:
            first[r.manager_id] = r
    opened: dict[str, Counter[str]] = defaultdict(Counter)
    for r in first.values():
        opened[str(r.focus)][str(r.lesson_id)] += 1
    return Figures(
        managers=len({r.manager_id for r in received}),
        messages=len(coaching),
        nudges=len(nudges),
        nudges_with_task=len(with_task),
        task_on_focus=_share(sum(r.on_focus for r in with_task), len(with_task)),
        nudges_without_task=sum(1 for r in nudges if r.task_id is None),
        resends=_share(sum(r.resend for r in lessons), len(lessons)),
        resends_after_reached=_after_reached(sessions, lessons),
        max_open_tasks=max((r.open_tasks for r in received), default=0),
        micro_lessons=len(micro),
        micro_on_focus=_share(sum(r.on_focus for r in micro), len(micro)),
        micro_same_topic=_share(len(same_topic), len(micro)),
        opener_share={f: max(c.values()) / sum(c.values()) for f, c in sorted(opened.items())},
        opener_profiles={f: sum(c.values()) for f, c in sorted(opened.items())},
        escalations=sum(r.escalated for r in nudges),
    )


def _after_reached(sessions: sessionmaker[Session], lessons: Sequence[Received]) -> int:
    """Messages that repeat a lesson after the manager clicked Done and the check found it reached."""
    with sessions() as session:
        reached = session.scalars(
            select(PracticeTask).where(PracticeTask.response == "done", PracticeTask.result == "reached")
        ).all()
        moments = [(t.manager_id, t.lesson_id, t.assigned_at) for t in reached]
    return sum(
        1
        for r in lessons
        for manager_id, lesson_id, checked in moments
        if r.manager_id == manager_id and r.lesson_id == lesson_id and r.at > checked
    )


def _share(part: float, whole: int) -> float:
    return part / whole if whole else 1.0
