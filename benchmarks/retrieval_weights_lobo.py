"""Tune the lesson picker's channel weights by leaving one eval batch out at a time.

    .venv/bin/python benchmarks/retrieval_weights_lobo.py [--batch N ...]
        [--setting "TOPIC_WEIGHT=0.5,NGRAM_WEIGHT=1.25" ...]

The eval-dev training file (benchmarks/eval_dev_training.py) holds the dev halves of batches 1-18, so
a batch's dev figures are memory, not a measure. For each batch B (default 11..18) this writes the
eval-dev files again without B and 19 (`--hold-out B --hold-out 19`), scores B's dev half through the
real `crmcoach ask` path (as benchmarks/coaching_eval.py does) once per setting, and sums the passes
over the batches. A setting overrides module constants of bot/coaching/retrieval.py (read at search
time, so no rebuild is needed); the current constants are always scored first, as "baseline".
`--batch 19` scores the held-out batch's dev half with the committed files (held out: 19 only).
The eval-dev files are written back as committed (`--hold-out 19`) at the end, whatever happens.
Only `split: dev` items are ever asked.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
from collections import defaultdict
from pathlib import Path

import coaching_eval as ce
import eval_dev_training as edt
from coaching_eval_checks import CHECKS, TOP_K

from bot.coaching import retrieval

HELD_OUT = "19"
DEFAULT_BATCHES = [str(batch) for batch in range(11, 19)]
TUNABLE = ("TOPIC_WEIGHT", "ASKED_AS_WEIGHT", "NGRAM_WEIGHT", "TOPIC_PRIOR_WEIGHT", "GAP_BOOST")
# (check name, language or "all") columns of the summary table
COLUMNS = (
    ("topic top-1", "en"),
    ("topic top-1", "de"),
    (f"topic top-{TOP_K}", "en"),
    (f"topic top-{TOP_K}", "de"),
    ("lesson top-1 acceptable", "all"),
    ("kind", "all"),
    ("numbers on asked metric", "all"),
    ("goal on asked metric", "all"),
    ("no goal for control/off-topic", "all"),
)
Tally = dict[tuple[str, str], list[int]]  # (check, language) -> [passed, total]


def parse_setting(text: str) -> dict[str, float]:
    setting: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, value = part.split("=")
        if name.strip() not in TUNABLE:
            raise SystemExit(f"unknown constant {name!r}; tunable: {', '.join(TUNABLE)}")
        setting[name.strip()] = float(value)
    return setting


def label(setting: dict[str, float]) -> str:
    return ", ".join(f"{name}={value:g}" for name, value in setting.items()) or "baseline"


def write_eval_dev(held_out: set[str]) -> None:
    for language, per_lesson in sorted(edt.dev_questions(held_out).items()):
        edt.write(language, per_lesson, held_out)


def tally(results: list[tuple[ce.Item, ce.Reply]]) -> Tally:
    counts: Tally = defaultdict(lambda: [0, 0])
    for check in CHECKS:
        for item, reply in results:
            if check.applies(item, reply):
                passed = int(check.passes(item, reply))
                for language in (item.language, "all"):
                    counts[check.name, language][0] += passed
                    counts[check.name, language][1] += 1
    return counts


def score(batch: str, email: str, settings: list[dict[str, float]]) -> list[Tally]:
    """B's dev half under each setting, with the eval-dev files written without B and 19."""
    write_eval_dev({batch, HELD_OUT})
    items = [item for item in ce.load_items() if item.split == "dev" and ce.selected(item, None, batch)]
    defaults = {name: getattr(retrieval, name) for name in TUNABLE}
    tallies = []
    try:
        for setting in settings:
            for name, value in {**defaults, **setting}.items():
                setattr(retrieval, name, value)
            tallies.append(tally([(item, ce.ask(item, email)) for item in items]))
            print(f"  batch {batch} {label(setting)}: {cells(tallies[-1])}", flush=True)
    finally:
        for name, value in defaults.items():
            setattr(retrieval, name, value)
    return tallies


def cells(counts: Tally) -> str:
    return "  ".join(f"{counts[key][0]}/{counts[key][1]}" for key in COLUMNS)


def summed(per_batch: list[list[Tally]], index: int) -> Tally:
    total: Tally = defaultdict(lambda: [0, 0])
    for tallies in per_batch:
        for key, (passed, count) in tallies[index].items():
            total[key][0] += passed
            total[key][1] += count
    return total


def verdict(base: Tally, other: Tally) -> str:
    """Kept only if topic top-1 rises in both languages and top-3 falls in neither."""
    rises = all(other["topic top-1", lang][0] > base["topic top-1", lang][0] for lang in ("en", "de"))
    holds = all(
        other[f"topic top-{TOP_K}", lang][0] >= base[f"topic top-{TOP_K}", lang][0] for lang in ("en", "de")
    )
    return "keep" if rises and holds else "no"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--batch", action="append", metavar="N", help="batch to leave out and score")
    parser.add_argument("--setting", action="append", default=[], help="NAME=VALUE[,NAME=VALUE]")
    args = parser.parse_args()
    batches = args.batch or DEFAULT_BATCHES
    settings = [{}, *(parse_setting(text) for text in args.setting)]
    logging.getLogger().setLevel(logging.WARNING)
    per_batch: list[list[Tally]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="crmcoach-lobo-") as folder:
            database_url = f"sqlite:///{Path(folder) / 'eval.db'}"
            os.environ.update(DATABASE_URL=database_url, CRM_CONNECTOR="demo", LOG_LEVEL="WARNING")
            email, _, _ = ce.seed(database_url)
            root = logging.getLogger()
            root.addHandler(ce._CurrentStderr())
            for batch in batches:
                per_batch.append(score(batch, email, settings))
    finally:
        write_eval_dev({HELD_OUT})
    names = "  ".join(f"{name} {language}" for name, language in COLUMNS)
    print(f"\n== summed over batches {', '.join(batches)} (dev halves, each left out) ==\ncolumns: {names}")
    base = summed(per_batch, 0)
    for index, setting in enumerate(settings):
        total = summed(per_batch, index)
        mark = "" if index == 0 else f"  [{verdict(base, total)}]"
        print(f"{label(setting):45} {cells(total)}{mark}")


if __name__ == "__main__":
    main()
