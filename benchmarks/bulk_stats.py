"""Bulk stats for every manager: the demo connector vs hand-written SQL that computes the same outputs.

    .venv/bin/python benchmarks/bulk_stats.py [--managers 1000] [--deals 1000000] [--database-url URL]

Seeds the demo CRM (SQLite file by default), then times hand-written SQL that produces every output of
the bulk pass (all metrics, own and team; activities; won/lost; the top-5 attention deals and the 10
biggest open deals per manager)
and DemoConnector.all_manager_stats(), checks that both found the same numbers, and prints both times
and their ratio. Prints numbers only; it passes or fails nothing.

Amounts in different currencies are never added or compared (no exchange rates): the SQL sums and ranks
per currency, and picking each team's main currency (most open deals with an amount, else most open
deals, ties alphabetically) and the lists across currencies is left to Python, as in the connector.
The seed writes euros only; tests/unit/test_bulk_stats_benchmark.py checks the reference in several.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, bindparam, text

from bot.crm.base import CurrencyTotal, ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import seed_demo
from bot.store.db import make_engine
from bot.store.migrations import upgrade
from bot.store.models import UTCDateTime

# The same outputs as all_manager_stats, written by hand: per manager (team = the manager and their
# direct reports) the open-deal metrics, the manager's own ones, won/lost in 90 days, activities in 7
# days (own and team), the 5 worst open deals with their flags, and the 10 biggest open deals (team and
# own). Values and rankings are per currency; Python picks the main currency and across currencies.
MEMBERS = """
members AS (
    SELECT id AS member_id, manager_id AS team_of FROM demo_crm_owners WHERE manager_id IS NOT NULL
    UNION ALL
    SELECT DISTINCT manager_id, manager_id FROM demo_crm_owners WHERE manager_id IS NOT NULL
)"""
FLAGS = """
    CASE WHEN COALESCE(d.last_activity_at, d.created_at) < :stale THEN 1 ELSE 0 END AS stale,
    CASE WHEN d.next_step IS NULL OR TRIM(d.next_step) = '' THEN 1 ELSE 0 END AS no_step,
    CASE WHEN d.close_date < :today THEN 1 ELSE 0 END AS overdue"""
FAIR_SQL = {
    "open deals": f"""
WITH {MEMBERS},
per_owner AS (
    SELECT owner_id, currency, COUNT(*) AS n, SUM(amount) AS v,
           SUM(CASE WHEN amount > 0 THEN 1 ELSE 0 END) AS priced, SUM(stale) AS stale,
           SUM(no_step) AS no_step, SUM(overdue) AS overdue
    FROM (SELECT d.owner_id, d.amount, d.currency, {FLAGS} FROM demo_crm_deals d WHERE d.status = 'open') f
    GROUP BY owner_id, currency
)
SELECT m.team_of, p.currency, SUM(p.n), SUM(p.v), SUM(p.priced), SUM(p.stale), SUM(p.no_step),
       SUM(p.overdue),
       SUM(CASE WHEN m.member_id = m.team_of THEN p.n ELSE 0 END),
       SUM(CASE WHEN m.member_id = m.team_of THEN p.v ELSE 0 END),
       SUM(CASE WHEN m.member_id = m.team_of THEN p.stale ELSE 0 END),
       SUM(CASE WHEN m.member_id = m.team_of THEN p.no_step ELSE 0 END),
       SUM(CASE WHEN m.member_id = m.team_of THEN p.overdue ELSE 0 END)
FROM members m JOIN per_owner p ON p.owner_id = m.member_id
GROUP BY m.team_of, p.currency""",
    "won/lost": f"""
WITH {MEMBERS},
per_owner AS (
    SELECT owner_id, SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS won,
           SUM(CASE WHEN status = 'lost' THEN 1 ELSE 0 END) AS lost
    FROM demo_crm_deals WHERE status IN ('won', 'lost') AND closed_at >= :closed_since GROUP BY owner_id
)
SELECT m.team_of, SUM(p.won), SUM(p.lost) FROM members m JOIN per_owner p ON p.owner_id = m.member_id
GROUP BY m.team_of""",
    "activities": f"""
WITH {MEMBERS},
per_owner AS (
    SELECT owner_id, COUNT(*) AS n FROM demo_crm_activities
    WHERE occurred_at >= :active_since AND occurred_at <= :now GROUP BY owner_id
)
SELECT m.team_of, SUM(CASE WHEN m.member_id = m.team_of THEN p.n ELSE 0 END),
       SUM(CASE WHEN m.member_id = m.team_of THEN 0 ELSE p.n END)
FROM members m JOIN per_owner p ON p.owner_id = m.member_id
GROUP BY m.team_of""",
    "attention": f"""
WITH {MEMBERS},
flagged AS (
    SELECT * FROM (SELECT d.id, d.name, d.amount, d.currency, d.owner_id, {FLAGS} FROM demo_crm_deals d
                   WHERE d.status = 'open') f
    WHERE stale + no_step + overdue > 0
),
ranked AS (
    SELECT m.team_of, f.*, ROW_NUMBER() OVER (
        PARTITION BY m.team_of, f.currency ORDER BY f.stale + f.no_step + f.overdue DESC, f.amount DESC, f.id
    ) AS rank
    FROM flagged f JOIN members m ON m.member_id = f.owner_id
)
SELECT r.team_of, r.stale + r.no_step + r.overdue, r.currency, r.amount, r.id, r.name, o.name, r.stale,
       r.no_step, r.overdue
FROM ranked r JOIN demo_crm_owners o ON o.id = r.owner_id
WHERE r.rank <= 5""",
    "biggest": f"""
