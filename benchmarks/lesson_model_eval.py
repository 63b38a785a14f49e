"""Experiment: a discriminative lesson model (linear SVM over TF-IDF) as one more retrieval channel.
Findings: benchmarks/lesson_model.md. The coach does NOT use it, and scikit-learn is not a dependency.

    .venv/bin/pip install 'scikit-learn>=1.5'
    .venv/bin/python benchmarks/lesson_model_eval.py [MODEL OPTIONS] --split dev --skip-ids en-8 ...
    .venv/bin/python benchmarks/lesson_model_eval.py [MODEL OPTIONS] --cv [--folds 5]
    .venv/bin/python benchmarks/lesson_model_eval.py [MODEL OPTIONS] --timing

The model is trained, per language, on every exemplar the index already has (each lesson's title,
asked_as and training questions), labelled with the lesson (`--label lesson`) or its topic (`--label
topic`). Features: the analyzer's tokens (stems, German compound parts, vocabulary concepts) and the
3- to 5-letter n-grams of the non-stopwords, TF-IDF (sublinear tf), one-vs-rest linear SVM. Its channel
is softmax(decision / T) divided by its maximum (`--output max`) or the decision values rescaled to 0..1
(`--output minmax`), per lesson (a topic's value goes to each of its lessons), times `--weight`, added
to LessonIndex.scores. `--no-prior` sets the naive Bayes topic prior's weight to 0.

Without --cv or --timing, benchmarks/coaching_eval.py runs in-process with the channel patched in; every
argument the model options do not take is passed on to it (`--weight 0` is the coach as it is).
`--cv` holds out every k-th training question of each lesson in turn, builds the index and the model
without them, and prints the topic top-1/top-3 and lesson top-1 of the held-out questions through
LessonIndex.scores (no focus metric, no gap boost), with and without the channel, and the model alone.
`--timing` prints the model's build time per language and the channel's cost per question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).parent))

import coaching_eval

from bot.coaching import retrieval
from bot.coaching.lessons import LessonLibrary
from bot.coaching.ngrams import ngrams
from bot.coaching.vocabulary import Vocabulary
from bot.i18n import Language

Scores = retrieval.Scores


@dataclass(frozen=True, slots=True)
class Options:
    label: str = "lesson"
    c: float = 0.3
    temperature: float = 0.1
    output: str = "max"
    weight: float = 0.25
    no_prior: bool = False


class LessonModel:
    """One language's linear SVM over the exemplars of a built LessonIndex."""

    def __init__(self, index: retrieval.LessonIndex, options: Options) -> None:
        self.index = index
        self.options = options
        examples = [
            (row, text)
            for row, lesson in enumerate(index.lessons)
            for text in (lesson.title, *lesson.asked_as, *lesson.training)
        ]
        labels = np.array([self._label(row) for row, _ in examples])
        self._vectorizer = DictVectorizer()
        self._tfidf = TfidfTransformer(sublinear_tf=True)
        matrix = self._tfidf.fit_transform(
            self._vectorizer.fit_transform([self._features(text, question=False) for _, text in examples])
        )
        self._svm = LinearSVC(C=options.c).fit(matrix, labels)
        self._size = int(index._topic_of.max()) + 1 if options.label == "topic" else len(index.lessons)

    def _label(self, row: int) -> int:
        return int(self.index._topic_of[row]) if self.options.label == "topic" else row

    def _features(self, text: str, *, question: bool) -> Counter[str]:
        analyzer = self.index._analyzer
        tokens = analyzer.analyze_question(text) if question else analyzer.analyze(text)
        features: Counter[str] = Counter("t:" + token for token in tokens)
        stopwords = analyzer.stopwords
        for gram, count in ngrams(text, keep=lambda word: word not in stopwords).items():
            features["g:" + gram] += count
        return features

    def channel(self, question: str) -> Scores:
        """0..1 per lesson, in index order."""
        matrix = self._tfidf.transform(self._vectorizer.transform([self._features(question, question=True)]))
        decision = np.asarray(self._svm.decision_function(matrix)[0], dtype=np.float64)
        values = np.zeros(self._size)
        if self.options.output == "minmax":
            spread = max(float(decision.max() - decision.min()), 1e-9)
            values[self._svm.classes_] = (decision - decision.min()) / spread
        else:
            weights = np.exp((decision - decision.max()) / self.options.temperature)
            values[self._svm.classes_] = weights / weights.max()
        return values[self.index._topic_of] if self.options.label == "topic" else values


def patch(options: Options) -> dict[int, LessonModel]:
    """LessonIndex.scores with the model's channel added; the models by index, built on first use."""
    original = retrieval.LessonIndex.scores
    models: dict[int, LessonModel] = {}
    if options.no_prior:
        retrieval.TOPIC_PRIOR_WEIGHT = 0.0

    def scores(self: retrieval.LessonIndex, question: str) -> Scores:
        lexical = original(self, question)
        if options.weight == 0 or not lexical.any():  # as the channels it joins: re-ranks, never finds
            return lexical
        model = models.get(id(self))
        if model is None:
            model = models[id(self)] = LessonModel(self, options)
        return lexical + options.weight * model.channel(question)

    retrieval.LessonIndex.scores = scores  # type: ignore[method-assign]
    return models


