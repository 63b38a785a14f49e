"""BM25 retrieval over the lessons of one language (bm25s + Snowball stemming)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import Stemmer

from bot.coaching.lessons import Lesson
from bot.coaching.metrics import holds, metric_value
from bot.crm.base import ManagerStats
from bot.i18n import Language, t

STEMMER_NAMES: dict[Language, str] = {"en": "english", "de": "german"}
# bm25s' plain English list has 33 words; "en_plus" also drops how/my/do…, which otherwise dominate.
STOPWORDS: dict[Language, str] = {"en": "en_plus", "de": "de"}
# A lesson that addresses one of the asker's current gaps ranks a little higher among similar matches.
GAP_BOOST = 1.25
# Lesson texts share much vocabulary ("next step" is everywhere); matching the question against short
# topic descriptions as well says which topic it is about. Scores are normalised to 0..1 and added.
TOPIC_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class Hit:
    lesson: Lesson
    score: float
    addresses_gap: bool


def addresses_gap(lesson: Lesson, stats: ManagerStats | None) -> bool:
    """True when every trigger of the lesson holds for these numbers."""
    if stats is None or not lesson.triggers:
        return False
    return all(holds(metric_value(stats, c.metric), c.comparison, c.value) for c in lesson.triggers)


class LessonIndex:
    """Built once per language at start-up; search() is read-only and thread-safe."""

    def __init__(self, lessons: Sequence[Lesson], language: Language) -> None:
        self.language = language
        self.lessons = list(lessons)
        self._stemmer = Stemmer.Stemmer(STEMMER_NAMES[language])
        corpus = [self._document(lesson) for lesson in self.lessons]
        self._retriever = self._index(corpus)
        self._topics = sorted({lesson.topic for lesson in self.lessons})
        self._topic_retriever = self._index([t(language, f"topics.{topic}") for topic in self._topics])

    def search(self, question: str, *, k: int = 3, stats: ManagerStats | None = None) -> list[Hit]:
        """Best lessons first. Without any word in common, lessons for the asker's gaps come first."""
        if not self.lessons:
            return []
        lesson_scores = _normalised(self._scores(self._retriever, question, len(self.lessons)))
        topic_scores = dict(
            zip(
                self._topics,
                _normalised(self._scores(self._topic_retriever, question, len(self._topics))),
                strict=True,
            )
        )
        scores = [
            score + TOPIC_WEIGHT * topic_scores[lesson.topic]
            for lesson, score in zip(self.lessons, lesson_scores, strict=True)
        ]
        hits = [
            Hit(lesson, score * (GAP_BOOST if gap else 1.0), gap)
            for lesson, score in zip(self.lessons, scores, strict=True)
            for gap in (addresses_gap(lesson, stats),)
        ]
        hits.sort(key=lambda hit: (-hit.score, not hit.addresses_gap, hit.lesson.level, hit.lesson.id))
        return hits[:k]

    def _index(self, corpus: list[str]) -> bm25s.BM25:
        retriever = bm25s.BM25()
        if corpus:
            retriever.index(self._tokenize(corpus), show_progress=False)
        return retriever

    def _scores(self, retriever: bm25s.BM25, question: str, size: int) -> list[float]:
        tokens = self._tokenize([question])
        if not tokens.vocab or not size:
            return [0.0] * size
        documents, scores = retriever.retrieve(tokens, k=size, show_progress=False)
        by_index = {int(doc): float(score) for doc, score in zip(documents[0], scores[0], strict=True)}
        return [by_index.get(index, 0.0) for index in range(size)]

    def _tokenize(self, texts: list[str]) -> bm25s.tokenization.Tokenized:
        return bm25s.tokenize(
            texts, stopwords=STOPWORDS[self.language], stemmer=self._stemmer, show_progress=False
        )

    def _document(self, lesson: Lesson) -> str:
        # The title counts twice: it says what the lesson is about.
        return " ".join((lesson.title, lesson.title, lesson.practice, lesson.reflection, lesson.body))


def _normalised(scores: list[float]) -> list[float]:
    top = max(scores, default=0.0)
    return [score / top for score in scores] if top > 0 else scores
