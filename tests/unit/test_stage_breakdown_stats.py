"""ManagerStats keep the open deals per pipeline stage: in the pipeline's order, stages of one label
merged, closed ones left out, values in the main currency only; stored stats keep them, and stats
stored before them read with none."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, update

from bot.coaching.pipeline import PipelineStats
from bot.crm.aggregate import stats_from_snapshot
from bot.crm.base import CRMSnapshot, DealRecord, DealStage, DealStatus, ManagerStats, Owner, StageTotal
from bot.crm.codec import stats_from_json, stats_to_json
from bot.store.db import make_session_factory
from bot.store.models import CachedStats
from tests.unit.test_biggest_deals_stats import MANAGER, NOW, OTHER_MANAGER, OTHER_TEAM, REP, deal

STAGES = (
    DealStage("s-neg", "Negotiation"),  # ids out of order: only the list's order counts
    DealStage("s-qual", "Qualification"),
    DealStage("won", "Closed won", for_open_deals=False),
    DealStage("r-neg", "negotiation "),  # a second pipeline's stage of the same label
    DealStage("r-old", "Retired", for_open_deals=False),
)


def staged(
    deal_id: str,
    owner: Owner,
    amount: int,
    stage: str | None,
    status: DealStatus = "open",
    *,
    currency: str = "EUR",
) -> DealRecord:
    return replace(deal(deal_id, owner, amount, status, currency=currency), stage=stage)


DEALS = (
    staged("1", MANAGER, 10_000, "s-neg"),
    staged("2", REP, 5_000, "r-neg"),
    staged("3", REP, 7_000, "s-qual"),
    staged("4", REP, 900_000, "s-qual", currency="JPY"),  # counted, never added to euros
    staged("5", REP, 3_000, "s-unknown"),  # a stage the CRM did not describe
    staged("6", REP, 2_000, None),  # no stage at all: in the total, in no stage
    staged("7", REP, 4_000, "won", "won"),
    staged("8", OTHER_TEAM, 1_000, "s-qual"),  # another team
    staged("9", OTHER_TEAM, 1_000, "r-old"),  # another team's deal in a retired stage: not M1's line
    staged("10", OTHER_TEAM, 1_000, "s-other"),  # nor another team's undescribed stage
)


def manager_stats(stages: tuple[DealStage, ...] = STAGES) -> ManagerStats:
    snapshot = CRMSnapshot((MANAGER, REP, OTHER_TEAM, OTHER_MANAGER), DEALS, (), NOW, stages=stages)
    return stats_from_snapshot(snapshot, now=NOW, stale_days=14, source="Test CRM")["M1"]


def test_open_deals_per_stage_in_pipeline_order_with_same_labels_merged() -> None:
    stats = manager_stats()

    assert stats.open_by_stage == (
        StageTotal("Negotiation", 2, Decimal(15_000)),
        StageTotal("Qualification", 2, Decimal(7_000)),
        StageTotal("s-unknown", 1, Decimal(3_000)),
    )
    assert stats.own_open_by_stage == (
        StageTotal("Negotiation", 1, Decimal(10_000)),
        StageTotal("Qualification", 0, Decimal(0)),
        StageTotal("s-unknown", 0, Decimal(0)),
    )


def test_without_stage_settings_the_ids_are_the_labels() -> None:
    stats = manager_stats(stages=())

    assert [(t.stage, t.deals) for t in stats.open_by_stage] == [
        ("r-neg", 1),
        ("s-neg", 1),
        ("s-qual", 2),
        ("s-unknown", 1),
    ]


def test_stored_stats_keep_the_stages_and_older_ones_read_with_none() -> None:
    stats = manager_stats()
    assert stats_from_json(stats_to_json(stats)) == stats

    older = stats_to_json(stats)
    del older["open_by_stage"], older["own_open_by_stage"]
    assert stats_from_json(older) == replace(stats, open_by_stage=(), own_open_by_stage=())


def test_the_stats_cache_keeps_the_stages_and_reads_older_rows(engine: Engine) -> None:
    stats = manager_stats()
    cache = PipelineStats(
        sessions=make_session_factory(engine), crm=_Unused(), connector="test", ttl=timedelta(hours=1)
    )

    cache.store("T0TEST", {"M1": stats})
    assert cache.current(team_id="T0TEST", crm_owner_id="M1", now=NOW) == stats

    older = stats_to_json(stats)  # a row written before the stages were kept
    del older["open_by_stage"], older["own_open_by_stage"]
    with engine.begin() as connection:
        connection.execute(update(CachedStats).values(payload=older))
    read = cache.current(team_id="T0TEST", crm_owner_id="M1", now=NOW)
    assert read is not None and (read.open_deals, read.open_by_stage) == (stats.open_deals, ())


class _Unused:
    """The cache answers; the CRM must not be asked."""

    display_name = "Test CRM"

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the CRM was asked ({name})")
