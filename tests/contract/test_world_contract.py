"""Every connector, pointed at its vendor's stand-in serving the same world, yields the same numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.crm.base import BIGGEST_DEALS_LIMIT, CRMConnector, CRMNotFoundError, ListedDeal, StageTotal
from tests.contract.connectors import FACTORIES, Connect, assert_team_values
from tests.contract.world import World, build_world, expected, with_foreign_currencies, with_unpriced_euros


def test_it_speaks_the_protocol(connector: CRMConnector) -> None:
    assert isinstance(connector, CRMConnector)
    assert connector.display_name


def test_owners_and_teams_come_from_the_crm(connector: CRMConnector, world: World) -> None:
    owners = connector.list_owners()
    seen = {(o.crm_id, o.name, o.manager_crm_id) for o in owners}

    assert seen == {(o.crm_id, o.name, o.manager_crm_id) for o in world.owners}
    # An owner without an e-mail address stays an owner (CSV files, keyed by e-mail, carry a placeholder).
    emails = {o.crm_id: o.email.lower() for o in owners}
    placeholders = {crm_id for crm_id, email in emails.items() if email.endswith(".invalid")}
    assert {i: e for i, e in emails.items() if i not in placeholders} == {
        o.crm_id: o.email for o in world.owners if o.crm_id not in placeholders
    }
    assert all(not o.email for o in world.owners if o.crm_id in placeholders)
    assert any(not o.email for o in world.owners)


def test_owners_are_found_by_email_in_any_case(connector: CRMConnector, world: World) -> None:
    manager = next(o for o in world.owners if o.crm_id == world.managers()[1])

    found = connector.find_owner_by_email(f"  {manager.email.upper()} ")

    assert found is not None and found.crm_id == manager.crm_id
    assert connector.find_owner_by_email("nobody@example.com") is None


def test_unknown_owner_ids_raise_not_found(connector: CRMConnector, world: World) -> None:
    with pytest.raises(CRMNotFoundError) as caught:
        connector.get_owner("999999999")
    with pytest.raises(CRMNotFoundError):
        connector.manager_stats("999999999", now=world.now)
    assert "999999999" in caught.value.user_message


def test_each_managers_stats_match_the_reference(connector: CRMConnector, world: World) -> None:
    for manager_id in world.managers():
        stats = connector.manager_stats(manager_id, now=world.now)
        want = expected(world, manager_id)
        assert want.own_open_deals > 0  # managers own deals too, so the own_* checks mean something

        assert stats.owner.crm_id == manager_id
        assert (stats.team_size, stats.open_deals, stats.open_value) == (
            want.team_size,
            want.open_deals,
            want.open_value,
        ), manager_id
        assert (stats.stale_deals, stats.deals_without_next_step, stats.overdue_close_dates) == (
            want.stale,
            want.no_next_step,
            want.overdue,
        ), manager_id
        assert (stats.activities_7d_manager, stats.activities_7d_team) == (
            want.activities_manager,
            want.activities_team,
        ), manager_id
        assert (stats.won_90d, stats.lost_90d) == (want.won_90d, want.lost_90d), manager_id
        assert (stats.own_won_90d, stats.own_lost_90d) == (want.own_won_90d, want.own_lost_90d), manager_id
        assert (
            stats.own_open_deals,
            stats.own_open_value,
            stats.own_stale_deals,
            stats.own_deals_without_next_step,
            stats.own_overdue_close_dates,
        ) == (
            want.own_open_deals,
            want.own_open_value,
            want.own_stale,
            want.own_no_next_step,
            want.own_overdue,
        ), manager_id
        assert stats.fetched_at == world.now
        assert stats.currency == want.currency, manager_id
        assert listed(stats.biggest_open_deals) == want.biggest, manager_id
        assert listed(stats.own_biggest_open_deals) == want.own_biggest, manager_id
        assert (stats.other_open_values, stats.own_other_open_values) == ((), ()), manager_id


def listed(deals: tuple[ListedDeal, ...]) -> tuple[tuple[str, str, str, Decimal, str], ...]:
    return tuple((d.deal_id, d.name, d.owner_name, d.amount, d.currency) for d in deals)


def test_deal_lists_never_compare_amounts_in_different_currencies(
    connector_in_currencies: CRMConnector, world_in_currencies: World
) -> None:
    """Yen amounts are numerically far above euro ones: they must not top the lists, nor show in euros."""
    world = world_in_currencies
    for manager_id in world.managers():
        stats = connector_in_currencies.manager_stats(manager_id, now=world.now)
        want = expected(world, manager_id)

        assert stats.currency == want.currency == "EUR", manager_id
        assert listed(stats.biggest_open_deals) == want.biggest, manager_id
        assert listed(stats.own_biggest_open_deals) == want.own_biggest, manager_id
        worst_first = [
            (-len(d.reasons), d.currency != stats.currency, d.currency, -d.amount) for d in stats.attention
        ]
        assert worst_first == sorted(worst_first), manager_id
    # The world must put foreign deals into the lists for that to be checked.
    managers = [expected(world, m) for m in world.managers()]
    assert {currency for want in managers for *_, currency in want.own_biggest} >= {"EUR", "USD", "JPY"}


def test_pipeline_value_never_adds_amounts_in_different_currencies(
    connector_in_currencies: CRMConnector, world_in_currencies: World
) -> None:
    """The value is the main currency's deals only; every other currency has its own total and count
    (from each vendor's own currency field: deal_currency_code, CurrencyIsoCode, currency)."""
    world = world_in_currencies
    bulk = connector_in_currencies.all_manager_stats(now=world.now)
    for manager_id in world.managers():
        stats = connector_in_currencies.manager_stats(manager_id, now=world.now)
        want = expected(world, manager_id)

        assert (stats.open_deals, stats.open_value, stats.other_open_values) == (
            want.open_deals,
            want.open_value,
            want.other_values,
        ), manager_id
        assert (stats.own_open_deals, stats.own_open_value, stats.own_other_open_values) == (
            want.own_open_deals,
            want.own_open_value,
            want.own_other_values,
        ), manager_id
        assert (bulk[manager_id].other_open_values, bulk[manager_id].own_other_open_values) == (
            stats.other_open_values,
            stats.own_other_open_values,
        ), manager_id
        assert bulk[manager_id].own_open_value == stats.own_open_value, manager_id
    # Every manager's own deals are in three currencies here, so a sum across them would show.
    for manager_id in world.managers():
        want = expected(world, manager_id)
        assert want.currency == "EUR", manager_id
        assert [total.currency for total in want.own_other_values] == ["JPY", "USD"], manager_id


@pytest.mark.parametrize("factory", sorted(FACTORIES))
def test_the_main_currency_is_the_one_most_deals_with_an_amount_are_in(
    factory: str, connect: Connect
) -> None:
    """Most open deals are euros without an amount: the dollars, which carry the value, are the main
    currency, and the euro deals follow apart ("$… (+ €… in N EUR deals)", not "€… (+ $…)")."""
    world = with_unpriced_euros(build_world())
    connector = connect(factory, world)
    bulk = connector.all_manager_stats(now=world.now)
    for manager_id in world.managers():
        stats = connector.manager_stats(manager_id, now=world.now)
        want = expected(world, manager_id)

        assert_team_values(stats, want, manager_id)
        assert (bulk[manager_id].currency, bulk[manager_id].open_value) == (
            stats.currency,
            stats.open_value,
        ), manager_id
    # The world must really have more euro deals than dollar deals, and more dollar deals with an amount.
    for manager_id in world.managers():
        want = expected(world, manager_id)
        assert want.currency == "USD", manager_id
        (euros,) = want.other_values
        assert euros.currency == "EUR" and euros.deals > want.open_deals - euros.deals, manager_id


def test_the_biggest_deals_are_ranked_even_where_amounts_tie(world: World) -> None:
    """The reference ranks ties by deal id; the world must have a tie in a list for that to be checked."""
    lists = [want.biggest for want in (expected(world, m) for m in world.managers())]
    amounts = [[amount for *_, amount, _currency in ranked] for ranked in lists]
    assert any(len(set(ranked)) < len(ranked) for ranked in amounts)
    assert all(len(ranked) == BIGGEST_DEALS_LIMIT for ranked in lists)


def test_bulk_stats_cover_every_manager_in_one_pass(connector: CRMConnector, world: World) -> None:
    bulk = connector.all_manager_stats(now=world.now)

    assert set(bulk) == set(world.managers())
    for manager_id, stats in bulk.items():
        single = connector.manager_stats(manager_id, now=world.now)
        assert (stats.open_deals, stats.open_value, stats.stale_deals, stats.activities_7d_team) == (
            single.open_deals,
            single.open_value,
            single.stale_deals,
            single.activities_7d_team,
        )
        assert (stats.biggest_open_deals, stats.own_biggest_open_deals) == (
            single.biggest_open_deals,
            single.own_biggest_open_deals,
        ), manager_id


def test_attention_lists_the_worst_open_deals_with_reasons(connector: CRMConnector, world: World) -> None:
    stats = connector.manager_stats(world.managers()[0], now=world.now)

    assert 0 < len(stats.attention) <= 5
    scores = [len(deal.reasons) for deal in stats.attention]
    assert scores == sorted(scores, reverse=True)
    open_ids = {d.deal_id for d in world.deals if d.status == "open"}
    for deal in stats.attention:
        assert deal.deal_id in open_ids
        assert deal.reasons and set(deal.reasons) <= {"stale", "no_next_step", "overdue"}


@pytest.mark.parametrize("factory", sorted(FACTORIES))
def test_open_deals_per_stage_match_the_reference(factory: str, connect: Connect) -> None:
    """Every stage of the pipeline in its order (not alphabetical, not by id), with its open deals and
    their value in the main currency only (deals in yen and dollars are counted, not added), team and
    own; closed and retired stages stay out; the bulk run agrees. HubSpot's stand-in splits Negotiation
    across two pipelines: one line, both counted."""
    world = with_foreign_currencies(build_world())
    connector = connect(factory, world)
    bulk = connector.all_manager_stats(now=world.now)
    for manager_id in world.managers():
        stats = connector.manager_stats(manager_id, now=world.now)
        want = expected(world, manager_id)

        got, got_own = stats.open_by_stage, stats.own_open_by_stage
        if factory == "csv":  # a CSV file has no pipeline settings: stages come in the file's order
            got, got_own = _by_label(got, want.by_stage), _by_label(got_own, want.own_by_stage)
        assert got == want.by_stage, manager_id
        assert got_own == want.own_by_stage, manager_id
        assert (bulk[manager_id].open_by_stage, bulk[manager_id].own_open_by_stage) == (
            stats.open_by_stage,
            stats.own_open_by_stage,
        ), manager_id
    # The reference must have deals in every stage, foreign ones among them, for this to mean something.
    want = expected(world, world.managers()[0])
    assert all(total.deals > 0 for total in want.by_stage)
    assert sum(total.deals for total in want.by_stage) == want.open_deals
    assert sum(total.value for total in want.by_stage) == want.open_value and want.other_values


def _by_label(totals: tuple[StageTotal, ...], order: tuple[StageTotal, ...]) -> tuple[StageTotal, ...]:
    place = {total.stage: index for index, total in enumerate(order)}
    return tuple(sorted(totals, key=lambda total: place.get(total.stage, len(place))))


def test_managers_win_and_lose_deals_of_their_own_in_the_reference_world(world: World) -> None:
    """Else the own won/lost checks above would compare zeros."""
    wants = [expected(world, manager_id) for manager_id in world.managers()]
    assert any(want.own_won_90d for want in wants) and any(want.own_lost_90d for want in wants)
    assert all(want.own_won_90d <= want.won_90d and want.own_lost_90d <= want.lost_90d for want in wants)
