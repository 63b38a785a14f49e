"""Local CRM connector (demo data or a CSV import): the local_crm tables, aggregated in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Subquery,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.crm.aggregate import ACTIVITY_WINDOW, ATTENTION_LIMIT, CLOSED_WINDOW, DEFAULT_CURRENCY
from bot.crm.base import (
    BIGGEST_DEALS_LIMIT,
    AttentionDeal,
    AttentionReason,
    CRMNotFoundError,
    CRMUnavailableError,
    ListedDeal,
    ManagerStats,
    Owner,
)
from bot.store.models import DemoActivity, DemoDeal, DemoOwner

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])
REASONS: tuple[AttentionReason, ...] = ("stale", "no_next_step", "overdue")


@dataclass(slots=True)
class _Counts:
    open_deals: int = 0
    open_value: Decimal = Decimal(0)
    stale: int = 0
    no_next_step: int = 0
    overdue: int = 0
    won: int = 0
    lost: int = 0
    activities: int = 0
    currency: str | None = None


@dataclass(slots=True)
class _Biggest:
    """The biggest open deals by manager id: their team's (their own included) and their own."""

    team: defaultdict[str, list[ListedDeal]] = field(default_factory=lambda: defaultdict(list))
    own: defaultdict[str, list[ListedDeal]] = field(default_factory=lambda: defaultdict(list))


