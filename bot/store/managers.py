"""Queries for workspaces and managers; every lookup is scoped by Slack team_id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import Manager, Workspace


def ensure_workspace(session: Session, team_id: str, name: str | None = None) -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(team_id=team_id, name=name)
        session.add(workspace)
        session.flush()
    elif name and workspace.name != name:
        workspace.name = name
    return workspace


def find_manager(session: Session, team_id: str, slack_user_id: str) -> Manager | None:
    return session.scalars(
        select(Manager).where(Manager.team_id == team_id, Manager.slack_user_id == slack_user_id)
    ).first()


def get_or_create_manager(session: Session, team_id: str, slack_user_id: str) -> Manager:
    manager = find_manager(session, team_id, slack_user_id)
    if manager is None:
        ensure_workspace(session, team_id)
        manager = Manager(team_id=team_id, slack_user_id=slack_user_id)
        session.add(manager)
        session.flush()
    return manager


def list_managers(session: Session, team_id: str | None = None) -> list[Manager]:
    query = select(Manager).order_by(Manager.team_id, Manager.slack_user_id)
    if team_id:
        query = query.where(Manager.team_id == team_id)
    return list(session.scalars(query))


def list_workspaces(session: Session) -> list[Workspace]:
    return list(session.scalars(select(Workspace).order_by(Workspace.team_id)))
