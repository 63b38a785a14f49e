"""A person's data in their own hands: everything stored about one Slack user, exported or deleted.

PERSON_TABLES names every bot table that holds a row about a person and how that row points at them; a test
fails when a table with a person's id is added without being listed here. The demo CRM tables stand in for an
external CRM and are not the bot's to export or delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.base import Base
from bot.store.models import Manager

# table -> (column, what it holds): "slack" = the Slack user id, "manager" = managers.id,
# "crm_owner" = the person's CRM owner id (their cached numbers).
PERSON_TABLES: dict[str, tuple[str, str]] = {
    "managers": ("slack_user_id", "slack"),
    "subscriptions": ("manager_id", "manager"),
    "practice_tasks": ("manager_id", "manager"),
    "outbox": ("manager_id", "manager"),
    "stats_snapshots": ("manager_id", "manager"),
    "crm_stats_cache": ("crm_owner_id", "crm_owner"),
    "broadcasts": ("coach_user_id", "slack"),
    "broadcast_responses": ("user_id", "slack"),
    "scheduled_broadcasts": ("coach_user_id", "slack"),
    "chart_uploads": ("slack_user_id", "slack"),
    "reflections": ("slack_user_id", "slack"),
}
# Deleted children first: responses before broadcasts, manager rows before the manager.
DELETE_ORDER = (
    "broadcast_responses",
    "broadcasts",
    "scheduled_broadcasts",
    "chart_uploads",
    "reflections",
    "practice_tasks",
    "outbox",
    "stats_snapshots",
    "subscriptions",
    "crm_stats_cache",
    "managers",
)


@dataclass(frozen=True, slots=True)
class PersonalExport:
    team_id: str
    slack_user_id: str
    tables: dict[str, list[dict[str, Any]]]  # only tables with rows about the person

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


@dataclass(frozen=True, slots=True)
class ForgetReport:
    team_id: str
    slack_user_id: str
    deleted: dict[str, int]  # table -> rows deleted

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def export_person(sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str) -> PersonalExport:
    with sessions() as session:
        keys = _keys(session, team_id, slack_user_id)
        tables: dict[str, list[dict[str, Any]]] = {}
        for name in PERSON_TABLES:
            table = Base.metadata.tables[name]
            rows = [_plain(row._mapping) for row in session.execute(select(table).where(_about(table, keys)))]
            if rows:
                tables[name] = rows
    return PersonalExport(team_id=team_id, slack_user_id=slack_user_id, tables=tables)


def forget_person(sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str) -> ForgetReport:
    """Delete every row about the person in this workspace; nothing is sent to them afterwards."""
    deleted: dict[str, int] = {}
    with sessions() as session:
        keys = _keys(session, team_id, slack_user_id)
        for name in DELETE_ORDER:
            table = Base.metadata.tables[name]
            result = session.execute(delete(table).where(_about(table, keys)))
            count = int(result.rowcount)  # type: ignore[attr-defined]
            if count:
                deleted[name] = count
        session.commit()
    return ForgetReport(team_id=team_id, slack_user_id=slack_user_id, deleted=deleted)


@dataclass(frozen=True, slots=True)
class _Keys:
    team_id: str
    slack_user_id: str
    manager_ids: tuple[int, ...]
    crm_owner_ids: tuple[str, ...]


def _keys(session: Session, team_id: str, slack_user_id: str) -> _Keys:
    managers = session.scalars(
        select(Manager).where(Manager.team_id == team_id, Manager.slack_user_id == slack_user_id)
    ).all()
    owners = tuple(m.crm_owner_id for m in managers if m.crm_owner_id)
    return _Keys(team_id, slack_user_id, tuple(m.id for m in managers), owners)


def _about(table: Table, keys: _Keys) -> Any:
    column_name, kind = PERSON_TABLES[table.name]
    column = table.c[column_name]
    in_team = table.c.team_id == keys.team_id
    if kind == "manager":
        return in_team & column.in_(keys.manager_ids)
    if kind == "crm_owner":
        return in_team & column.in_(keys.crm_owner_ids)
    return in_team & (column == keys.slack_user_id)


def _plain(row: Any) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in row.items()}


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
