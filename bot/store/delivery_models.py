"""Tables for scheduled delivery: each manager's schedule, the outbox, practice tasks, weekly snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime, utcnow


class Subscription(Base):
    """Whether and when a manager gets coaching messages; None fields mean 'workspace default'."""

    __tablename__ = "subscriptions"

    manager_id: Mapped[int] = mapped_column(ForeignKey("managers.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nudge_weekday: Mapped[int | None] = mapped_column(Integer)  # 0 = Monday
    nudge_time: Mapped[str | None] = mapped_column(String(5))  # "09:00", manager's local time
    lesson_weekdays: Mapped[str | None] = mapped_column(String(20))  # "1,3"
    lesson_time: Mapped[str | None] = mapped_column(String(5))
    quiet_hours: Mapped[str | None] = mapped_column(String(11))  # "12:00-13:00"
    enrolled_by: Mapped[str] = mapped_column(String(16), default="auto")  # auto | admin | self
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Nothing is planned from before this moment: set on enrolment, resume and re-subscription.
    active_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dm_channel_id: Mapped[str | None] = mapped_column(String(32))
    # Slack cannot reach them (user_not_found, deactivated, DM archived): nothing new is planned
    # until Slack finds them again. None while reachable.
    unreachable_reason: Mapped[str | None] = mapped_column(String(40))
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """One message to deliver exactly once; idempotency_key = workspace:manager:kind:period."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_outbox_ready", "status", "next_attempt_at"),
        Index("ix_outbox_manager_week", "manager_id", "week"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[int] = mapped_column(ForeignKey("managers.id", ondelete="CASCADE"))
    # welcome | nudge | lesson (coaching) · broadcast · notice | answer (recorded due now)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(32))  # e.g. 2026-W48 or 2026-W48-d1; "now" (record_now)
    week: Mapped[str] = mapped_column(String(10))  # ISO week of the planned local date, for the budget
    idempotency_key: Mapped[str] = mapped_column(String(160))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the schedule said
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it may be sent (after deferrals)
    # The catch-up limit: past it the message is skipped, not sent late. None: no limit (welcome).
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The duplicate check reads the DM back to here: nothing of this row can be in Slack before it.
    first_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # pending | claimed | sent | failed | skipped
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Raised by every claim and never lowered: a worker's result only counts while it is the latest claim.
    claim_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Claims whose worker died without a result: a row that keeps killing workers is failed.
    expired_leases: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    slack_channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PracticeTask(Base):
    """A practice task given to a manager, what they said about it, and what the CRM showed."""

    __tablename__ = "practice_tasks"
    __table_args__ = (UniqueConstraint("outbox_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[int] = mapped_column(ForeignKey("managers.id", ondelete="CASCADE"), index=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    lesson_id: Mapped[str] = mapped_column(String(80))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    metric: Mapped[str | None] = mapped_column(String(40))  # the lesson's check, copied when assigned
    comparison: Mapped[str | None] = mapped_column(String(2))
    target: Mapped[float | None] = mapped_column()
    baseline: Mapped[float | None] = mapped_column()  # the metric when the task was given
    # open | done | snoozed | not_relevant (the manager's answer)
    response: Mapped[str] = mapped_column(String(16), default="open")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After the deadline, the CRM says whether the goal was reached: reached | missed
    result: Mapped[str | None] = mapped_column(String(8))
    result_value: Mapped[float | None] = mapped_column()
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StatsSnapshot(Base):
    """A manager's numbers as sent in a weekly nudge, so next week's can say what changed."""

    __tablename__ = "stats_snapshots"
    __table_args__ = (UniqueConstraint("manager_id", "week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    manager_id: Mapped[int] = mapped_column(ForeignKey("managers.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(10))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