class DemoConnector:
    """Reads the tables written by `crmcoach seed-demo` (or a CSV import); one SQL pass per question."""

    def __init__(self, engine: Engine, *, stale_days: int = 14, display_name: str = "Demo CRM") -> None:
        self._engine = engine
        self._stale_days = stale_days
        self.display_name = display_name

    def list_owners(self) -> list[Owner]:
        with self._session() as session:
            return [_owner(row) for row in session.scalars(select(DemoOwner).order_by(DemoOwner.id))]

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
        self.get_owner(crm_id)
        return self._stats(now, manager_ids=[crm_id])[crm_id]

    def all_manager_stats(self, *, now: datetime) -> dict[str, ManagerStats]:
        return self._stats(now, manager_ids=None)

    # --- one pass: grouped counts per owner, then rolled up per manager ----------------------
    def _stats(self, now: datetime, *, manager_ids: Sequence[str] | None) -> dict[str, ManagerStats]:
        with self._session() as session:
            # plain rows, not ORM objects: a bulk pass reads every owner
            columns = (DemoOwner.id, DemoOwner.email, DemoOwner.name, DemoOwner.manager_id)
            owners = {row[0]: Owner(*row) for row in session.execute(select(*columns))}
            teams: dict[str, list[str]] = defaultdict(list)
            for owner in owners.values():
                if owner.manager_crm_id:
                    teams[owner.manager_crm_id].append(owner.crm_id)
            wanted = list(manager_ids) if manager_ids is not None else sorted(teams)
            scope = None if manager_ids is None else [m for m in wanted for m in (m, *teams.get(m, []))]
            counts = self._counts(session, now, scope)
            attention = self._attention(session, now, wanted, scope)
            biggest = self._biggest(session, wanted, scope)
        return {
            manager_id: self._combine(
                owners[manager_id],
                teams.get(manager_id, []),
                counts=counts,
                attention=attention,
                biggest=biggest,
                now=now,
            )
            for manager_id in wanted
        }

    def _counts(self, session: Session, now: datetime, scope: list[str] | None) -> dict[str, _Counts]:
        flags = _flags(now, self._stale_days)
        counts: dict[str, _Counts] = defaultdict(_Counts)
        open_deals = _scoped(
            select(
                DemoDeal.owner_id,
                func.count(),
                func.sum(DemoDeal.amount),
                *(func.sum(case((flags[reason], 1), else_=0)) for reason in REASONS),
                func.min(DemoDeal.currency),
            ).where(DemoDeal.status == "open"),
            DemoDeal.owner_id,
            scope,
        )
        for owner_id, n, value, stale, no_step, overdue, currency in session.execute(
            open_deals.group_by(DemoDeal.owner_id)
        ):
            c = counts[owner_id]
            c.open_deals, c.open_value, c.currency = n, Decimal(value or 0), currency
            c.stale, c.no_next_step, c.overdue = int(stale), int(no_step), int(overdue)
        closed = _scoped(
            select(DemoDeal.owner_id, DemoDeal.status, func.count()).where(
                DemoDeal.status.in_(["won", "lost"]), DemoDeal.closed_at >= now - CLOSED_WINDOW
            ),
            DemoDeal.owner_id,
            scope,
        )
        for owner_id, status, n in session.execute(closed.group_by(DemoDeal.owner_id, DemoDeal.status)):
            setattr(counts[owner_id], status, n)
        activities = _scoped(
            select(DemoActivity.owner_id, func.count()).where(
                DemoActivity.occurred_at >= now - ACTIVITY_WINDOW, DemoActivity.occurred_at <= now
            ),
            DemoActivity.owner_id,
            scope,
        )
        for owner_id, n in session.execute(activities.group_by(DemoActivity.owner_id)):
            counts[owner_id].activities = n
        return counts

    def _attention(
        self, session: Session, now: datetime, managers: list[str], scope: list[str] | None
    ) -> dict[str, list[AttentionDeal]]:
        """The worst open deals per manager, ranked in SQL (a window per manager)."""
        flags = _flags(now, self._stale_days)
        flag_values = [case((flags[reason], 1), else_=0) for reason in REASONS]
        score = sum(flag_values, literal(0))
        labelled = [value.label(f"flag_{reason}") for reason, value in zip(REASONS, flag_values, strict=True)]
        members = _team_members(managers, scope)
        flagged = (
            select(
                DemoDeal.id,
                DemoDeal.name,
                DemoDeal.amount,
                DemoDeal.owner_id,
                *labelled,
                score.label("score"),
            )
            .where(DemoDeal.status == "open", score > 0)
            .subquery()
        )
        rank = func.row_number().over(
            partition_by=members.c.team_of,
            order_by=(flagged.c.score.desc(), flagged.c.amount.desc(), flagged.c.id),
        )
        ranked = select(flagged, members.c.team_of.label("manager_id"), rank.label("rank")).join(
            members, members.c.member_id == flagged.c.owner_id
        )
        if scope is not None:
            ranked = ranked.where(members.c.team_of.in_(managers))
        top = ranked.subquery()
        # Owner names only for the few rows kept, not for every flagged deal.
        rows = session.execute(
            select(top, DemoOwner.name.label("owner_name"))
            .join(DemoOwner, DemoOwner.id == top.c.owner_id)
            .where(top.c.rank <= ATTENTION_LIMIT)
            .order_by(top.c.manager_id, top.c.rank)
        )
        result: dict[str, list[AttentionDeal]] = defaultdict(list)
        for row in rows.mappings():
            reasons = tuple(reason for reason in REASONS if row[f"flag_{reason}"])
            result[row["manager_id"]].append(
                AttentionDeal(
                    str(row["id"]),
                    row["name"],
                    row["owner_name"],
                    Decimal(row["amount"]),
                    reasons,
                    owner_id=row["owner_id"],
                )
            )
        return result

    def _biggest(self, session: Session, managers: list[str], scope: list[str] | None) -> _Biggest:
        """The biggest open deals of each manager's team and of the manager's own, ranked in SQL (a
        window per team; the own ranking only over the managers' own deals). Deals without an amount
        (0) are not ranked."""
        members = _team_members(managers, scope)
        deals = (
            select(DemoDeal.id, DemoDeal.name, DemoDeal.amount, DemoDeal.owner_id)
            .where(DemoDeal.status == "open", DemoDeal.amount > 0)
            .subquery()
        )

        def ranked(*, own: bool) -> Select[Any]:
            rank = func.row_number().over(
                partition_by=members.c.team_of, order_by=(deals.c.amount.desc(), deals.c.id)
            )
            query = select(
                deals,
                members.c.team_of.label("manager_id"),
                rank.label("rank"),
                (true() if own else false()).label("own_list"),  # SQL literals: no typeless bind
            ).join(members, members.c.member_id == deals.c.owner_id)
            if own:  # the manager's own deals: members who lead the team they are in
                query = query.where(members.c.member_id == members.c.team_of)
            return query if scope is None else query.where(members.c.team_of.in_(managers))

        both = union_all(ranked(own=False), ranked(own=True)).subquery()
        rows = session.execute(
            select(both, DemoOwner.name.label("owner_name"))
            .join(DemoOwner, DemoOwner.id == both.c.owner_id)
            .where(both.c.rank <= BIGGEST_DEALS_LIMIT)
            .order_by(both.c.manager_id, both.c.own_list, both.c.rank)
        )
        result = _Biggest()
        for row in rows.mappings():
            deal = ListedDeal(
                str(row["id"]),
                row["name"],
                row["owner_name"],
                Decimal(row["amount"]),
                owner_id=row["owner_id"],
            )
            (result.own if row["own_list"] else result.team)[row["manager_id"]].append(deal)
        return result

    def _combine(
        self,
        manager: Owner,
        reports: list[str],
        *,
        counts: dict[str, _Counts],
        attention: dict[str, list[AttentionDeal]],
        biggest: _Biggest,
        now: datetime,
    ) -> ManagerStats:
        everyone = [counts.get(owner_id, _Counts()) for owner_id in (manager.crm_id, *reports)]
        currency = next((c.currency for c in everyone if c.currency), DEFAULT_CURRENCY)
        return ManagerStats(
            owner=manager,
            team_size=len(reports),
            open_deals=sum(c.open_deals for c in everyone),
            open_value=sum((c.open_value for c in everyone), Decimal(0)),
            currency=currency,
            stale_deals=sum(c.stale for c in everyone),
            deals_without_next_step=sum(c.no_next_step for c in everyone),
            overdue_close_dates=sum(c.overdue for c in everyone),
            activities_7d_manager=everyone[0].activities,
            activities_7d_team=sum(c.activities for c in everyone[1:]),
            won_90d=sum(c.won for c in everyone),
            lost_90d=sum(c.lost for c in everyone),
            own_open_deals=everyone[0].open_deals,
            own_open_value=everyone[0].open_value,
            own_stale_deals=everyone[0].stale,
            own_deals_without_next_step=everyone[0].no_next_step,
            own_overdue_close_dates=everyone[0].overdue,
            stale_days=self._stale_days,
            fetched_at=now,
            source=self.display_name,
            attention=tuple(attention.get(manager.crm_id, [])),
            biggest_open_deals=tuple(biggest.team.get(manager.crm_id, [])),
            own_biggest_open_deals=tuple(biggest.own.get(manager.crm_id, [])),
        )

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """Database errors surface as CRMUnavailableError, like any CRM outage."""
        try:
            with Session(self._engine) as session:
                yield session
        except SQLAlchemyError as exc:
            raise CRMUnavailableError(
                f"The {self.display_name} is not answering right now. Please try again in a minute.",
                detail=str(exc),
            ) from exc


