"""Message kinds on the labelled coaching eval set: accuracy per split and language, and violations.

A violation is an off-topic, hostile, gibberish or control message that would get a lesson with a goal
(classified as coaching and naming the work, `MessageClassifier.goal_evidence`). Tune on dev only (the
default split); `--errors` lists the misclassified dev messages; `--split test` (or all) only to report.

    .venv/bin/python benchmarks/message_kinds.py [--errors] [--split dev|test|all] [--set NAME]

`--set kinds_dev` scores the blind development set in coaching_eval/kinds_dev.yaml (all of it is dev).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval_sets import SETS

from bot.coaching.kinds import MessageClassifier
from bot.coaching.lessons import LessonLibrary

NO_GOAL_KINDS = {"off_topic", "hostile", "gibberish", "controls"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true", help="print the misclassified dev messages")
    parser.add_argument("--set", choices=sorted(SETS), default="questions", dest="eval_set")
    parser.add_argument("--file", type=Path, help="another file in the same format")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    args = parser.parse_args()
    items = [
        item
        for item in yaml.safe_load((args.file or SETS[args.eval_set]).read_text(encoding="utf-8"))
        if args.split == "all" or item["split"] == args.split
    ]
    started = time.perf_counter()
    classifier = MessageClassifier.for_library(LessonLibrary.load())
    print(f"classifier ready in {time.perf_counter() - started:.2f} s")
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    violations: Counter[str] = Counter()
    confusion: Counter[tuple[str, str, str]] = Counter()
    started = time.perf_counter()
    for item in items:
        result = classifier.classify(item["text"], reflection_pending=bool(item.get("after_lesson")))
        key = (item["split"], item["language"])
        total[key] += 1
        if result.kind == item["kind"]:
            right[key] += 1
        else:
            confusion[(item["split"], item["kind"], result.kind)] += 1
            if args.errors and item["split"] == "dev":
                print(f"  {item['id']}: {item['kind']} -> {result.kind} ({result.reason}): {item['text']!r}")
        goal = result.kind == "coaching" and classifier.goal_evidence(item["text"]) is not None
        if item["kind"] in NO_GOAL_KINDS and goal:
            violations[item["split"]] += 1
    per_message = (time.perf_counter() - started) / max(len(items), 1)
    for split in ("dev", "test"):
        for language in ("en", "de"):
            n = total[(split, language)]
            if n:
                share = right[(split, language)] / n
                print(f"{split:4} {language}: kind {right[(split, language)]}/{n} = {share:.1%}")
        n = sum(v for (s, _), v in total.items() if s == split)
        r = sum(v for (s, _), v in right.items() if s == split)
        if n:
            print(f"{split:4} all: kind {r}/{n} = {r / n:.1%}, violations {violations[split]}")
    print(f"{per_message * 1000:.2f} ms per message")
    for (split, want, got), count in sorted(confusion.items()):
        print(f"  {split}: {want} -> {got}: {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