WITH {MEMBERS},
open_deals AS (
    SELECT id, name, amount, currency, owner_id FROM demo_crm_deals WHERE status = 'open' AND amount > 0
),
ranked AS (
    SELECT 'team' AS list, m.team_of, d.*,
           ROW_NUMBER() OVER (PARTITION BY m.team_of, d.currency ORDER BY d.amount DESC, d.id) AS rank
    FROM open_deals d JOIN members m ON m.member_id = d.owner_id
    UNION ALL
    SELECT 'own', d.owner_id, d.*,
           ROW_NUMBER() OVER (PARTITION BY d.owner_id, d.currency ORDER BY d.amount DESC, d.id)
    FROM open_deals d WHERE d.owner_id IN (SELECT team_of FROM members)
)
SELECT r.team_of, r.list, r.currency, r.amount, r.id, r.name, o.name
FROM ranked r JOIN demo_crm_owners o ON o.id = r.owner_id
WHERE r.rank <= 10""",
}


def fair_bound(engine: Engine, now: datetime, stale_days: int) -> tuple[float, dict[str, list[Any]]]:
    """Seconds for the hand-written SQL, and its rows per query."""
    params = {
        "stale": now - timedelta(days=stale_days),
        "today": now.date(),
        "closed_since": now - timedelta(days=90),
        "active_since": now - timedelta(days=7),
        "now": now,
    }
    moments = [
        bindparam(name, type_=UTCDateTime()) for name in ("stale", "closed_since", "active_since", "now")
    ]
    rows: dict[str, list[Any]] = {}
    started = time.perf_counter()
    with engine.connect() as connection:
        for name, sql in FAIR_SQL.items():
            statement = text(sql).bindparams(*(m for m in moments if f":{m.key}" in sql))
            rows[name] = list(
                connection.execute(statement, {k: v for k, v in params.items() if f":{k}" in sql})
            )
    return time.perf_counter() - started, rows


def same_outputs(stats: dict[str, ManagerStats], rows: dict[str, list[Any]]) -> bool:
    """Whether the hand-written SQL found the numbers and deal lists all_manager_stats did."""
    return all(_reference(manager_id, rows) == _compared(s) for manager_id, s in stats.items())


def _compared(s: ManagerStats) -> tuple[Any, ...]:
    return (
        s.currency,
        (s.open_deals, s.open_value, s.stale_deals, s.deals_without_next_step, s.overdue_close_dates),
        (s.own_open_deals, s.own_open_value, s.other_open_values, s.own_other_open_values),
        [d.deal_id for d in s.attention],
        [d.deal_id for d in s.biggest_open_deals],
        [d.deal_id for d in s.own_biggest_open_deals],
    )


def _reference(manager_id: str, rows: dict[str, list[Any]]) -> tuple[Any, ...]:
    """One manager's outputs from the per-currency rows: the main currency picked, the lists merged."""
    per_currency = {r[1]: r for r in rows["open deals"] if r[0] == manager_id}
    priced = {code: int(r[4]) for code, r in per_currency.items() if int(r[4]) > 0}
    counts = priced or {code: int(r[2]) for code, r in per_currency.items()}
    main = min(counts, key=lambda code: (-counts[code], code)) if counts else "EUR"

    def total(column: int) -> int:
        return sum(int(r[column]) for r in per_currency.values())

    def value(code: str, column: int) -> Decimal:
        return Decimal(per_currency[code][column]) if code in per_currency else Decimal(0)

    def others(count_column: int, value_column: int) -> tuple[CurrencyTotal, ...]:
        return tuple(
            CurrencyTotal(code, value(code, value_column), int(per_currency[code][count_column]))
            for code in sorted(per_currency)
            if code != main and int(per_currency[code][count_column]) > 0
        )

    def by_amount(currency: str, amount: Any, deal_id: Any) -> tuple[bool, str, Decimal, int]:
        return currency != main, currency, -Decimal(amount), int(deal_id)

    worst = sorted(
        (-int(r[1]), *by_amount(r[2], r[3], r[4])) for r in rows["attention"] if r[0] == manager_id
    )
    biggest = {
        which: sorted(by_amount(*r[2:5]) for r in rows["biggest"] if r[0] == manager_id and r[1] == which)
        for which in ("team", "own")
    }
    return (
        main,
        (total(2), value(main, 3), total(5), total(6), total(7)),
        (total(8), value(main, 9), others(2, 3), others(8, 9)),
        [str(key[-1]) for key in worst[:5]],
        [str(key[-1]) for key in biggest["team"][:10]],
        [str(key[-1]) for key in biggest["own"][:10]],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--reps-per-manager", type=int, default=10)
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        now = datetime.now(UTC)
        started = time.perf_counter()
        seed_demo(
            engine,
            managers=args.managers,
            reps_per_manager=args.reps_per_manager,
            deals=args.deals,
            as_of=now,
        )
        print(
            f"seeded {args.managers} managers, {args.deals} deals "
            f"in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
        )

        lower, rows = fair_bound(engine, now, 14)
        started = time.perf_counter()
        stats = DemoConnector(engine).all_manager_stats(now=now)
        ours = time.perf_counter() - started

        print(
            f"hand-written SQL, same outputs (the fair bound): {lower:.2f} s "
            f"for {len({r[0] for r in rows['open deals']})} managers"
        )
        print(f"all_manager_stats: {ours:.2f} s for {len(stats)} managers")
        print(f"outputs match: {'yes' if same_outputs(stats, rows) else 'NO'}")
        print(f"ratio: {ours / lower:.2f}x the fair bound (target <= 1.5x)")
        engine.dispose()


if __name__ == "__main__":
    main()
