"""Each deal's currency as the connectors read it: codes spelled loosely (" usd", "Eur ") are one currency,
and a HubSpot deal without a currency code is in the portal's company currency, not in euros."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest

from bot.crm.base import DealRecord
from bot.crm.hubspot import HubSpotConnector
from tests.contract.connectors import Connect, assert_team_values
from tests.contract.world import World, build_world, expected, with_foreign_currencies
from tests.contract.worlds.hubspot import hubspot_portal
from tests.fakes.hubspot import HubSpotStandIn

ACCOUNT_DETAILS = "/account-info/v3/details"


def _spelled_loosely(world: World) -> World:
    """Every dollar deal's code in lower case with spaces around, every 5th euro deal's in mixed case."""

    def loose(deal: DealRecord) -> DealRecord:
        if deal.currency == "USD":
            return replace(deal, currency=" usd ")
        if deal.currency == "EUR" and int(deal.deal_id) % 5 == 0:
            return replace(deal, currency="Eur ")
        return deal

    return replace(world, deals=tuple(map(loose, world.deals)))


@pytest.mark.parametrize("factory", ["csv", "hubspot", "pipedrive", "salesforce"])
def test_currency_codes_spelled_loosely_are_one_currency(factory: str, connect: Connect) -> None:
    world = with_foreign_currencies(build_world())
    connector = connect(factory, _spelled_loosely(world))
    for manager_id in world.managers():
        stats = connector.manager_stats(manager_id, now=world.now)
        want = expected(world, manager_id)

        assert_team_values(stats, want, manager_id)
    assert {total.currency for m in world.managers() for total in expected(world, m).other_values} == {
        "JPY",
        "USD",
    }


@contextmanager
def _portal(
    world: World, *, company_currency: str, blank: set[str]
) -> Iterator[tuple[HubSpotStandIn, HubSpotConnector]]:
    """The world as a HubSpot portal whose deals in `blank` currencies have no deal_currency_code."""
    with hubspot_portal(world, company_currency=company_currency) as (standin, connector):
        for record in standin.objects["deals"].values():
            if record["properties"]["deal_currency_code"] in blank:
                record["properties"]["deal_currency_code"] = None
        yield standin, connector


def _in_dollars(world: World) -> World:
    return replace(world, deals=tuple(replace(deal, currency="USD") for deal in world.deals))


def test_a_single_currency_portal_without_currency_codes_is_in_its_company_currency() -> None:
    """A US portal that never turned on multi-currency: no deal has a code, all are dollars."""
    world = _in_dollars(build_world())
    with _portal(world, company_currency="USD", blank={"USD"}) as (standin, connector):
        bulk = connector.all_manager_stats(now=world.now)
        for manager_id in world.managers():
            stats = connector.manager_stats(manager_id, now=world.now)
            want = expected(world, manager_id)

            assert (stats.currency, stats.open_value, stats.other_open_values) == ("USD", want.open_value, ())
            assert (bulk[manager_id].currency, bulk[manager_id].open_value) == ("USD", want.open_value)
        # read once per connector, not once per deal search
        assert [r.path for r in standin.requests].count(ACCOUNT_DETAILS) == 1


def test_deals_without_a_code_join_the_company_currencys_deals_that_have_one() -> None:
    """A multi-currency portal in dollars: older dollar deals have no code, newer ones " usd"-style."""
    world = with_foreign_currencies(build_world())
    with _portal(_spelled_loosely(world), company_currency="usd", blank=set()) as (standin, connector):
        for number, record in standin.objects["deals"].items():
            if record["properties"]["deal_currency_code"] == " usd " and int(number) % 2 == 0:
                record["properties"]["deal_currency_code"] = None
        for manager_id in world.managers():
            stats = connector.manager_stats(manager_id, now=world.now)
            want = expected(world, manager_id)

            assert_team_values(stats, want, manager_id)
            assert (stats.own_open_value, stats.own_other_open_values) == (
                want.own_open_value,
                want.own_other_values,
            ), manager_id


def test_deals_with_codes_never_ask_for_the_company_currency() -> None:
    world = build_world()
    with _portal(world, company_currency="USD", blank=set()) as (standin, connector):
        connector.all_manager_stats(now=world.now)

        assert ACCOUNT_DETAILS not in [r.path for r in standin.requests]


def test_a_refused_company_currency_lookup_falls_back_to_euros() -> None:
    """An optional lookup: the numbers still come, in the default currency."""
    world = build_world()  # all in euros
    with _portal(world, company_currency="USD", blank={"EUR"}) as (standin, connector):
        standin.fail_next(
            status=403, path=ACCOUNT_DETAILS, body={"status": "error", "category": "MISSING_SCOPES"}
        )
        manager_id = world.managers()[0]
        stats = connector.manager_stats(manager_id, now=world.now)

        want = expected(world, manager_id)
        assert (stats.currency, stats.open_deals, stats.open_value) == (
            "EUR",
            want.open_deals,
            want.open_value,
        )
        assert [r.status for r in standin.requests if r.path == ACCOUNT_DETAILS] == [403]
