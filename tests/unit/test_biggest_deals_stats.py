"""ManagerStats keeps the biggest open deals, the team's and the manager's own: ranked by amount, ties by
deal id, deals without an amount left out, amounts in different currencies never compared (the main
currency's deals first, each shown in its own currency); stored stats keep them, and stats stored before
them read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bot.coaching.coach import Coach
from bot.crm.aggregate import stats_from_snapshot
from bot.crm.base import (
    BIGGEST_DEALS_LIMIT,
    CRMSnapshot,
    DealRecord,
    DealStatus,
    ListedDeal,
    ManagerStats,
    Owner,
)
from bot.crm.codec import stats_from_json, stats_to_json
from tests.helpers import numbers_reply

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
MANAGER = Owner("M1", "mara@example.com", "Mara Manager")
REP = Owner("R1", "rick@example.com", "Rick Rep", manager_crm_id="M1")
OTHER_TEAM = Owner("R2", "olga@example.com", "Olga Other", manager_crm_id="M2")
OTHER_MANAGER = Owner("M2", "max@example.com", "Max Manager")


def deal(
    deal_id: str,
    owner: Owner,
    amount: int,
    status: DealStatus = "open",
    *,
    currency: str = "EUR",
    next_step: str = "call",
) -> DealRecord:
    return DealRecord(
        deal_id=deal_id,
        name=f"Deal {deal_id}",
        owner_id=owner.crm_id,
        amount=Decimal(amount),
        currency=currency,
        status=status,
        close_date=None,
        next_step=next_step,
        created_at=NOW - timedelta(days=3),
        last_activity_at=NOW - timedelta(days=1),
        closed_at=NOW - timedelta(days=2) if status != "open" else None,
    )


def manager_stats(*deals: DealRecord) -> ManagerStats:
    snapshot = CRMSnapshot((MANAGER, REP, OTHER_TEAM, OTHER_MANAGER), deals, (), NOW)
    return stats_from_snapshot(snapshot, now=NOW, stale_days=14, source="Test CRM")["M1"]


def stats_for(*deals: DealRecord) -> dict[str, tuple[ListedDeal, ...]]:
    stats = manager_stats(*deals)
    return {"team": stats.biggest_open_deals, "own": stats.own_biggest_open_deals}


def ids(deals: tuple[ListedDeal, ...]) -> list[str]:
    return [d.deal_id for d in deals]


def test_the_teams_biggest_open_deals_come_biggest_first_with_owner_and_amount() -> None:
    ranked = stats_for(
        deal("1", REP, 5_000),
        deal("2", MANAGER, 90_000),
        deal("3", REP, 40_000),
        deal("4", REP, 500_000, status="won"),  # closed: not open pipeline
        deal("5", OTHER_TEAM, 900_000),  # another manager's team
    )

    assert ranked["team"] == (
        ListedDeal("2", "Deal 2", "Mara Manager", Decimal(90_000), owner_id="M1"),
        ListedDeal("3", "Deal 3", "Rick Rep", Decimal(40_000), owner_id="R1"),
        ListedDeal("1", "Deal 1", "Rick Rep", Decimal(5_000), owner_id="R1"),
    )
    assert ids(ranked["own"]) == ["2"]


def test_equal_amounts_rank_by_deal_id_as_numbers() -> None:
    ranked = stats_for(deal("10", REP, 7_000), deal("9", REP, 7_000), deal("11", MANAGER, 7_000))

    assert ids(ranked["team"]) == ["9", "10", "11"]


def test_deals_without_an_amount_are_not_ranked() -> None:
    ranked = stats_for(deal("1", REP, 0), deal("2", MANAGER, 0), deal("3", REP, 1_000))

    assert ids(ranked["team"]) == ["3"]
    assert ranked["own"] == ()


def test_the_lists_keep_the_limit_each() -> None:
    deals = [
        deal(str(n), MANAGER if n % 2 else REP, 1_000 * n) for n in range(1, 2 * BIGGEST_DEALS_LIMIT + 3)
    ]

    ranked = stats_for(*deals)

    top = sorted(deals, key=lambda d: -d.amount)
    assert ids(ranked["team"]) == [d.deal_id for d in top[:BIGGEST_DEALS_LIMIT]]
    own = [d for d in top if d.owner_id == MANAGER.crm_id]
    assert ids(ranked["own"]) == [d.deal_id for d in own[:BIGGEST_DEALS_LIMIT]]


def test_stored_stats_keep_the_biggest_deals() -> None:
    snapshot = CRMSnapshot((MANAGER, REP), (deal("1", REP, 3_000), deal("2", MANAGER, 4_000)), (), NOW)
    stats = stats_from_snapshot(snapshot, now=NOW, stale_days=14, source="Test CRM")["M1"]

    assert stats_from_json(stats_to_json(stats)) == stats
    assert len(stats.biggest_open_deals) == 2 and len(stats.own_biggest_open_deals) == 1


def test_stats_stored_before_the_biggest_deals_read_with_empty_lists() -> None:
    snapshot = CRMSnapshot((MANAGER, REP), (deal("1", REP, 3_000),), (), NOW)
    stats = stats_from_snapshot(snapshot, now=NOW, stale_days=14, source="Test CRM")["M1"]
    stored = stats_to_json(stats)
    del stored["biggest_open_deals"], stored["own_biggest_open_deals"]

    read = stats_from_json(stored)

    assert read == replace(stats, biggest_open_deals=(), own_biggest_open_deals=())


# The reviewer's case: one ¥9,000,000 deal among € deals, in a team that mostly sells in euros.
MIXED = (
    deal("1", REP, 9_000_000, currency="JPY"),
    deal("2", MANAGER, 90_000),
    deal("3", REP, 40_000),
    deal("4", REP, 5_000),
    deal("5", MANAGER, 70_000, currency="USD"),
    deal("6", REP, 8_000, currency="USD"),
)


def test_amounts_in_other_currencies_rank_after_the_main_currency_never_against_it() -> None:
    stats = manager_stats(*MIXED)

    assert stats.currency == "EUR"  # most open deals are in euros
    assert [(d.deal_id, d.currency) for d in stats.biggest_open_deals] == [
        ("2", "EUR"),
        ("3", "EUR"),
        ("4", "EUR"),
        ("1", "JPY"),  # each other currency in turn, biggest first within it
        ("5", "USD"),
        ("6", "USD"),
    ]
    assert ids(stats.own_biggest_open_deals) == ["2", "5"]


def test_each_listed_deal_shows_its_own_currency(coach: Coach) -> None:
    stats = manager_stats(*MIXED)

    answer = numbers_reply(coach, stats, "what are our 5 biggest deals?")

    lines = [line for line in answer.text.splitlines() if line.startswith("• ")]
    assert lines[:5] == [
        "• €90,000 – Deal 2 (Mara Manager)",
        "• €40,000 – Deal 3 (Rick Rep)",
        "• €5,000 – Deal 4 (Rick Rep)",
        "• ¥9,000,000 – Deal 1 (Rick Rep)",
        "• $70,000 – Deal 5 (Mara Manager)",
    ]


def test_deals_worth_a_look_rank_by_amount_within_the_main_currency_first() -> None:
    # All without a next step: equally worth a look, so the amount decides.
    stats = manager_stats(*(replace(d, next_step="") for d in MIXED))

    assert [(d.deal_id, d.currency) for d in stats.attention] == [
        ("2", "EUR"),
        ("3", "EUR"),
        ("4", "EUR"),
        ("1", "JPY"),
        ("5", "USD"),
    ]


def test_stored_stats_keep_each_listed_deals_currency() -> None:
    stats = manager_stats(*(replace(d, next_step="") for d in MIXED))

    read = stats_from_json(stats_to_json(stats))

    assert read == stats
    assert read is not None and {d.currency for d in read.biggest_open_deals + read.attention} == {
        "EUR",
        "JPY",
        "USD",
    }


def test_deals_stored_before_they_carried_a_currency_read_in_the_stats_currency() -> None:
    snapshot = CRMSnapshot((MANAGER, REP), (deal("1", REP, 3_000, currency="CHF", next_step=""),), (), NOW)
    stats = stats_from_snapshot(snapshot, now=NOW, stale_days=14, source="Test CRM")["M1"]
    stored = stats_to_json(stats)
    for listed in (*stored["attention"], *stored["biggest_open_deals"], *stored["own_biggest_open_deals"]):
        del listed["currency"]

    read = stats_from_json(stored)

    assert read == stats  # the stats' currency is the one the old lists were shown in
    assert read is not None and [d.currency for d in read.biggest_open_deals + read.attention] == ["CHF"] * 2


def test_stats_stored_before_deals_kept_their_owner_id_read_without_it() -> None:
    snapshot = CRMSnapshot((MANAGER, REP), (deal("1", REP, 3_000),), (), NOW)
    stats = stats_from_snapshot(snapshot, now=NOW, stale_days=14, source="Test CRM")["M1"]
    stored = stats_to_json(stats)
    for listed in [*stored["attention"], *stored["biggest_open_deals"], *stored["own_biggest_open_deals"]]:
        del listed["owner_id"]

    read = stats_from_json(stored)

    assert read is not None
    assert [(d.deal_id, d.owner_id) for d in read.biggest_open_deals] == [("1", None)]
    assert stats.biggest_open_deals[0].owner_id == "R1"
