"""Tables for coaches: exercises broadcast to channels, and how managers responded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime, utcnow


class Broadcast(Base):
    """An exercise a coach posted to a channel (a lesson, or their own text)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coach_user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    lesson_id: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(255))
    task: Mapped[str] = mapped_column(Text)
    reflection: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="posting")  # posting | posted | failed
    message_ts: Mapped[str | None] = mapped_column(String(32), index=True)
    error: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BroadcastResponse(Base):
    """A manager's Done / I need help on a broadcast, or a thread reply (a submission)."""

    __tablename__ = "broadcast_responses"
    __table_args__ = (UniqueConstraint("broadcast_id", "user_id", "kind", "message_ts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(12))  # done | help | submission
    message_ts: Mapped[str] = mapped_column(String(32), default="")  # the reply's ts for submissions
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScheduledBroadcast(Base):
    """A broadcast the coach scheduled: once at a date and time, or weekly, in the coach's timezone."""

    __tablename__ = "scheduled_broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    coach_user_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    lesson_id: Mapped[str | None] = mapped_column(String(80))
    text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5))  # de | en | de+en | en+de (both: the first leads)
    tz: Mapped[str] = mapped_column(String(64))
    repeat: Mapped[str] = mapped_column(String(8))  # once | weekly
    on_date: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD for once
    weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday, for weekly
    at: Mapped[str] = mapped_column(String(5))  # HH:MM local
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