def _team_members(managers: list[str], scope: list[str] | None) -> Subquery:
    """Team membership as rows (member_id, team_of): a deal counts for its owner's manager, and for its
    owner when they manage, so that only managers' teams are ranked (not every rep's own deals too)."""
    reports = select(DemoOwner.id.label("member_id"), DemoOwner.manager_id.label("team_of")).where(
        DemoOwner.manager_id.is_not(None)
    )
    leads = (
        select(DemoOwner.manager_id.label("member_id"), DemoOwner.manager_id.label("team_of"))
        .where(DemoOwner.manager_id.is_not(None))
        .distinct()
        if scope is None
        else select(DemoOwner.id.label("member_id"), DemoOwner.id.label("team_of")).where(
            DemoOwner.id.in_(managers)  # asked for by id: their own deals count, team or not
        )
    )
    return union_all(reports, leads).subquery()


def _scoped(query: AnySelect, column: Any, scope: list[str] | None) -> AnySelect:
    return query if scope is None else query.where(column.in_(scope))


def _flags(now: datetime, stale_days: int) -> dict[AttentionReason, ColumnElement[bool]]:
    last_touch = func.coalesce(DemoDeal.last_activity_at, DemoDeal.created_at)
    return {
        "stale": last_touch < now - timedelta(days=stale_days),
        "no_next_step": or_(DemoDeal.next_step.is_(None), func.trim(DemoDeal.next_step) == ""),
        "overdue": DemoDeal.close_date < now.date(),
    }


def _owner(row: DemoOwner) -> Owner:
    return Owner(crm_id=row.id, email=row.email, name=row.name, manager_crm_id=row.manager_id)
