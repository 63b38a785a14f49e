"""Cross-validation of the asked-metric model and its gates (bot/coaching/asked_model.py).

    .venv/bin/python benchmarks/asked_model.py [--folds 5]

On the messages benchmarks/metric_examples.py writes (questions.yaml dev halves but batch 19,
metric_blind16, metric_blind18 dev; every fold also learns from metric_written.yaml, never scored), each
held-out fold is read by the rules alone and by the rules with the model of the other folds behind each
pair of gates. Prints, per gate pair: messages whose first family is the
labelled one (none: no reading), fixed and broken against the rules, false positives (a family read in
a message labelled none) and of those the ones the model invented in batches 15-18 (the rules read
none). Then the model alone, and how long one fit takes. Figures only.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter

import yaml
from metric_examples import SOURCES, WRITTEN, labelled

from bot.coaching import asked_model
from bot.coaching.asked import family_of, read_all
from bot.coaching.asked_model import NONE, Gates, decided
from bot.coaching.kind_model import KindModel, Prediction

NEW = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 2.0)
ARBITER = (0.0, 0.1, 0.2, 0.3, 0.5, 2.0)
VETO = (0.6, 0.7, 0.8, 0.85, 0.9, 0.95)  # swept with the arbiter off
OFF = Gates(new=2.0, arbiter=2.0)
SHIPPED = asked_model.GATES
QUESTIONS = SOURCES[0]
BATCH_19 = r"(?:en|de)-19\d{3}"
RECENT = re.compile(r"(?:en|de)-1[5-8]\d{3}")  # batches 15-18: where invented families are counted
Item = tuple[str, str, str, str, str]  # source, id, language, message, label


def out_of_fold(items: list[Item], folds: int) -> tuple[list[Prediction], float]:
    """Each message's prediction by the model of the other folds, and the seconds one fit takes."""
    order = list(range(len(items)))
    random.Random(9).shuffle(order)
    found: dict[int, Prediction] = {}
    written: dict[str, list[str]] = yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))
    always = [(text, family) for family, texts in written.items() for text in texts]  # never scored
    started = time.perf_counter()
    for fold in range(folds):
        held = set(order[fold::folds])
        model = KindModel([(item[3], item[4]) for at, item in enumerate(items) if at not in held] + always)
        found |= {at: model.predict(items[at][3]) for at in held}
    return [found[at] for at in range(len(items))], (time.perf_counter() - started) / folds


def vetoed(read: list[str], prediction: Prediction, gates: Gates) -> str | None:
    """NONE where asked_model.arbitrated sets the rules' families aside, else None (no say)."""
    sure = bool(read) and prediction.kind == NONE and prediction.score >= gates.veto
    return NONE if sure else None


def invented_in(pattern: str) -> str:
    """Of the dev messages labelled none of a questions.yaml batch, those the shipped model gives a
    family the rules do not read (the rules' own false positives are not counted)."""
    batch = re.compile(pattern)
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    chosen = [
        item
        for item in items
        if item["split"] == "dev" and not item["metric"] and batch.fullmatch(str(item["id"]))
    ]
    found = 0
    for item in chosen:
        asked_model.GATES = OFF
        rules = read_all(item["text"], item["language"])
        asked_model.GATES = SHIPPED
        found += not rules and bool(read_all(item["text"], item["language"]))
    return f"{found}/{len(chosen)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    items: list[Item] = [(source.stem, *item) for source in SOURCES for item in labelled(source)]
    asked_model.GATES = OFF  # the rules alone
    rules = [[family_of(r.metric) or "" for r in read_all(item[3], item[2])] for item in items]
    predictions, per_fit = out_of_fold(items, args.folds)
    labels = [item[4] for item in items]
    before = [read[0] if read else NONE for read in rules]
    rules_right = sum(map(str.__eq__, before, labels))
    rules_false = sum(first != NONE and label == NONE for first, label in zip(before, labels, strict=True))
    print(f"{len(items)} messages, {args.folds} folds; {Counter(labels).most_common()}")
    print(f"rules alone: {rules_right} right, false positives {rules_false}")
    print("new   arbiter veto  right  fixed broken  false-pos  invented  (right by source)")
    for new in NEW:
        pairs = [(arbiter, 2.0) for arbiter in ARBITER] + [(2.0, veto) for veto in VETO]
        for arbiter, veto in pairs:
            gates = Gates(new=new, arbiter=arbiter, veto=veto)
            after = [
                vetoed(read, prediction, gates) or decided(read, prediction, gates) or first
                for read, prediction, first in zip(rules, predictions, before, strict=True)
            ]
            rows = list(zip(items, before, after, labels, strict=True))
            right = [got == label for _, _, got, label in rows]
            fixed = sum(got == label != first for _, first, got, label in rows)
            broken = sum(first == label != got for _, first, got, label in rows)
            false = sum(got != NONE and label == NONE for _, _, got, label in rows)
            invented = sum(
                got != first == label == NONE and RECENT.fullmatch(item[1]) is not None
                for item, first, got, label in rows
            )
            by_source = dict(Counter(item[0] for item, hit in zip(items, right, strict=True) if hit))
            print(
                f"{new:<5} {arbiter:<8} {veto:<5} {sum(right):<6} {fixed:<5} {broken:<7}",
                f"{false:<10} {invented:<9}",
                by_source,
            )
    alone = sum(prediction.kind == label for prediction, label in zip(predictions, labels, strict=True))
    print(f"model alone: {alone}/{len(items)} right; one fit {per_fit:.2f} s")
    print(
        f"shipped gates {SHIPPED}: families invented in dev messages labelled none:",
        f"batches 15-18 (trained on) {invented_in(RECENT.pattern)},",
        f"batch 19 (held out) {invented_in(BATCH_19)}",
    )


if __name__ == "__main__":
    main()
