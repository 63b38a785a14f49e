"""The kind model on its own training data: 5-fold cross-validation, per kind and language.

Each example is classified by a model trained without its fold: the model alone, the rules alone, and the
rules with the model (what the coach does). The kind files were written without looking at the rules, so
the rules' score on them is a second view of how they do on wordings nobody tuned them on. Also prints
the model's build time and cost per message.

    .venv/bin/python benchmarks/kind_model.py [--folds 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.coaching.kind_model import TRAINING_DIR, KindModel, load_examples, training_examples
from bot.coaching.kinds import KINDS, MessageClassifier
from bot.coaching.lessons import LessonLibrary

WAYS = ("model", "rules", "rules+model")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    library = LessonLibrary.load()
    questions = [(q, x.language) for x in library.lessons for q in (*x.asked_as, *x.training)]
    labelled = [(text, "coaching", language) for text, language in questions]
    for path in sorted(TRAINING_DIR.glob("*.yaml")):
        labelled += [(text, kind, path.stem.split("_")[0]) for text, kind in load_examples(path, KINDS)[0]]
    examples, problems = training_examples((q for q, _ in questions), KINDS)
    for problem in problems:
        print("problem:", problem)
    started = time.perf_counter()
    model = KindModel(examples)
    print(f"{len(examples)} examples, model built in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    for text, _, _ in labelled[:2000]:
        model.predict(text)
    print(f"{(time.perf_counter() - started) / 2:.3f} ms per message (model alone)")

    classifier = MessageClassifier.for_library(library)
    order = list(range(len(labelled)))
    random.Random(7).shuffle(order)
    right: Counter[tuple[str, str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for fold in range(args.folds):
        held = set(order[fold :: args.folds])
        classifier.model = KindModel([(t, k) for i, (t, k, _) in enumerate(labelled) if i not in held])
        for index in held:
            text, kind, language = labelled[index]
            total[(kind, language)] += 1
            right[("model", kind, language)] += classifier.model.predict(text).kind == kind
            with_model = classifier.classify(text)
            right[("rules+model", kind, language)] += with_model.kind == kind
            if with_model.reason.startswith("model:"):
                rules_only = with_model.reason.split("(rules: ", 1)[1]
                right[("rules", kind, language)] += _ruled_kind(classifier, text, rules_only) == kind
            else:
                right[("rules", kind, language)] += with_model.kind == kind
    print(f"{'kind':11} {'lang':4} {'n':>5}  " + "  ".join(f"{way:>11}" for way in WAYS))
    for kind in KINDS:
        for language in ("en", "de"):
            n = total[(kind, language)]
            if n:
                shares = "  ".join(f"{right[(way, kind, language)] / n:11.1%}" for way in WAYS)
                print(f"{kind:11} {language:4} {n:5}  {shares}")
    for language in ("en", "de"):
        n = sum(v for (_, lang), v in total.items() if lang == language)
        shares = "  ".join(
            f"{sum(v for (w, _, lang), v in right.items() if w == way and lang == language) / n:11.1%}"
            for way in WAYS
        )
        print(f"{'all':11} {language:4} {n:5}  {shares}")
    return 0


def _ruled_kind(classifier: MessageClassifier, text: str, reason: str) -> str:
    """The kind the rules had decided before the model overruled them."""
    model, classifier.model = classifier.model, None
    try:
        return classifier.classify(text).kind
    finally:
        classifier.model = model


if __name__ == "__main__":
    raise SystemExit(main())
