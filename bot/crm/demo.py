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
    RowMapping,
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

from bot.crm.aggregate import (
    ACTIVITY_WINDOW,
    ATTENTION_LIMIT,
    CLOSED_WINDOW,
    OpenByCurrency,
    biggest_deals,
    worst_deals,
)
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
from bot.crm.demo_stages import local_stages, open_by_stage
from bot.crm.stages import OpenByStage, StageSlot, stage_slots, stage_totals
from bot.store.models import DemoActivity, DemoDeal, DemoOwner

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])
REASONS: tuple[AttentionReason, ...] = ("stale", "no_next_step", "overdue")


@dataclass(slots=True)
class _Counts:
    open: OpenByCurrency = field(default_factory=OpenByCurrency)
    stale: int = 0
    no_next_step: int = 0
    overdue: int = 0
    won: int = 0
    lost: int = 0
    activities: int = 0


@dataclass(slots=True)
class _Biggest:
    """Candidates for the biggest open deals by manager id, the first few in each currency: their
    team's (their own included) and their own."""

    team: defaultdict[str, list[ListedDeal]] = field(default_factory=lambda: defaultdict(list))
    own: defaultdict[str, list[ListedDeal]] = field(default_factory=lambda: defaultdict(list))


class DemoConnector:
    """Reads the tables written by `crmcoach seed-demo` (or a CSV import); one SQL pass per question."""

    def __init__(
        self,
        engine: Engine,
        *,
        stale_days: int = 14,
        display_name: str = "Demo CRM",
        stage_order: Sequence[str] = (),
    ) -> None:
        self._engine = engine
        self._stale_days = stale_days
        self._stage_order = tuple(stage_order)  # the pipeline's stages, where known (the demo's)
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
            by_stage = open_by_stage(session, scope)
            stages = local_stages(session, self._stage_order)
        slots = stage_slots(stages, (stage.stage_id for stage in stages))
        return {
            manager_id: self._combine(
                owners[manager_id],
                teams.get(manager_id, []),
                counts=counts,
                attention=attention,
                biggest=biggest,
                stages=(slots, by_stage),
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
                func.sum(case((DemoDeal.amount > 0, 1), else_=0)),
                *(func.sum(case((flags[reason], 1), else_=0)) for reason in REASONS),
                DemoDeal.currency,
            ).where(DemoDeal.status == "open"),
            DemoDeal.owner_id,
            scope,
        )
        for owner_id, n, value, priced, stale, no_step, overdue, currency in session.execute(
            open_deals.group_by(DemoDeal.owner_id, DemoDeal.currency)
        ):
            c = counts[owner_id]
            c.open.add(currency, deals=n, value=Decimal(value or 0), priced=int(priced))
            c.stale += int(stale)
            c.no_next_step += int(no_step)
            c.overdue += int(overdue)
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
        """Candidates for the worst open deals per manager: the first few in each currency, ranked in SQL
        (most reasons first, then biggest); _combine picks across currencies."""
        flags = _flags(now, self._stale_days)
        flag_values = [case((flags[reason], 1), else_=0) for reason in REASONS]
        score = sum(flag_values, literal(0))
        labelled = [value.label(f"flag_{reason}") for reason, value in zip(REASONS, flag_values, strict=True)]
        flagged = (
            select(*_LISTED_COLUMNS, *labelled, score.label("score"))
            .where(DemoDeal.status == "open", score > 0)
            .subquery()
        )
        ranked = _ranked_per_team(
            flagged,
            (flagged.c.score.desc(), flagged.c.amount.desc(), flagged.c.id),
            _team_members(managers, scope),
            managers if scope is not None else None,
        )
        result: dict[str, list[AttentionDeal]] = defaultdict(list)
        for row in _top_with_owner_names(session, ranked.subquery(), ATTENTION_LIMIT):
            reasons = tuple(reason for reason in REASONS if row[f"flag_{reason}"])
            result[row["manager_id"]].append(AttentionDeal(**_listed_fields(row), reasons=reasons))
        return result

    def _biggest(self, session: Session, managers: list[str], scope: list[str] | None) -> _Biggest:
        """Candidates for the biggest open deals of each manager's team and of the manager's own: the
        first few in each currency, ranked in SQL (the own ranking only over the managers' own deals);
        _combine picks across currencies. Deals without an amount (0) are not ranked."""
        members = _team_members(managers, scope)
        deals = select(*_LISTED_COLUMNS).where(DemoDeal.status == "open", DemoDeal.amount > 0).subquery()

        def ranked(*, own: bool) -> Select[Any]:
            query = _ranked_per_team(
                deals, (deals.c.amount.desc(), deals.c.id), members, managers if scope is not None else None
            ).add_columns((true() if own else false()).label("own_list"))  # SQL literals: no typeless bind
            # the manager's own deals: members who lead the team they are in
            return query.where(members.c.member_id == members.c.team_of) if own else query

        result = _Biggest()
        both = union_all(ranked(own=False), ranked(own=True)).subquery()
        for row in _top_with_owner_names(session, both, BIGGEST_DEALS_LIMIT):
            (result.own if row["own_list"] else result.team)[row["manager_id"]].append(
                ListedDeal(**_listed_fields(row))
            )
        return result

    def _combine(
        self,
        manager: Owner,
        reports: list[str],
        *,
        counts: dict[str, _Counts],
        attention: dict[str, list[AttentionDeal]],
        biggest: _Biggest,
        stages: tuple[tuple[StageSlot, ...], dict[str, OpenByStage]],
        now: datetime,
    ) -> ManagerStats:
        everyone = [counts.get(owner_id, _Counts()) for owner_id in (manager.crm_id, *reports)]
        slots, by_stage = stages
        own_by_stage = by_stage.get(manager.crm_id, OpenByStage())
        team_by_stage = OpenByStage.combined(
            by_stage.get(i, OpenByStage()) for i in (manager.crm_id, *reports)
        )
        team_open = OpenByCurrency.combined(c.open for c in everyone)
        currency = team_open.main_currency()
        return ManagerStats(
            owner=manager,
            team_size=len(reports),
            open_deals=team_open.count,
            open_value=team_open.value_in(currency),
            currency=currency,
            stale_deals=sum(c.stale for c in everyone),
            deals_without_next_step=sum(c.no_next_step for c in everyone),
            overdue_close_dates=sum(c.overdue for c in everyone),
            activities_7d_manager=everyone[0].activities,
            activities_7d_team=sum(c.activities for c in everyone[1:]),
            won_90d=sum(c.won for c in everyone),
            lost_90d=sum(c.lost for c in everyone),
            own_open_deals=everyone[0].open.count,
            own_open_value=everyone[0].open.value_in(currency),
            own_stale_deals=everyone[0].stale,
            own_deals_without_next_step=everyone[0].no_next_step,
            own_overdue_close_dates=everyone[0].overdue,
            own_won_90d=everyone[0].won,
            own_lost_90d=everyone[0].lost,
            stale_days=self._stale_days,
            fetched_at=now,
            source=self.display_name,
            attention=worst_deals(attention.get(manager.crm_id, []), currency),
            biggest_open_deals=biggest_deals(biggest.team.get(manager.crm_id, []), currency),
            own_biggest_open_deals=biggest_deals(biggest.own.get(manager.crm_id, []), currency),
            other_open_values=team_open.others(currency),
            own_other_open_values=everyone[0].open.others(currency),
            open_by_stage=stage_totals(slots, team_by_stage, currency),
            own_open_by_stage=stage_totals(slots, own_by_stage, currency),
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


# What a listed deal shows, as _listed_fields reads it back.
_LISTED_COLUMNS = (DemoDeal.id, DemoDeal.name, DemoDeal.amount, DemoDeal.currency, DemoDeal.owner_id)


def _ranked_per_team(
    deals: Subquery, order_by: Sequence[ColumnElement[Any]], members: Subquery, managers: list[str] | None
) -> Select[Any]:
    """The deals of each manager's team (`managers` only, when given) with their rank per team and
    currency: amounts in different currencies are never compared (ListedDeal.by_amount)."""
    rank = func.row_number().over(partition_by=(members.c.team_of, deals.c.currency), order_by=order_by)
    query = select(deals, members.c.team_of.label("manager_id"), rank.label("rank")).join(
        members, members.c.member_id == deals.c.owner_id
    )
    return query if managers is None else query.where(members.c.team_of.in_(managers))


def _top_with_owner_names(session: Session, ranked: Subquery, limit: int) -> Iterator[RowMapping]:
    """The first `limit` of each ranking, with owner names: names only for the few rows kept."""
    return iter(
        session.execute(
            select(ranked, DemoOwner.name.label("owner_name"))
            .join(DemoOwner, DemoOwner.id == ranked.c.owner_id)
            .where(ranked.c.rank <= limit)
        ).mappings()
    )


def _listed_fields(row: RowMapping) -> dict[str, Any]:
    return {
        "deal_id": str(row["id"]),
        "name": row["name"],
        "owner_name": row["owner_name"],
        "amount": Decimal(row["amount"]),
        "currency": row["currency"],
        "owner_id": row["owner_id"],
    }


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
