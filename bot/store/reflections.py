"""Queries for reflections: which lesson last asked a manager a question, and what they answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.delivery_models import OutboxMessage
from bot.store.models import Manager
from bot.store.reflection_models import Reflection

# Only micro-lessons show a reflection question (the weekly nudge shows the task, not the question).
ASKING_KINDS = ("lesson",)


@dataclass(frozen=True, slots=True)
class SentLesson:
    lesson_id: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class StoredReflection:
    slack_user_id: str
    lesson_id: str
    text: str
    created_at: datetime


def latest_sent_lesson(
    session: Session, *, team_id: str, slack_user_id: str, since: datetime
) -> SentLesson | None:
    """The newest lesson delivered to this manager at or after `since` (outbox rows marked sent)."""
    rows = session.execute(
        select(OutboxMessage.payload, OutboxMessage.sent_at)
        .join(Manager, Manager.id == OutboxMessage.manager_id)
        .where(
            Manager.team_id == team_id,
            Manager.slack_user_id == slack_user_id,
            OutboxMessage.team_id == team_id,
            OutboxMessage.kind.in_(ASKING_KINDS),
            OutboxMessage.status == "sent",
            OutboxMessage.sent_at >= since,
        )
        .order_by(OutboxMessage.sent_at.desc())
    )
    for payload, sent_at in rows:
        lesson_id = (payload or {}).get("lesson_id")
        if lesson_id and sent_at is not None:
            return SentLesson(lesson_id=str(lesson_id), sent_at=sent_at)
    return None


def add_reflection(
    session: Session, *, team_id: str, slack_user_id: str, lesson_id: str, text: str, now: datetime
) -> None:
    session.add(
        Reflection(
            team_id=team_id, slack_user_id=slack_user_id, lesson_id=lesson_id, text=text, created_at=now
        )
    )


def team_reflections(session: Session, *, team_id: str) -> list[StoredReflection]:
    """Every reflection of the workspace, oldest first."""
    rows = session.scalars(
        select(Reflection).where(Reflection.team_id == team_id).order_by(Reflection.created_at, Reflection.id)
    )
    return [StoredReflection(r.slack_user_id, r.lesson_id, r.text, r.created_at) for r in rows]
