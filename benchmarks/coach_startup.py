"""How long a new process waits for the offline Coach: built from the files vs. loaded from the disk cache.

    .venv/bin/python benchmarks/coach_startup.py [--rounds 5] [--before DIR]

Each measurement is a fresh Python process (as every `crmcoach` command, web and worker process is):
- shared_coach() without a cache (the build), with an empty cache (build + write) and with a warm one
  (load), timed inside the process, and the language models' warm-up alone (the part no cache holds);
- `crmcoach ask "…" --offline` end to end (wall clock and CPU of the whole command), with the cache
  turned off and with a warm cache.
`--before DIR` also times the build and `crmcoach ask` of another source tree (e.g. an older commit:
`git archive c58cea2 | tar -x -C /tmp/before`), run from DIR on the same installed libraries.
Medians over the rounds; CPU seconds beside wall seconds because a busy machine stretches the wall clock.
The cache lives in a temporary folder; nothing else is touched. Prints numbers and ratios only.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"
QUESTION = "half of my team's deals have no next step, what do I do?"

# Prints the seconds shared_coach() took inside the process (the interpreter's start and imports aside).
COACH = """
import sys, time
from pathlib import Path
from bot.coaching.coach_cache import CoachCache
from bot.coaching.shared import shared_coach
cache = CoachCache(Path(sys.argv[1])) if len(sys.argv) > 1 else None
started = time.perf_counter()
shared_coach(cache=cache)
print(time.perf_counter() - started)
"""
BUILD_ONLY = """
import time
from bot.coaching.shared import shared_coach
started = time.perf_counter()
shared_coach()
print(time.perf_counter() - started)
"""
LANGUAGE_MODELS = """
import time
from bot.coaching.language import warm_up
started = time.perf_counter()
warm_up()
print(time.perf_counter() - started)
"""


def run(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def inside(script: str, *args: str, env: dict[str, str], cwd: Path = ROOT) -> float:
    return float(run([sys.executable, "-c", script, *args], env, cwd)[2].strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another source tree to time the same way")
    args = parser.parse_args()
    rounds = range(args.rounds)
    with tempfile.TemporaryDirectory(prefix="crmcoach-startup-") as folder:
        cache = Path(folder) / "cache"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(folder) / 'ask.db'}", "LOG_LEVEL": "WARNING"}
        env.pop("CRMCOACH_COACH_CACHE", None)
        build = median([inside(COACH, env=env) for _ in rounds])
        first = []
        for round_ in rounds:
            first.append(inside(COACH, str(cache / f"empty-{round_}"), env=env))
        warm_folder = cache / "empty-0"  # written by the first round above
        load = median([inside(COACH, str(warm_folder), env=env) for _ in rounds])
        models = median([inside(LANGUAGE_MODELS, env=env) for _ in rounds])
        ask = [sys.executable, "-c", CLI, "ask", QUESTION, "--offline"]  # what bin/crmcoach runs
        run(ask, {**env, "CRMCOACH_COACH_CACHE": "false"})  # creates the database once, outside the timing
        cold_runs = [run(ask, {**env, "CRMCOACH_COACH_CACHE": "false"}) for _ in rounds]
        warm_env = {**env, "CRMCOACH_COACH_CACHE": "true", "CRMCOACH_CACHE_DIR": str(warm_folder)}
        warm_runs = [run(ask, warm_env) for _ in rounds]
        size = sum(path.stat().st_size for path in warm_folder.iterdir()) / 1e6
        before = _before(args.before, ask, env, rounds) if args.before else None

    cold_wall, cold_cpu = median([r[0] for r in cold_runs]), median([r[1] for r in cold_runs])
    warm_wall, warm_cpu = median([r[0] for r in warm_runs]), median([r[1] for r in warm_runs])
    print(f"rounds: {args.rounds} (medians), cache file: {size:.1f} MB")
    print(f"shared_coach(), no cache (build)            {build:6.2f} s")
    print(f"shared_coach(), empty cache (build + write) {median(first):6.2f} s")
    print(f"shared_coach(), warm cache (load)           {load:6.2f} s")
    print(f"  of which language models (not cacheable)  {models:6.2f} s")
    print(f"build / load                                {build / load:6.1f}x")
    print(f"crmcoach ask, cache off   wall {cold_wall:6.2f} s   CPU {cold_cpu:6.2f} s")
    print(f"crmcoach ask, warm cache  wall {warm_wall:6.2f} s   CPU {warm_cpu:6.2f} s")
    print(f"crmcoach ask off / warm   wall {cold_wall / warm_wall:6.1f}x   CPU {cold_cpu / warm_cpu:6.1f}x")
    if before is not None:
        old_build, old_wall, old_cpu = before
        print(f"before: shared_coach() (build)              {old_build:6.2f} s")
        print(f"before: crmcoach ask      wall {old_wall:6.2f} s   CPU {old_cpu:6.2f} s")
        print(f"before build / now load                     {old_build / load:6.1f}x")
        print(f"before / now build                          {old_build / build:6.1f}x")
        print(
            f"crmcoach ask before / warm wall {old_wall / warm_wall:5.1f}x   CPU {old_cpu / warm_cpu:6.1f}x"
        )


def _before(tree: Path, ask: list[str], env: dict[str, str], rounds: range) -> tuple[float, float, float]:
    """(build s, ask wall s, ask CPU s) of the source tree `tree`, imported ahead of the installed one."""
    tree = tree.resolve()
    old_env = {**env, "PYTHONPATH": str(tree)}
    build = median([inside(BUILD_ONLY, env=old_env, cwd=tree) for _ in rounds])
    old_env["DATABASE_URL"] = env["DATABASE_URL"].replace("ask.db", "ask-before.db")
    run(ask, old_env, tree)  # its database schema, outside the timing
    runs = [run(ask, old_env, tree) for _ in rounds]
    return build, median([r[0] for r in runs]), median([r[1] for r in runs])


if __name__ == "__main__":
    main()
