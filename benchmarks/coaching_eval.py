"""Coaching quality on a labelled set of manager questions, through the real `crmcoach ask` CLI.

    .venv/bin/python benchmarks/coaching_eval.py [--split dev|test|all] [--batch N] [--ids P] [--skip-ids P]
        [--show-misses]

Seeds the demo CRM into a throwaway SQLite database, then asks every question of
benchmarks/coaching_eval/questions.yaml in-process, exactly as an admin would type it:
`crmcoach ask TEXT --json --offline --user EMAIL --locale PROFILE [--after-lesson ID]`, as one demo
manager whose numbers are non-zero for every metric. Tune on `dev`; report `test` only. `--batch 6`
keeps one numbering block (en-6xxx, de-6xxx), `--ids PREFIX` ids with that prefix, `--skip-ids PREFIX` leaves
out ids with that prefix (`--skip-ids en-7 --skip-ids de-7` keeps a held-out batch unscored); all combine
with --split.

Per split and language it prints: kind accuracy, answer language, top-1/top-3 topic and top-1 lesson
(coaching questions), the first numbers line on the asked metric, the goal on the asked metric, goals
handed to controls/off-topic/gibberish/hostile messages (should be 0), and whether German text from a
user with an English Slack profile is answered in German. A CLI error or a missing JSON field counts as
wrong. Figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml
from coaching_eval_checks import CHECKS, FAMILY_METRICS, TOP_K, Check, Item, Reply

import bot.container
from bot.cli import main as crmcoach
from bot.coaching.coach import Coach
from bot.config import Settings
from bot.crm.base import ManagerStats
from bot.crm.demo import DemoConnector
from bot.crm.demo_seed import demo_manager_email, seed_anchor, seed_demo
from bot.store.db import make_engine
from bot.store.migrations import ensure_schema

QUESTIONS = Path(__file__).parent / "coaching_eval" / "questions.yaml"
DEMO_MANAGERS = 3
SEED = 42
LANGUAGES = ("en", "de")
# Every one of these must be non-zero for the chosen manager, so each question has a number to show.
DEAL_COUNTS = ("open_deals", "open_value", "stale_deals", "deals_without_next_step", "overdue_close_dates")
REQUIRED_NONZERO = (
    *DEAL_COUNTS,
    *(f"own_{name}" for name in DEAL_COUNTS),
    *FAMILY_METRICS["activities"],
    *FAMILY_METRICS["won_lost"],
)


def load_items(path: Path = QUESTIONS) -> list[Item]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Item(
            id=entry["id"],
            split=entry["split"],
            text=entry["text"],
            language=entry["language"],
            profile=entry["profile"],
            kind=entry["kind"],
            topic=entry.get("topic"),
            lessons=tuple(entry.get("lessons") or ()),
            metric=entry.get("metric"),
            scope=entry.get("scope"),
            after_lesson=entry.get("after_lesson"),
        )
        for entry in raw
    ]


def selected(
    item: Item, prefixes: list[str] | None, batch: str | None, skipped: list[str] | None = None
) -> bool:
    in_batch = batch is None or re.fullmatch(rf"(en|de)-{re.escape(batch)}\d{{3}}", item.id) is not None
    if skipped and item.id.startswith(tuple(skipped)):
        return False
    return in_batch and (not prefixes or item.id.startswith(tuple(prefixes)))


def seed(database_url: str) -> tuple[str, ManagerStats, datetime]:
    """Seed the demo CRM and pick the first demo manager with every metric non-zero.

    The CLI reads the real clock, so the data is anchored to today (08:00 UTC): stale deals, overdue
    dates and last week's activities then come out the same on every day the benchmark runs.
    """
    as_of = seed_anchor(datetime.now(UTC))
    engine = make_engine(database_url)
    try:
        ensure_schema(engine)
        seed_demo(engine, managers=DEMO_MANAGERS, seed=SEED, as_of=as_of)
        crm = DemoConnector(engine)
        candidates = []
        for index in range(DEMO_MANAGERS):
            owner = crm.find_owner_by_email(demo_manager_email(index))
            if owner is not None:
                stats = crm.manager_stats(owner.crm_id, now=datetime.now(UTC))
                candidates.append((demo_manager_email(index), stats))
    finally:
        engine.dispose()

    def nonzero(candidate: tuple[str, ManagerStats]) -> int:
        return sum(1 for name in REQUIRED_NONZERO if getattr(candidate[1], name))

    email, stats = max(candidates, key=nonzero)  # max keeps the first of equals: deterministic
    return email, stats, as_of


class _CurrentStderr(logging.Handler):
    """Log to whatever sys.stderr is now, so each question's log lines are captured with it."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")


def build_coach_once() -> None:
    """Let every `crmcoach ask` reuse the first Coach, as the long-running bot does.

    Each CLI process loads and indexes the whole lesson library; doing that for every question would
    spend most of the run parsing the same files. The settings are the same for every call, so the
    answers are identical; `--fresh-coach` turns this off.
    """
    build = getattr(bot.container, "build_coach", None)
    if build is None:  # the container no longer builds it this way: run every question fresh
        return
    built: list[Coach] = []

    def once(settings: Settings) -> Coach:
        if not built:
            built.append(build(settings))
        return built[0]

    bot.container.build_coach = once


