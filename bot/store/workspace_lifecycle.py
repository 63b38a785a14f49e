"""A workspace that uninstalls the app or revokes its tokens: nothing more is sent to it at once, and
everything stored about it is purged after the retention period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.store.base import Base
from bot.store.delivery_models import OutboxMessage, Subscription
from bot.store.managers import ensure_workspace
from bot.store.models import Workspace

UNINSTALLED = "app_uninstalled"
LEAVING_EVENTS = ("app_uninstalled", "tokens_revoked")
WAITING = ("pending", "claimed")


@dataclass(frozen=True, slots=True)
class Uninstalled:
    team_id: str
    purge_after: datetime
    messages_stopped: int


@dataclass(frozen=True, slots=True)
class Purged:
    team_id: str
    rows: int


def mark_uninstalled(
    sessions: sessionmaker[Session], *, team_id: str, reason: str, retention_days: int, now: datetime
) -> Uninstalled:
    """Stop all sending: every manager becomes unreachable (the planner and the sender both check it) and
    waiting messages are skipped. A second event (Slack sends app_uninstalled and tokens_revoked) keeps
    the first purge date."""
    with sessions() as session:
        workspace = ensure_workspace(session, team_id)
        if workspace.uninstalled_at is None:
            workspace.uninstalled_at = now
            workspace.purge_after = now + timedelta(days=retention_days)
        session.execute(
            update(Subscription)
            .where(Subscription.team_id == team_id)
            .values(unreachable_reason=reason[:40], unreachable_since=now)
        )
        stopped = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.team_id == team_id, OutboxMessage.status.in_(WAITING))
            .values(status="skipped", last_error=f"workspace left: {reason}", lease_until=None)
        ).rowcount  # type: ignore[attr-defined]
        purge_after = workspace.purge_after or now
        session.commit()
    return Uninstalled(team_id=team_id, purge_after=purge_after, messages_stopped=stopped or 0)


def mark_reinstalled(sessions: sessionmaker[Session], *, team_id: str) -> bool:
    """A request from a workspace marked as gone means the app is installed again: no purge, and the
    managers whom the uninstall (not Slack) made unreachable are back. True when it was marked gone."""
    with sessions() as session:
        workspace = session.get(Workspace, team_id)
        if workspace is None or workspace.uninstalled_at is None:
            return False
        workspace.uninstalled_at = workspace.purge_after = None
        session.execute(
            update(Subscription)
            .where(Subscription.team_id == team_id, Subscription.unreachable_reason.in_(LEAVING_EVENTS))
            .values(unreachable_reason=None, unreachable_since=None)
        )
        session.commit()
    return True


def is_uninstalled(sessions: sessionmaker[Session], *, team_id: str) -> bool:
    with sessions() as session:
        workspace = session.get(Workspace, team_id)
        return workspace is not None and workspace.uninstalled_at is not None


def purge_workspaces(
    sessions: sessionmaker[Session], *, now: datetime, everything_uninstalled: bool = False
) -> list[Purged]:
    """Delete every row of each uninstalled workspace whose retention has passed (or of every uninstalled
    one: `crmcoach workspaces purge --now`)."""
    purged: list[Purged] = []
    with sessions() as session:
        query = select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None))
        if not everything_uninstalled:
            query = query.where(Workspace.purge_after <= now)
        for team_id in session.scalars(query).all():
            purged.append(Purged(team_id, _delete_team(session, team_id)))
        session.commit()
    return purged


def _delete_team(session: Session, team_id: str) -> int:
    rows = 0
    # Children before parents: reverse dependency order of the schema.
    for table in reversed(Base.metadata.sorted_tables):
        if "team_id" in table.c and table.name != "workspaces":
            rows += int(session.execute(delete(table).where(table.c.team_id == team_id)).rowcount)  # type: ignore[attr-defined]
    workspaces = Base.metadata.tables["workspaces"]
    result = session.execute(delete(workspaces).where(workspaces.c.team_id == team_id))
    rows += int(result.rowcount)  # type: ignore[attr-defined]
    return rows
