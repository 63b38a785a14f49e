"""Typed SQLAlchemy models. Bot state is scoped by Slack team_id; times are stored in UTC."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime, utcnow


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # app_uninstalled / tokens_revoked: nothing is sent from then on; the data goes at purge_after.
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purge_after: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Manager(Base):
    """A Slack user we coach, and the CRM owner they are."""

    __tablename__ = "managers"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(320))
    display_name: Mapped[str | None] = mapped_column(String(255))
    crm_owner_id: Mapped[str | None] = mapped_column(String(64))
    # "email" when matched automatically, "admin" when linked by hand (never overwritten by email).
    link_source: Mapped[str | None] = mapped_column(String(16))
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    slack_locale: Mapped[str | None] = mapped_column(String(16))
    # The manager's own language choice; wins over the Slack locale when set.
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    profile_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CachedStats(Base):
    """ManagerStats as last fetched from the CRM, reused until they are older than the TTL."""

    __tablename__ = "crm_stats_cache"
    __table_args__ = (UniqueConstraint("team_id", "crm_owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True)
    crm_owner_id: Mapped[str] = mapped_column(String(64))
    connector: Mapped[str] = mapped_column(String(32))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class ProcessedEvent(Base):
    """Slack Events API deliveries already handled: Slack retries, Bolt does not de-duplicate."""

    __tablename__ = "slack_events"
    __table_args__ = (UniqueConstraint("team_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


# --- The demo CRM ----------------------------------------------------------------------------
# These tables stand in for an external CRM (like HubSpot's objects), not for bot state, so
# they are not scoped by Slack team: any workspace running CRM_CONNECTOR=demo or csv reads them.
# They hold either generated demo data (`crmcoach seed-demo`) or a CSV import (`crmcoach crm import-csv`).


class DemoOwner(Base):
    __tablename__ = "demo_crm_owners"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    manager_id: Mapped[str | None] = mapped_column(ForeignKey("demo_crm_owners.id"), index=True)


class DemoDeal(Base):
    __tablename__ = "demo_crm_deals"
    __table_args__ = (Index("ix_demo_crm_deals_owner_status", "owner_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The deal's id in the CRM it was exported from (CSV import); None for generated demo deals.
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("demo_crm_owners.id"))
    name: Mapped[str] = mapped_column(String(255))
    company: Mapped[str] = mapped_column(String(255))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    stage: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(8))  # open | won | lost
    close_date: Mapped[date] = mapped_column(Date)
    next_step: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DemoActivity(Base):
    __tablename__ = "demo_crm_activities"
    __table_args__ = (Index("ix_demo_crm_activities_owner_time", "owner_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[str] = mapped_column(ForeignKey("demo_crm_owners.id"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("demo_crm_deals.id"))
    kind: Mapped[str] = mapped_column(String(16))  # call | meeting | email | task
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Registers the delivery tables on Base.metadata (Alembic and the tests read it from here).
from bot.store import coach_models as _coach_models  # noqa: E402, F401
from bot.store import crm_mirror as _crm_mirror  # noqa: E402, F401
from bot.store import delivery_models as _delivery_models  # noqa: E402, F401
from bot.store import home_models as _home_models  # noqa: E402, F401
from bot.store import reflection_models as _reflection_models  # noqa: E402, F401
