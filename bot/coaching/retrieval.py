"""BM25 retrieval over the lessons of one language, on tokens from analysis.py (stems, compound parts,
vocabulary concepts), scored against the lesson texts, their example questions and the topic descriptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bm25s

from bot.coaching.analysis import Analyzer
from bot.coaching.lessons import Lesson
from bot.coaching.metrics import holds, metric_value
from bot.coaching.vocabulary import Vocabulary
from bot.crm.base import ManagerStats
from bot.i18n import Language, t

# A lesson that addresses one of the asker's current gaps ranks a little higher among similar matches
# (the score adds three normalised parts, so a small factor is already a clear push).
GAP_BOOST = 1.1
# Lesson texts share much vocabulary ("next step" is everywhere); matching the question against each
# topic as a whole (its description, extra words from the vocabulary, its lessons' titles and example
# questions) as well says which topic it is about. Scores are normalised to 0..1 and added.
TOPIC_WEIGHT = 1.5
# The questions a lesson says it answers (`asked_as`) are worded like the questions managers type.
ASKED_AS_WEIGHT = 1.0


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

    def __init__(self, lessons: Sequence[Lesson], language: Language, *, vocabulary: Vocabulary) -> None:
        self.language = language
        self.lessons = list(lessons)
        self._topics = sorted({lesson.topic for lesson in self.lessons})
        topic_texts = [self._topic_text(topic, vocabulary) for topic in self._topics]
        documents = [self._document(lesson) for lesson in self.lessons]
        questions = [" ".join(lesson.asked_as) for lesson in self.lessons]
        self._analyzer = Analyzer(
            language, vocabulary=vocabulary, lexicon_texts=documents + questions + topic_texts
        )
        self._retriever = self._index(documents)
        self._asked_retriever = self._index(questions)
        self._topic_retriever = self._index(topic_texts)

    def search(self, question: str, *, k: int = 3, stats: ManagerStats | None = None) -> list[Hit]:
        """Best lessons first. Without any word in common, lessons for the asker's gaps come first."""
        if not self.lessons:
            return []
        tokens = self._analyzer.analyze_question(question)
        lesson_scores = _normalised(_scores(self._retriever, tokens, len(self.lessons)))
        asked_scores = _normalised(_scores(self._asked_retriever, tokens, len(self.lessons)))
        topic_scores = dict(
            zip(
                self._topics,
                _normalised(_scores(self._topic_retriever, tokens, len(self._topics))),
                strict=True,
            )
        )
        scores = [
            score + ASKED_AS_WEIGHT * asked + TOPIC_WEIGHT * topic_scores[lesson.topic]
            for lesson, score, asked in zip(self.lessons, lesson_scores, asked_scores, strict=True)
        ]
        hits = [
            Hit(lesson, score * (GAP_BOOST if gap else 1.0), gap)
            for lesson, score in zip(self.lessons, scores, strict=True)
            for gap in (addresses_gap(lesson, stats),)
        ]
        hits.sort(key=lambda hit: (-hit.score, not hit.addresses_gap, hit.lesson.level, hit.lesson.id))
        return hits[:k]

    def _index(self, corpus: list[str]) -> bm25s.BM25 | None:
        tokens = [self._analyzer.analyze(text) for text in corpus]
        if not any(tokens):
            return None
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=False)
        return retriever

    def _document(self, lesson: Lesson) -> str:
        # The title counts twice: it says what the lesson is about.
        return " ".join((lesson.title, lesson.title, lesson.practice, lesson.reflection, lesson.body))

    def _topic_text(self, topic: str, vocabulary: Vocabulary) -> str:
        mine = [lesson for lesson in self.lessons if lesson.topic == topic]
        return " ".join(
            (
                t(self.language, f"topics.{topic}"),
                *vocabulary.terms_for_topic(topic, self.language),
                *(lesson.title for lesson in mine),
                *(question for lesson in mine for question in lesson.asked_as),
            )
        )


def _scores(retriever: bm25s.BM25 | None, tokens: list[str], size: int) -> list[float]:
    if retriever is None or not tokens:
        return [0.0] * size
    return [float(score) for score in retriever.get_scores(tokens)]


def _normalised(scores: list[float]) -> list[float]:
    top = max(scores, default=0.0)
    return [score / top for score in scores] if top > 0 else scores
