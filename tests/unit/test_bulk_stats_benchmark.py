"""The bulk-stats benchmark's hand-written reference SQL finds what all_manager_stats finds, also when
teams sell in several currencies (the seed writes euros only), and notices when a number differs."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine, update

from benchmarks.bulk_stats import fair_bound, same_outputs
from bot.crm.demo import DemoConnector
from bot.store.models import DemoDeal
from tests.conftest import NOW


def test_the_reference_sql_keeps_each_currency_apart(seeded: Engine) -> None:
    with seeded.begin() as connection:
        connection.execute(update(DemoDeal).where(DemoDeal.id % 3 == 0).values(currency="USD"))
        connection.execute(update(DemoDeal).where(DemoDeal.id % 7 == 0).values(currency="CHF"))
        connection.execute(update(DemoDeal).where(DemoDeal.id % 5 == 0).values(amount=0))
    stats = DemoConnector(seeded).all_manager_stats(now=NOW)
    _, rows = fair_bound(seeded, NOW, 14)

    assert same_outputs(stats, rows)
    assert all({t.currency for t in s.other_open_values} == {"CHF", "USD"} for s in stats.values())
    manager_id, first = next(iter(stats.items()))
    summed = first.open_value + sum(t.amount for t in first.other_open_values)
    assert not same_outputs({manager_id: replace(first, open_value=summed)}, rows)
    assert not same_outputs({manager_id: replace(first, own_other_open_values=())}, rows)
    assert not same_outputs({manager_id: replace(first, currency="USD")}, rows)
