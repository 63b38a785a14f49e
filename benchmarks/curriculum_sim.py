"""The curriculum over a grid of synthetic managers × 8 weeks, plus the three demo personas.

Runs the real planner and composer (bot/delivery/simulation.py) against scripted CRM numbers in a
throwaway SQLite database and prints the figures issue 10 asks for. Usage:

    .venv/bin/python benchmarks/curriculum_sim.py [--profiles 240] [--weeks 8]
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.coaching.coach import Coach
from bot.coaching.lessons import LessonLibrary
from bot.config import Settings
from bot.container import build_container
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import demo_manager_email, seed_demo
from bot.delivery.sim_figures import run_grid
from bot.delivery.simulation import BEHAVIOURS, synthetic_profiles
from bot.store.db import make_engine
from bot.store.migrations import ensure_schema

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=240)
    parser.add_argument("--weeks", type=int, default=8)
    args = parser.parse_args()
    logging.getLogger("bot").setLevel(logging.WARNING)
    coach = Coach(library=LessonLibrary.load())
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'grid.db'}"
        container = build_container(Settings(_env_file=None, database_url=url), answers=coach)  # type: ignore[call-arg]
        ensure_schema(container.engine)
        started = time.perf_counter()
        _, grid = run_grid(
            delivery=container.delivery,
            profiles=synthetic_profiles(args.profiles, now=START),
            behaviours=BEHAVIOURS,
            start=START,
            weeks=args.weeks,
        )
        seconds = time.perf_counter() - started
        print(f"Grid: {args.profiles} synthetic profiles × {args.weeks} weeks ({seconds:.1f} s)")
        for line in grid.lines():
            print("  " + line)
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'personas.db'}"
        engine = make_engine(url)
        ensure_schema(engine)
        seed_demo(engine, as_of=START)
        demo = DemoConnector(engine)
        personas = []
        for index in range(3):
            owner = demo.find_owner_by_email(demo_manager_email(index))
            assert owner is not None
            personas.append(demo.manager_stats(owner.crm_id, now=START))
        container = build_container(Settings(_env_file=None, database_url=url), engine=engine, answers=coach)  # type: ignore[call-arg]
        _, persona = run_grid(
            delivery=container.delivery,
            profiles=personas,
            behaviours=("done", "ignore", "snooze"),
            start=START,
            weeks=args.weeks,
        )
        print(f"Personas (demo managers: does every task, ignores everything, snoozes) × {args.weeks} weeks")
        for line in persona.lines():
            print("  " + line)


if __name__ == "__main__":
    main()
