"""Demo CRM connector: a fictional sales org in the local database, aggregated in SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, Engine, case, func, literal, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from bot.crm.base import AttentionDeal, CRMNotFoundError, CRMUnavailableError, ManagerStats, Owner
from bot.store.models import DemoActivity, DemoDeal, DemoOwner

ATTENTION_LIMIT = 5


class DemoConnector:
    """Reads the demo_crm_* tables written by `crmcoach seed-demo`."""

    display_name = "Demo CRM"

    def __init__(self, engine: Engine, *, stale_days: int = 14) -> None:
        self._engine = engine
        self._stale_days = stale_days

    def find_owner_by_email(self, email: str) -> Owner | None:
        with self._session() as session:
            row = session.scalars(
                select(DemoOwner).where(func.lower(DemoOwner.email) == email.strip().lower())
            ).first()
            return _owner(row) if row else None

    def get_owner(self, crm_id: str) -> Owner:
        with self._session() as session:
            row = session.get(DemoOwner, crm_id)
            if row is None:
                raise CRMNotFoundError(f"The {self.display_name} has no user with id {crm_id}.")
            return _owner(row)

    def manager_stats(self, crm_id: str, *, now: datetime) -> ManagerStats:
        with self._session() as session:
            owner_row = session.get(DemoOwner, crm_id)
            if owner_row is None:
                raise CRMNotFoundError(f"The {self.display_name} has no user with id {crm_id}.")
            reports = select(DemoOwner.id).where(DemoOwner.manager_id == crm_id)
            team_size = session.scalar(select(func.count()).select_from(reports.subquery())) or 0
            in_scope = or_(DemoDeal.owner_id == crm_id, DemoDeal.owner_id.in_(reports))
            flags = _deal_flags(now, self._stale_days)

            open_row = session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(DemoDeal.amount), 0),
                    func.coalesce(func.sum(case((flags["stale"], 1), else_=0)), 0),
                    func.coalesce(func.sum(case((flags["no_next_step"], 1), else_=0)), 0),
                    func.coalesce(func.sum(case((flags["overdue"], 1), else_=0)), 0),
                    func.min(DemoDeal.currency),
                ).where(in_scope, DemoDeal.status == "open")
            ).one()
            closed = dict(
                session.execute(
                    select(DemoDeal.status, func.count())
                    .where(in_scope, DemoDeal.status.in_(["won", "lost"]))
                    .where(DemoDeal.closed_at >= now - timedelta(days=90))
                    .group_by(DemoDeal.status)
                ).all()
            )
            activity_scope = or_(DemoActivity.owner_id == crm_id, DemoActivity.owner_id.in_(reports))
            by_manager = case((DemoActivity.owner_id == crm_id, 1), else_=0)
            activities_row = session.execute(
                select(func.coalesce(func.sum(by_manager), 0), func.count()).where(
                    activity_scope, DemoActivity.occurred_at >= now - timedelta(days=7)
                )
            ).one()
            attention = self._attention(session, in_scope, flags)

        return ManagerStats(
            owner=_owner(owner_row),
            team_size=int(team_size),
            open_deals=int(open_row[0]),
            open_value=Decimal(open_row[1]),
            currency=open_row[5] or "EUR",
            stale_deals=int(open_row[2]),
            deals_without_next_step=int(open_row[3]),
            overdue_close_dates=int(open_row[4]),
            activities_7d_manager=int(activities_row[0]),
            activities_7d_team=int(activities_row[1]) - int(activities_row[0]),
            won_90d=int(closed.get("won", 0)),
            lost_90d=int(closed.get("lost", 0)),
            stale_days=self._stale_days,
            fetched_at=now,
            source=self.display_name,
            attention=attention,
        )

    def _attention(
        self, session: Session, in_scope: ColumnElement[bool], flags: dict[str, ColumnElement[bool]]
    ) -> tuple[AttentionDeal, ...]:
        owner = aliased(DemoOwner)
        flag_values = {name: case((flag, 1), else_=0) for name, flag in flags.items()}
        score = sum(flag_values.values(), literal(0))
        rows = session.execute(
            select(DemoDeal.id, DemoDeal.name, DemoDeal.amount, owner.name, *flag_values.values())
            .join(owner, owner.id == DemoDeal.owner_id)
            .where(in_scope, DemoDeal.status == "open", score > 0)
            .order_by(score.desc(), DemoDeal.amount.desc(), DemoDeal.id)
            .limit(ATTENTION_LIMIT)
        ).all()
        names = list(flag_values)
        return tuple(
            AttentionDeal(
                deal_id=str(row[0]),
                name=row[1],
                amount=Decimal(row[2]),
                owner_name=row[3],
                reasons=tuple(name for index, name in enumerate(names) if row[4 + index]),
            )
            for row in rows
        )

    def _session(self) -> _GuardedSession:
        return _GuardedSession(self._engine, self.display_name)


def _deal_flags(now: datetime, stale_days: int) -> dict[str, ColumnElement[bool]]:
    last_touch = func.coalesce(DemoDeal.last_activity_at, DemoDeal.created_at)
    return {
        "stale": last_touch < now - timedelta(days=stale_days),
        "no_next_step": or_(DemoDeal.next_step.is_(None), func.trim(DemoDeal.next_step) == ""),
        "overdue": DemoDeal.close_date < now.date(),
    }


def _owner(row: DemoOwner) -> Owner:
    return Owner(crm_id=row.id, email=row.email, name=row.name, manager_crm_id=row.manager_id)


class _GuardedSession:
    """A session whose database errors surface as CRMUnavailableError, like any CRM outage."""

    def __init__(self, engine: Engine, display_name: str) -> None:
        self._session = Session(engine)
        self._display_name = display_name

    def __enter__(self) -> Session:
        return self._session

    def __exit__(self, exc_type: object, exc: BaseException | None, _tb: object) -> None:
        self._session.close()
        if isinstance(exc, SQLAlchemyError):
            raise CRMUnavailableError(
                f"The {self._display_name} is not answering right now. Please try again in a minute.",
                detail=str(exc),
            ) from exc