def ask(item: Item, email: str) -> Reply:
    argv = ["ask", item.text, "--json", "--offline", "--user", email, "--locale", item.profile]
    if item.after_lesson:
        argv += ["--after-lesson", item.after_lesson]
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = crmcoach(argv)
    except SystemExit as exit_:  # argparse rejects an option this version does not know
        code = exit_.code if isinstance(exit_.code, int) else 2
    except Exception as exc:  # a crash is a wrong answer, not the end of the benchmark
        return Reply({}, f"{type(exc).__name__}: {exc}")
    if code != 0:
        lines = err.getvalue().strip().splitlines()
        return Reply({}, f"exit {code}: {lines[-1] if lines else 'no message'}")
    try:
        data = json.loads(out.getvalue())
    except json.JSONDecodeError:
        return Reply({}, f"not JSON: {out.getvalue()[:80]!r}")
    return Reply(data if isinstance(data, dict) else {}, None if isinstance(data, dict) else "not an object")


def _ratio(passed: int, total: int) -> str:
    return "–" if total == 0 else f"{passed}/{total} {100 * passed / total:.0f}%"


def _tally(check: Check, results: list[tuple[Item, Reply]]) -> tuple[int, int]:
    applicable = [(item, reply) for item, reply in results if check.applies(item, reply)]
    return sum(1 for item, reply in applicable if check.passes(item, reply)), len(applicable)


def report(split: str, results: list[tuple[Item, Reply]]) -> str:
    """Print one split's table; return its one-line summary."""
    by_language = {language: [r for r in results if r[0].language == language] for language in LANGUAGES}
    columns = [*LANGUAGES, "all"]
    groups = [*by_language.values(), results]
    print(f"\n== {split}: {len(results)} questions ==")
    print(f"{'':32}" + "".join(f"{column:>16}" for column in columns))
    print(f"{'questions':32}" + "".join(f"{len(group):>16}" for group in groups))
    for check in CHECKS:
        cells = [_ratio(*_tally(check, group)) for group in groups]
        print(f"{check.name:32}" + "".join(f"{cell:>16}" for cell in cells))
    no_goal = next(check for check in CHECKS if check.name.startswith("no goal"))
    kept, total = _tally(no_goal, results)
    print(f"{'violations (goal where none)':32}{total - kept:>16}")
    return _summary(split, results, by_language, violations=total - kept)


def _percent(check_name: str, results: list[tuple[Item, Reply]]) -> str:
    check = next(check for check in CHECKS if check.name == check_name)
    passed, total = _tally(check, results)
    return "–" if total == 0 else f"{100 * passed / total:.0f}%"


def _summary(
    split: str,
    results: list[tuple[Item, Reply]],
    by_language: dict[str, list[tuple[Item, Reply]]],
    *,
    violations: int,
) -> str:
    def per_language(name: str) -> str:
        return " ".join(f"{language} {_percent(name, group)}" for language, group in by_language.items())

    goal_check = next(check for check in CHECKS if check.name == "goal on asked metric")
    goals = _tally(goal_check, results)[1]
    return (
        f"coaching eval {split} (n={len(results)}): kind {_percent('kind', results)}, "
        f"language {_percent('answer language', results)}, "
        f"topic@1 {per_language('topic top-1')}, topic@{TOP_K} {per_language(f'topic top-{TOP_K}')}, "
        f"lesson@1 {_percent('lesson top-1 acceptable', results)}, "
        f"numbers on metric {_percent('numbers on asked metric', results)}, "
        f"goal on metric {_percent('goal on asked metric', results)} of {goals} goals, "
        f"violations {violations}, "
        f"de-from-en-profile in de {_percent('de text, en profile -> de', results)}, "
        f"CLI errors {sum(1 for _, reply in results if reply.error)}"
    )


def show_misses(results: list[tuple[Item, Reply]]) -> None:
    print("\n== misses ==")
    for item, reply in results:
        for check in CHECKS:
            if check.applies(item, reply) and not check.passes(item, reply):
                print(f"{item.split} {item.id} [{check.name}] {check.shows(item, reply)} | {item.text}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--batch", metavar="DIGIT", help="only the 4-digit id block, e.g. 6 for en-6001…")
    parser.add_argument("--ids", metavar="PREFIX", action="append", help="only ids with this prefix")
    parser.add_argument(
        "--skip-ids", metavar="PREFIX", action="append", help="leave out ids with this prefix"
    )
    parser.add_argument("--show-misses", action="store_true", help="list every question a check missed")
    parser.add_argument("--fresh-coach", action="store_true", help="build the coach anew for every question")
    args = parser.parse_args()
    items = [
        item
        for item in load_items()
        if args.split in ("all", item.split) and selected(item, args.ids, args.batch, args.skip_ids)
    ]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crmcoach-eval-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'eval.db'}"
        # The CLI reads its settings from the environment, as it would in a shell.
        os.environ.update(DATABASE_URL=database_url, CRM_CONNECTOR="demo", LOG_LEVEL="WARNING")
        email, stats, as_of = seed(database_url)
        if not args.fresh_coach:
            build_coach_once()
        root = logging.getLogger()
        root.addHandler(_CurrentStderr())  # keeps the CLI's logging.basicConfig from binding one buffer
        root.setLevel(logging.WARNING)
        print(
            f"demo CRM seeded (seed {SEED}, as_of {as_of:%Y-%m-%d %H:%M} UTC); asking as {email}: "
            + ", ".join(f"{name} {getattr(stats, name)}" for name in REQUIRED_NONZERO)
        )
        results = [(item, ask(item, email)) for item in items]
    seconds = time.perf_counter() - started
    splits = ["dev", "test"] if args.split == "all" else [args.split]
    summaries = [report(split, [r for r in results if r[0].split == split]) for split in splits]
    if args.show_misses:
        show_misses(results)
    each = 1000 * seconds / max(len(results), 1)
    print(f"\n{len(results)} questions in {seconds:.1f} s ({each:.0f} ms each)")
    for summary in summaries:
        print(summary)


if __name__ == "__main__":
    main()
