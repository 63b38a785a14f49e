"""The pipeline value never adds amounts in different currencies: the main currency's total, then each other
currency's with its deal count; stored stats keep them (and stats stored before them read with none);
`crmcoach ask` prints them and its JSON keeps the main currency's figure as the value."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from bot.cli import main
from bot.coaching.metrics import holds, metric_value
from bot.coaching.pipeline import PipelineStats
from bot.coaching.pipeline_value import pipeline_value_text
from bot.crm.base import CurrencyTotal, DealRecord
from bot.crm.codec import stats_from_json, stats_to_json
from bot.formatting import format_money
from bot.store.db import make_session_factory
from bot.store.models import CachedStats, DemoDeal
from tests.conftest import NOW
from tests.helpers import ask_json
from tests.oracle import expected_stats
from tests.unit.test_biggest_deals_stats import MANAGER, REP, deal, manager_stats

ANNA = "anna.berger@example.com"  # the first demo manager
# Four euro deals, two in dollars (one the manager's), one in yen.
MIXED = (
    deal("1", REP, 9_000_000, currency="JPY"),
    deal("2", MANAGER, 90_000),
    deal("3", REP, 40_000),
    deal("4", REP, 5_000),
    deal("5", MANAGER, 70_000, currency="USD"),
    deal("6", REP, 8_000, currency="USD"),
    deal("7", MANAGER, 1_000),
)


def test_the_value_sums_only_the_main_currency_and_each_other_currency_apart() -> None:
    stats = manager_stats(*MIXED)

    assert (stats.currency, stats.open_deals, stats.open_value) == ("EUR", 7, Decimal(136_000))
    assert stats.other_open_values == (
        CurrencyTotal("JPY", Decimal(9_000_000), 1),
        CurrencyTotal("USD", Decimal(78_000), 2),
    )
    assert (stats.own_open_deals, stats.own_open_value) == (3, Decimal(91_000))
    assert stats.own_other_open_values == (CurrencyTotal("USD", Decimal(70_000), 1),)


@pytest.mark.parametrize(
    ("deals", "main", "text"),
    [
        # two euro deals without an amount do not outvote a dollar deal that has one
        (
            (deal("1", REP, 0), deal("2", MANAGER, 0), deal("3", REP, 50_000, currency="USD")),
            "USD",
            "$50,000 (+ €0 in 2 EUR deals)",
        ),
        # a tie among deals with an amount: the first code alphabetically
        (
            (deal("1", REP, 5), deal("2", REP, 0), deal("3", REP, 1_000_000, currency="USD")),
            "EUR",
            "€5 (+ $1,000,000 in 1 USD deal)",
        ),
        # no deal has an amount: the currency most open deals are in
        (
            (deal("1", REP, 0, currency="USD"), deal("2", REP, 0, currency="USD"), deal("3", REP, 0)),
            "USD",
            "$0 (+ €0 in 1 EUR deal)",
        ),
    ],
)
def test_the_main_currency_is_the_one_most_deals_with_an_amount_are_in(
    deals: tuple[DealRecord, ...], main: str, text: str
) -> None:
    stats = manager_stats(*deals)

    assert stats.currency == main
    assert pipeline_value_text(stats, "en") == text


def test_trigger_metrics_compare_the_main_currencys_value_only() -> None:
    """A lesson trigger on open_value compares euros here: the yen and dollar deals are not in it."""
    stats = manager_stats(*MIXED)

    assert (metric_value(stats, "open_value"), metric_value(stats, "own_open_value")) == (136_000, 91_000)
    assert holds(metric_value(stats, "open_value"), "<", 150_000)


def test_one_currency_has_no_other_totals() -> None:
    stats = manager_stats(deal("1", REP, 3_000), deal("2", MANAGER, 4_000))

    assert (stats.open_value, stats.other_open_values, stats.own_other_open_values) == (
        Decimal(7_000),
        (),
        (),
    )
    assert pipeline_value_text(stats, "en") == "€7,000"


@pytest.mark.parametrize(
    ("language", "own", "text"),
    [
        # the other currencies with the most deals first
        ("en", False, "€136,000 (+ $78,000 in 2 USD deals and ¥9,000,000 in 1 JPY deal)"),
        ("de", False, "136.000\xa0€ (+ 78.000\xa0$ in 2 USD-Deals und 9.000.000\xa0¥ in 1 JPY-Deal)"),
        ("en", True, "€91,000 (+ $70,000 in 1 USD deal)"),
        ("de", True, "91.000\xa0€ (+ 70.000\xa0$ in 1 USD-Deal)"),
    ],
)
def test_the_value_reads_main_currency_first_then_the_others(language: str, own: bool, text: str) -> None:
    assert pipeline_value_text(manager_stats(*MIXED), language, own=own) == text  # type: ignore[arg-type]


# Euros in 6 deals; dollars in 3, francs in 2, then pounds, yen and crowns in 1 each.
MANY = (
    *(deal(f"E{i}", REP, 1_000) for i in range(6)),
    *(deal(f"U{i}", REP, 100, currency="USD") for i in range(3)),
    *(deal(f"C{i}", REP, 200, currency="CHF") for i in range(2)),
    deal("G", REP, 300, currency="GBP"),
    deal("J", REP, 40_000, currency="JPY"),
    deal("S", REP, 500, currency="SEK"),
)


@pytest.mark.parametrize(
    ("language", "deals", "text"),
    [
        (
            "en",
            MANY,
            "€6,000 (+ $300 in 3 USD deals, CHF400 in 2 CHF deals, £300 in 1 GBP deal, "
            "and 2 more currencies)",
        ),
        (
            "de",
            MANY,
            "6.000\xa0€ (+ 300\xa0$ in 3 USD-Deals, 400\xa0CHF in 2 CHF-Deals, 300\xa0£ in 1 GBP-Deal und "
            "2 weitere Währungen)",
        ),
        (
            "en",
            MANY[:-1],
            "€6,000 (+ $300 in 3 USD deals, CHF400 in 2 CHF deals, £300 in 1 GBP deal, and 1 more currency)",
        ),
        (
            "de",
            MANY[:-1],
            "6.000\xa0€ (+ 300\xa0$ in 3 USD-Deals, 400\xa0CHF in 2 CHF-Deals, 300\xa0£ in 1 GBP-Deal und "
            "1 weitere Währung)",
        ),
    ],
)
def test_many_currencies_list_those_with_the_most_deals_then_how_many_more(
    language: str, deals: tuple[DealRecord, ...], text: str
) -> None:
    stats = manager_stats(*deals)

    assert pipeline_value_text(stats, language) == text  # type: ignore[arg-type]
    # every total is kept (the JSON lists them all): only the text is short
    assert [total.currency for total in stats.other_open_values] == sorted(
        {d.currency for d in deals} - {"EUR"}
    )


def test_own_deals_only_in_another_currency_show_no_zero_in_the_main_one() -> None:
    stats = manager_stats(
        deal("1", REP, 3_000), deal("2", REP, 4_000), deal("3", MANAGER, 500, currency="USD")
    )

    assert (stats.own_open_value, stats.own_other_open_values) == (
        0,
        (CurrencyTotal("USD", Decimal(500), 1),),
    )
    assert pipeline_value_text(stats, "en", own=True) == "$500 in 1 USD deal"


def test_stored_stats_keep_the_other_currencies() -> None:
    stats = manager_stats(*MIXED)

    assert stats_from_json(stats_to_json(stats)) == stats


def test_stats_stored_before_the_other_currencies_read_with_none() -> None:
    stats = manager_stats(*MIXED)
    stored = stats_to_json(stats)
    del stored["other_open_values"], stored["own_other_open_values"]

    read = stats_from_json(stored)

    assert read == replace(stats, other_open_values=(), own_other_open_values=())
    assert read is not None and pipeline_value_text(read, "en") == "€136,000"


def test_the_stats_cache_keeps_the_other_currencies_and_reads_older_rows(engine: Engine) -> None:
    stats = manager_stats(*MIXED)
    cache = PipelineStats(
        sessions=make_session_factory(engine), crm=_Unused(), connector="test", ttl=timedelta(hours=1)
    )

    cache.store("T0TEST", {"M1": stats})
    assert cache.current(team_id="T0TEST", crm_owner_id="M1", now=NOW) == stats

    older = stats_to_json(stats)  # a row written before the other currencies were kept
    del older["other_open_values"], older["own_other_open_values"]
    with engine.begin() as connection:
        connection.execute(update(CachedStats).values(payload=older))
    read = cache.current(team_id="T0TEST", crm_owner_id="M1", now=NOW)
    assert (read.open_value, read.other_open_values, read.own_other_open_values) == (stats.open_value, (), ())


class _Unused:
    """The cache answers; the CRM must not be asked."""

    display_name = "Test CRM"

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the CRM was asked ({name})")


@pytest.mark.usefixtures("cli_env")
def test_crmcoach_ask_prints_the_currencies_apart_and_its_json_keeps_the_main_value(
    seeded: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", seeded.url.render_as_string(hide_password=False))
    with seeded.begin() as connection:
        connection.execute(update(DemoDeal).where(DemoDeal.id % 3 == 0).values(currency="USD"))
    want = expected_stats(seeded, "M00001", NOW)
    [usd] = want.other_values

    assert main(["ask", "what is our pipeline worth?", "--offline", "--user", ANNA]) == 0
    printed = capsys.readouterr().out
    answer = ask_json("what is our pipeline worth?", capsys, "--user", ANNA)

    euros, dollars = format_money(want.open_value, "EUR", "en"), format_money(usd.amount, "USD", "en")
    assert f"worth {euros} (+ {dollars} in {usd.deals} USD deals) across {want.open_deals} deals." in printed
    assert answer["numbers"][0] == {
        "metric": "open_value",
        "scope": "team",
        "value": int(want.open_value),
        "of": None,
        "currency": "EUR",
        "other_currencies": [{"currency": "USD", "value": int(usd.amount), "deals": usd.deals}],
    }
    # README's field list names every field the JSON has
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    described = readme[readme.index("# --json:") : readme.index("crmcoach lessons check")]
    value_fact = answer["numbers"][0]
    for field in [*answer, *value_fact, *value_fact["other_currencies"][0]]:
        assert re.search(rf"\b{field}\b", described), field
