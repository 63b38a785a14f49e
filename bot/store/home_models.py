"""Charts uploaded to Slack for a person's Home tab or nudge: re-drawn only when their numbers change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime, utcnow


class ChartUpload(Base):
    __tablename__ = "chart_uploads"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40))  # focus | hygiene | team_hygiene
    digest: Mapped[str] = mapped_column(String(64))  # of the numbers drawn
    file_id: Mapped[str] = mapped_column(String(32))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
