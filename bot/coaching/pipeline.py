"""CRM numbers through a cache: one manager on demand, every manager in one bulk pass."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.crm.base import CRMConnector, CRMRateLimitedError, CRMUnavailableError, ManagerStats
from bot.crm.codec import holds_every_figure, stats_from_json, stats_to_json
from bot.store.db import upsert_insert
from bot.store.managers import ensure_workspace
from bot.store.models import CachedStats

log = logging.getLogger(__name__)
# When the CRM is down, numbers up to this old are better than none (the reply shows their age).
STALE_FALLBACK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class RefreshReport:
    managers: int
    requests: int | None  # API requests the connector sent, when it counts them
    seconds: float


@dataclass(frozen=True, slots=True)
class PipelineStats:
    """The CRM's numbers through the cache in `sessions`, kept per connector for `ttl`."""

    sessions: sessionmaker[Session]
    crm: CRMConnector
    connector: str  # cached numbers of another connector do not count
    ttl: timedelta

    def current(self, *, team_id: str, crm_owner_id: str, now: datetime) -> ManagerStats:
        """Cached numbers younger than the TTL, else fetched now (and cached). Raises CRMError."""
        cached = self._cached(team_id, crm_owner_id)
        if cached is not None and now - cached.fetched_at < self.ttl:
            return cached
        try:
            stats = self.crm.manager_stats(crm_owner_id, now=now)
        except (CRMUnavailableError, CRMRateLimitedError) as error:
            if cached is not None and now - cached.fetched_at < STALE_FALLBACK:
                log.warning(
                    "CRM unavailable (%s); serving numbers from %s", error, cached.fetched_at.isoformat()
                )
                return cached
            raise
        self.store(team_id, {crm_owner_id: stats})
        return stats

    def refresh_all(self, *, team_id: str, now: datetime) -> RefreshReport:
        """Every manager's numbers in one pass, cached (the weekly run, `crmcoach crm refresh`)."""
        started = time.perf_counter()
        before = getattr(self.crm, "requests_made", None)
        stats = self.crm.all_manager_stats(now=now)
        self.store(team_id, stats)
        after = getattr(self.crm, "requests_made", None)
        requests = after - before if isinstance(before, int) and isinstance(after, int) else None
        return RefreshReport(managers=len(stats), requests=requests, seconds=time.perf_counter() - started)

    def store(self, team_id: str, stats: Mapping[str, ManagerStats]) -> None:
        if not stats:
            return
        rows: list[dict[str, Any]] = [
            {
                "team_id": team_id,
                "crm_owner_id": owner_id,
                "connector": self.connector,
                "fetched_at": item.fetched_at,
                "payload": stats_to_json(item),
            }
            for owner_id, item in stats.items()
        ]
        with self.sessions() as session:
            ensure_workspace(session, team_id)
            statement = upsert_insert(session, CachedStats)
            upsert = statement.on_conflict_do_update(
                index_elements=[CachedStats.team_id, CachedStats.crm_owner_id],
                set_={
                    "connector": statement.excluded.connector,
                    "fetched_at": statement.excluded.fetched_at,
                    "payload": statement.excluded.payload,
                },
            )
            for start in range(0, len(rows), 500):
                session.execute(upsert, rows[start : start + 500])
            session.commit()

    def _cached(self, team_id: str, crm_owner_id: str) -> ManagerStats | None:
        with self.sessions() as session:
            row = _cache_row(session, team_id, crm_owner_id, self.connector)
            if row is None or not holds_every_figure(row.payload):
                return None
            return stats_from_json(row.payload)


def _cache_row(session: Session, team_id: str, crm_owner_id: str, connector: str) -> CachedStats | None:
    return session.scalars(
        select(CachedStats).where(
            CachedStats.team_id == team_id,
            CachedStats.crm_owner_id == crm_owner_id,
            CachedStats.connector == connector,
        )
    ).first()
