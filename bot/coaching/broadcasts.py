"""Coaches broadcast exercises to channels; managers answer with buttons and thread replies.

A broadcast is recorded here as an intent (a Broadcast row); bot/delivery posts it through the outbox."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.lessons import ID_PATTERN, LessonLibrary
from bot.i18n import Language
from bot.store.coach_models import Broadcast, BroadcastResponse, ScheduledBroadcast
from bot.store.db import upsert_insert
from bot.store.managers import ensure_workspace

log = logging.getLogger(__name__)
CHANNEL_MENTION = re.compile(r"^<#(?P<id>[CG][A-Z0-9]+)(?:\|[^>]*)?>\s*(?P<rest>.*)$", re.DOTALL)
LANG_OPTION = re.compile(r"(?:^|\s)--lang(?:=|\s+)(?P<choice>de|en|both)(?=\s|$)", re.IGNORECASE)


class BroadcastProblem(Exception):
    """Something the coach can fix; `key` names the message, `values` fill it."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class AnsweredExercise:
    """The broadcast a manager's button answered: what telling its coach needs, not the row."""

    id: int
    team_id: str
    coach_user_id: str
    channel_id: str
    message_ts: str | None
    title: str
    language: str


@dataclass(frozen=True, slots=True)
class Exercise:
    lesson_id: str | None
    title: str
    task: str
    reflection: str | None


def parse_target(text: str) -> tuple[str, str]:
    """'<#C123|sales> pipeline-review-stale-first' -> ('C123', 'pipeline-review-stale-first')."""
    match = CHANNEL_MENTION.match(text.strip())
    if match is None:
        raise BroadcastProblem("broadcast.usage")
    rest = match.group("rest").strip()
    if not rest:
        raise BroadcastProblem("broadcast.usage")
    return match.group("id"), rest


def exercise_from(content: str, library: LessonLibrary, language: Language) -> Exercise:
    """A lesson when `content` is a lesson id, otherwise the coach's own text as the exercise."""
    word = content.strip()
    if ID_PATTERN.match(word) and "-" in word:
        lesson = library.get(word, language)
        if lesson is None:
            raise BroadcastProblem("broadcast.unknown_lesson", lesson_id=word)
        return Exercise(lesson.id, lesson.title, lesson.practice, lesson.reflection)
    title, _, rest = word.partition("\n")
    return Exercise(None, title[:150], rest.strip() or word, None)


def split_language_option(text: str, *, coach_language: Language) -> tuple[str, tuple[Language, ...]]:
    """'#sales lesson-id --lang both' -> ('#sales lesson-id', languages to post in); without the option,
    the coach's own language."""
    match = LANG_OPTION.search(text)
    if match is None:
        if "--lang" in text.lower():
            raise BroadcastProblem("broadcast.lang_usage")
        return text, (coach_language,)
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return rest, languages_for(match.group("choice"), coach_language=coach_language)


def languages_for(choice: str | None, *, coach_language: Language) -> tuple[Language, ...]:
    """'de', 'en', 'both' (the coach's language first) or None (the coach's language)."""
    choice = (choice or "").lower()
    if choice == "both":
        return (coach_language, "en" if coach_language == "de" else "de")
    if choice in ("de", "en"):
        return ("de" if choice == "de" else "en",)
    return (coach_language,)


def exercise_in(content: str, library: LessonLibrary, languages: tuple[Language, ...]) -> Exercise:
    """The exercise in each of `languages` (the first leads); the coach's own text stays as written."""
    first = exercise_from(content, library, languages[0])
    if first.lesson_id is None or len(languages) == 1:
        return first
    others = [exercise_from(content, library, language) for language in languages[1:]]
    parts = [first, *others]
    reflections = [part.reflection for part in parts if part.reflection]
    return Exercise(
        first.lesson_id,
        " / ".join(part.title for part in parts),
        "\n\n".join(part.task for part in parts),
        "\n\n".join(reflections) or None,
    )


def stored_languages(languages: tuple[Language, ...]) -> str:
    """How a schedule remembers its languages: 'de', 'en', or both as 'de+en' (the first leads)."""
    return "+".join(languages)


