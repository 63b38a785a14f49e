"""What a container pays for the offline Coach: a first build in a process vs. the shared one after it.

    .venv/bin/python benchmarks/coach_build.py [--rounds 5]

Prints CPU seconds for the first build (language models and dictionaries included), for a rebuild of
the lessons and indexes (what every `crmcoach` command and container paid before bot/coaching/shared.py),
and for shared_coach() once built (a hash of prompts/lessons), with the ratio. Prints numbers only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bot.coaching.coach import Coach
from bot.coaching.lessons import LessonLibrary
from bot.coaching.shared import shared_coach


def cpu_seconds(build: Callable[[], object]) -> float:
    started = time.process_time()
    build()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    first = cpu_seconds(shared_coach)
    rebuild = statistics.median(
        cpu_seconds(lambda: Coach(library=LessonLibrary.load())) for _ in range(args.rounds)
    )
    shared = statistics.median(cpu_seconds(shared_coach) for _ in range(args.rounds))
    print(f"first build in a process (CPU s): {first:.2f}")
    print(f"rebuild, lessons and indexes (CPU s): {rebuild:.3f}")
    print(f"shared_coach() once built (CPU s): {shared:.4f}")
    print(f"rebuild / shared: {rebuild / shared:.0f}x")


if __name__ == "__main__":
    main()
