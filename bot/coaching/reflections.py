"""Reflections: a manager's DM reply to the question a micro-lesson asked them, kept for their coach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.lessons import Lesson, LessonLibrary
from bot.i18n import Language
from bot.store.reflections import add_reflection, latest_sent_lesson

# A reply this soon after a lesson is likely an answer to its question; later ones are new questions.
REFLECTION_WINDOW = timedelta(hours=48)
MAX_REFLECTION_CHARS = 4000


@dataclass(frozen=True, slots=True)
class ReflectionPrompt:
    """A lesson whose reflection question the manager may be answering."""

    lesson_id: str
    asked_at: datetime | None  # None when given by hand (`crmcoach ask --after-lesson`)

    def lesson(self, library: LessonLibrary, language: Language) -> Lesson | None:
        """The lesson in the answer's language (or in the one it was sent in)."""
        return library.get(self.lesson_id, language) or next(
            (x for x in library.lessons if x.id == self.lesson_id), None
        )


def pending_reflection(
    sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str, now: datetime
) -> ReflectionPrompt | None:
    """The lesson (with its reflection question) delivered to this manager in the last 48 hours, if any."""
    with sessions() as session:
        sent = latest_sent_lesson(
            session, team_id=team_id, slack_user_id=slack_user_id, since=now - REFLECTION_WINDOW
        )
    return ReflectionPrompt(lesson_id=sent.lesson_id, asked_at=sent.sent_at) if sent else None


def record_reflection(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    slack_user_id: str,
    lesson_id: str,
    text: str,
    now: datetime,
) -> None:
    with sessions.begin() as session:
        add_reflection(
            session,
            team_id=team_id,
            slack_user_id=slack_user_id,
            lesson_id=lesson_id,
            text=text.strip()[:MAX_REFLECTION_CHARS],
            now=now,
        )