# --- cross-validation over the training questions -----------------------------------------------------
Held = list[tuple[str, str, str]]  # (topic, lesson id, question)


def folds(library: LessonLibrary, language: Language, count: int) -> list[tuple[retrieval.LessonIndex, Held]]:
    vocabulary = Vocabulary.load()
    lessons = library.in_language(language)
    result = []
    for fold in range(count):
        kept = [
            replace(lesson, training=tuple(q for i, q in enumerate(lesson.training) if i % count != fold))
            for lesson in lessons
        ]
        held = [
            (lesson.topic, lesson.id, q)
            for lesson in lessons
            for i, q in enumerate(lesson.training)
            if i % count == fold
        ]
        result.append((retrieval.LessonIndex(kept, language, vocabulary=vocabulary), held))
    return result


def first_topics(index: retrieval.LessonIndex, scores: Scores, count: int = 3) -> list[str]:
    found: list[str] = []
    for row in np.argsort(-scores, kind="stable"):
        if (topic := index.lessons[int(row)].topic) not in found:
            found.append(topic)
        if len(found) == count:
            break
    return found


def cross_validate(
    splits: list[tuple[retrieval.LessonIndex, Held]],
    score: Callable[[retrieval.LessonIndex, LessonModel, str], Scores],
    options: Options,
) -> str:
    top1 = top3 = lesson1 = total = 0
    for index, held in splits:
        model = LessonModel(index, options)
        for topic, lesson_id, question in held:
            scores = score(index, model, question)
            topics = first_topics(index, scores)
            total += 1
            top1 += topics[:1] == [topic]
            top3 += topic in topics
            lesson1 += index.lessons[int(np.argmax(scores))].id == lesson_id
    return (
        f"topic@1 {top1 / total:.3f}  topic@3 {top3 / total:.3f}  lesson@1 {lesson1 / total:.3f}  (n={total})"
    )


def run_cv(options: Options, count: int) -> None:
    library = LessonLibrary.load()
    prior_weight = retrieval.TOPIC_PRIOR_WEIGHT
    for language in ("en", "de"):
        splits = folds(library, language, count)

        def lexical(index: retrieval.LessonIndex, model: LessonModel, question: str) -> Scores:
            return index.scores(question)

        def combined(index: retrieval.LessonIndex, model: LessonModel, question: str) -> Scores:
            scores = index.scores(question)
            return scores + options.weight * model.channel(question) if scores.any() else scores

        def alone(index: retrieval.LessonIndex, model: LessonModel, question: str) -> Scores:
            return model.channel(question)

        retrieval.TOPIC_PRIOR_WEIGHT = prior_weight
        print(f"{language} coach as it is        {cross_validate(splits, lexical, options)}", flush=True)
        retrieval.TOPIC_PRIOR_WEIGHT = 0.0 if options.no_prior else prior_weight
        print(f"{language} with the model        {cross_validate(splits, combined, options)}", flush=True)
        print(f"{language} the model alone       {cross_validate(splits, alone, options)}", flush=True)


def run_timing(options: Options) -> None:
    library = LessonLibrary.load()
    vocabulary = Vocabulary.load()
    for language in ("en", "de"):
        index = retrieval.LessonIndex(library.in_language(language), language, vocabulary=vocabulary)
        started = time.perf_counter()
        model = LessonModel(index, options)
        built = time.perf_counter() - started
        questions = [lesson.asked_as[0] for lesson in index.lessons if lesson.asked_as]
        costs = []
        for question in questions * 3:
            started = time.perf_counter()
            model.channel(question)
            costs.append(1000 * (time.perf_counter() - started))
        print(
            f"{language}: model built in {built:.2f} s; channel p50 {statistics.median(costs):.2f} ms, "
            f"max {max(costs):.2f} ms over {len(costs)} questions"
        )


def parse(argv: Sequence[str]) -> tuple[Options, argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", choices=["lesson", "topic"], default="lesson")
    parser.add_argument("--c", type=float, default=0.3, help="the SVM's C (less: more regularised)")
    parser.add_argument("--temperature", type=float, default=0.1)
    parser.add_argument("--output", choices=["max", "minmax"], default="max")
    parser.add_argument("--weight", type=float, default=0.25)
    parser.add_argument("--no-prior", action="store_true", help="the naive Bayes topic prior's weight 0")
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--timing", action="store_true")
    args, rest = parser.parse_known_args(argv)
    options = Options(args.label, args.c, args.temperature, args.output, args.weight, args.no_prior)
    return options, args, rest


def main() -> None:
    options, args, rest = parse(sys.argv[1:])
    print(f"lesson model: {options}", flush=True)
    if args.timing:
        run_timing(options)
    elif args.cv:
        run_cv(options, args.folds)
    else:
        patch(options)
        sys.argv = [sys.argv[0], *rest]
        coaching_eval.main()


if __name__ == "__main__":
    main()
