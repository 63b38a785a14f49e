"""Bulk stats for every manager: the demo connector vs one hand-written GROUP BY (the lower bound).

    .venv/bin/python benchmarks/bulk_stats.py [--managers 1000] [--deals 1000000] [--database-url URL]

Seeds the demo CRM (SQLite file by default), then times DemoConnector.all_manager_stats() and a
single aggregate query over the same tables, and prints both and their ratio. Prints numbers only;
it passes or fails nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import seed_demo
from bot.store.db import make_engine
from bot.store.migrations import upgrade

LOWER_BOUND_SQL = """
SELECT COALESCE(o.manager_id, o.id) AS manager,
       SUM(CASE WHEN d.status = 'open' THEN 1 ELSE 0 END),
       SUM(CASE WHEN d.status = 'open' THEN d.amount ELSE 0 END),
       SUM(CASE WHEN d.status = 'open' AND COALESCE(d.last_activity_at, d.created_at) < :stale
           THEN 1 ELSE 0 END),
       SUM(CASE WHEN d.status = 'open' AND (d.next_step IS NULL OR d.next_step = '') THEN 1 ELSE 0 END),
       SUM(CASE WHEN d.status = 'open' AND d.close_date < :today THEN 1 ELSE 0 END)
FROM demo_crm_deals d JOIN demo_crm_owners o ON o.id = d.owner_id
GROUP BY COALESCE(o.manager_id, o.id)
"""


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

        started = time.perf_counter()
        with engine.connect() as connection:
            rows = connection.execute(
                text(LOWER_BOUND_SQL), {"stale": now - timedelta(days=14), "today": now.date()}
            ).all()
        lower = time.perf_counter() - started

        started = time.perf_counter()
        stats = DemoConnector(engine).all_manager_stats(now=now)
        ours = time.perf_counter() - started

        print(f"hand-written GROUP BY (lower bound): {lower:.2f} s for {len(rows)} groups")
        print(
            f"all_manager_stats (+ activities, won/lost, attention): {ours:.2f} s for {len(stats)} managers"
        )
        print(f"ratio: {ours / lower:.2f}x the lower bound")
        engine.dispose()


if __name__ == "__main__":
    main()