def schedule_languages(stored: str) -> tuple[Language, ...]:
    """The languages a schedule posts in, the leading one first (see `stored_languages`)."""
    languages: list[Language] = ["de" if part == "de" else "en" for part in stored.split("+") if part]
    return tuple(dict.fromkeys(languages)) or ("en",)


def exercise_for_schedule(
    schedule: ScheduledBroadcast, library: LessonLibrary, languages: tuple[Language, ...]
) -> Exercise:
    """The exercise a schedule posts: its lesson in each of `languages`, or the coach's own text."""
    return exercise_in(schedule.lesson_id or schedule.text or "", library, languages)


def mark_posted(sessions: sessionmaker[Session], broadcast_id: int, *, ts: str) -> None:
    _finish(sessions, broadcast_id, status="posted", message_ts=ts)


def mark_failed(sessions: sessionmaker[Session], broadcast_id: int, *, error: str) -> None:
    _finish(sessions, broadcast_id, status="failed", error=error)


def record_broadcast(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    coach_id: str,
    channel_id: str,
    exercise: Exercise,
    language: Language,
    now: datetime,
) -> int:
    """The broadcast a coach asked for, before it is posted; returns its id (its buttons carry it)."""
    with sessions() as session:
        ensure_workspace(session, team_id)
        row = Broadcast(
            team_id=team_id,
            coach_user_id=coach_id,
            channel_id=channel_id,
            lesson_id=exercise.lesson_id,
            language=language,
            title=exercise.title,
            task=exercise.task,
            reflection=exercise.reflection,
            created_at=now,
        )
        session.add(row)
        session.commit()
        return row.id


def exercise_of(broadcast: Broadcast) -> Exercise:
    """The exercise as it was recorded (in every language it was asked for)."""
    return Exercise(broadcast.lesson_id, broadcast.title, broadcast.task, broadcast.reflection)


def record_response(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    broadcast_id: int,
    user_id: str,
    kind: Literal["done", "help"],
    now: datetime,
) -> tuple[bool, AnsweredExercise | None]:
    """(True, exercise) the first time; (False, exercise) when this person already answered so."""
    with sessions() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.team_id != team_id:
            return False, None
        first = _insert_response(
            session, broadcast, user_id=user_id, kind=kind, message_ts="", text=None, now=now
        )
        session.commit()
        return first, AnsweredExercise(
            id=broadcast.id,
            team_id=broadcast.team_id,
            coach_user_id=broadcast.coach_user_id,
            channel_id=broadcast.channel_id,
            message_ts=broadcast.message_ts,
            title=broadcast.title,
            language=broadcast.language,
        )


def record_submission(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    channel_id: str,
    thread_ts: str,
    user_id: str,
    ts: str,
    text: str,
    now: datetime,
) -> bool:
    """A thread reply to a broadcast is a submission; replies to anything else are ignored."""
    with sessions() as session:
        broadcast = session.scalars(
            select(Broadcast).where(
                Broadcast.team_id == team_id,
                Broadcast.channel_id == channel_id,
                Broadcast.message_ts == thread_ts,
            )
        ).first()
        if broadcast is None:
            return False
        added = _insert_response(
            session, broadcast, user_id=user_id, kind="submission", message_ts=ts, text=text, now=now
        )
        session.commit()
        return added


def _insert_response(
    session: Session,
    broadcast: Broadcast,
    *,
    user_id: str,
    kind: str,
    message_ts: str,
    text: str | None,
    now: datetime,
) -> bool:
    statement = upsert_insert(session, BroadcastResponse).values(
        broadcast_id=broadcast.id,
        team_id=broadcast.team_id,
        user_id=user_id,
        kind=kind,
        message_ts=message_ts,
        text=text,
        created_at=now,
    )
    inserted = session.execute(
        statement.on_conflict_do_nothing(
            index_elements=["broadcast_id", "user_id", "kind", "message_ts"]
        ).returning(BroadcastResponse.id)
    ).scalar_one_or_none()
    return inserted is not None


def _finish(sessions: sessionmaker[Session], broadcast_id: int, **values: Any) -> None:
    with sessions() as session:
        row = session.get(Broadcast, broadcast_id)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)
            session.commit()
