"""Queries for workspaces and managers; every lookup is scoped by Slack team_id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.base import utcnow
from bot.store.db import upsert_insert
from bot.store.delivery_models import Subscription
from bot.store.models import Manager, Workspace


def ensure_workspace(session: Session, team_id: str, name: str | None = None) -> Workspace:
    """The workspace row, inserted if missing; an upsert, so concurrent first contacts all succeed."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        statement = upsert_insert(session, Workspace).values(team_id=team_id, name=name, created_at=utcnow())
        session.execute(statement.on_conflict_do_nothing(index_elements=["team_id"]))
        workspace = session.get(Workspace, team_id, populate_existing=True)
        assert workspace is not None
    if name and workspace.name != name:
        workspace.name = name
    return workspace


def find_manager(session: Session, team_id: str, slack_user_id: str) -> Manager | None:
    return session.scalars(
        select(Manager).where(Manager.team_id == team_id, Manager.slack_user_id == slack_user_id)
    ).first()


def get_or_create_manager(session: Session, team_id: str, slack_user_id: str) -> Manager:
    """The manager row, inserted if missing; an upsert, so a user's concurrent first commands all
    find the same row (on SQLite and PostgreSQL alike)."""
    manager = find_manager(session, team_id, slack_user_id)
    if manager is None:
        ensure_workspace(session, team_id)
        now = utcnow()
        statement = upsert_insert(session, Manager).values(
            team_id=team_id, slack_user_id=slack_user_id, tz="UTC", created_at=now, updated_at=now
        )
        session.execute(statement.on_conflict_do_nothing(index_elements=["team_id", "slack_user_id"]))
        manager = find_manager(session, team_id, slack_user_id)
        assert manager is not None
    return manager


def list_managers(session: Session, team_id: str | None = None) -> list[Manager]:
    query = select(Manager).order_by(Manager.team_id, Manager.slack_user_id)
    if team_id:
        query = query.where(Manager.team_id == team_id)
    return list(session.scalars(query))


def list_workspaces(session: Session) -> list[Workspace]:
    return list(session.scalars(select(Workspace).order_by(Workspace.team_id)))


def mark_unreachable(session: Session, manager_id: int, *, reason: str, now: datetime) -> bool:
    """Slack cannot reach this manager (deleted, deactivated, DM gone): plan nothing new for them.
    True when this is news (they were reachable until now)."""
    subscription = session.get(Subscription, manager_id)
    if subscription is None or subscription.unreachable_reason == reason:
        return False
    was_reachable = subscription.unreachable_reason is None
    subscription.unreachable_reason, subscription.unreachable_since = reason, now
    subscription.dm_channel_id = None  # a new DM is opened when they come back
    return was_reachable


def mark_reachable(session: Session, manager_id: int, *, now: datetime) -> bool:
    """Slack found them again: their schedule resumes from now. True when they were unreachable."""
    subscription = session.get(Subscription, manager_id)
    if subscription is None or subscription.unreachable_reason is None:
        return False
    subscription.unreachable_reason, subscription.unreachable_since = None, None
    subscription.active_since = now  # what fell due while unreachable does not arrive all at once
    return True


def unreachable_reasons(session: Session, team_id: str | None = None) -> dict[int, str]:
    """manager id -> why Slack cannot reach them, for every unreachable manager."""
    query = select(Subscription.manager_id, Subscription.unreachable_reason).where(
        Subscription.unreachable_reason.is_not(None)
    )
    if team_id:
        query = query.where(Subscription.team_id == team_id)
    return {int(manager_id): str(reason) for manager_id, reason in session.execute(query)}


def slack_user_of(sessions: sessionmaker[Session], manager_id: int) -> str | None:
    with sessions() as session:
        manager = session.get(Manager, manager_id)
        return manager.slack_user_id if manager else None
