"""A team selling in several currencies: what Slack receives shows the main currency's pipeline value and
then each other currency's, never one sum across currencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine, update

from bot.container import Container
from bot.demo.standins.slack import SlackStandIn
from bot.formatting import format_money
from bot.store.models import DemoDeal
from tests.conftest import NOW
from tests.contract.world import Expected
from tests.helpers import all_text, command, final_reply
from tests.oracle import expected_stats


def _sell_in_dollars(engine: Engine) -> None:
    """Every 3rd demo deal is in US dollars, the rest stay in euros."""
    with engine.begin() as connection:
        connection.execute(update(DemoDeal).where(DemoDeal.id % 3 == 0).values(currency="USD"))


@pytest.fixture
def james(container: Container) -> Expected:
    _sell_in_dollars(container.engine)
    want = expected_stats(container.engine, "M00002", NOW)
    assert want.currency == "EUR" and [t.currency for t in want.other_values] == ["USD"]
    return want


def _mixed_sum(want: Expected) -> Decimal:
    return want.open_value + sum((t.amount for t in want.other_values), Decimal(0))


def test_the_stats_card_shows_the_euro_value_and_the_dollars_apart(
    base_url: str, slack: SlackStandIn, james: Expected
) -> None:
    command(base_url, slack, "U0JAMES", "stats")

    text = all_text(final_reply(slack))
    [usd] = james.other_values
    euros, dollars = format_money(james.open_value, "EUR", "en"), format_money(usd.amount, "USD", "en")
    assert f"*Open deals*\n{james.open_deals} · {euros} (+ {dollars} in {usd.deals} USD deals)" in text
    assert format_money(_mixed_sum(james), "EUR", "en") not in text


def test_german_stats_card_shows_the_dollars_apart_too(
    base_url: str, slack: SlackStandIn, container: Container
) -> None:
    _sell_in_dollars(container.engine)
    anna = expected_stats(container.engine, "M00001", NOW)
    [usd] = anna.other_values

    command(base_url, slack, "U0ANNA", "stats")

    text = all_text(final_reply(slack))
    euros, dollars = format_money(anna.open_value, "EUR", "de"), format_money(usd.amount, "USD", "de")
    assert f"· {euros} (+ {dollars} in {usd.deals} USD-Deals)" in text


def test_asked_what_the_pipeline_is_worth_the_answer_keeps_currencies_apart(
    base_url: str, slack: SlackStandIn, james: Expected
) -> None:
    command(base_url, slack, "U0JAMES", "ask what is our pipeline worth?")

    text = all_text(final_reply(slack))
    [usd] = james.other_values
    euros, dollars = format_money(james.open_value, "EUR", "en"), format_money(usd.amount, "USD", "en")
    assert (
        f"Your open pipeline is worth {euros} (+ {dollars} in {usd.deals} USD deals) "
        f"across {james.open_deals} deals." in text
    )
    assert format_money(_mixed_sum(james), "EUR", "en") not in text


def test_asked_for_the_own_value_the_own_dollars_are_apart(
    base_url: str, slack: SlackStandIn, james: Expected
) -> None:
    command(base_url, slack, "U0JAMES", "ask what are my own open deals worth, only mine?")

    text = all_text(final_reply(slack))
    [usd] = james.own_other_values
    euros, dollars = format_money(james.own_open_value, "EUR", "en"), format_money(usd.amount, "USD", "en")
    deals = "deal" if usd.deals == 1 else "deals"
    assert (
        f"You own {james.own_open_deals} open deals yourself, worth {euros} (+ {dollars} in {usd.deals} "
        f"USD {deals}); your whole team has {james.open_deals}." in text
    )
