"""Lesson retrieval over the lessons of one language. Five channels, each 0..1, added:
- BM25 on tokens from analysis.py (stems, compound parts, vocabulary concepts) over the lesson texts,
  over each lesson's example questions (`asked_as`), and over each topic as a whole;
- character n-gram cosine against every example question and title on its own, the best one counting
  for its lesson: typos, inflections, German compounds and Denglisch that stems miss still match, and
  every new phrasing a lesson gains is one more exemplar to be near;
- a topic prior (topic_prior.py): naive Bayes over the same example questions and titles, labelled with
  their lesson's topic, says how much more one topic uses the question's words than the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
import numpy.typing as npt

from bot.coaching.analysis import Analyzer
from bot.coaching.lessons import Lesson
from bot.coaching.metrics import holds, metric_value
from bot.coaching.ngrams import NgramIndex, Without, pooled
from bot.coaching.topic_prior import TopicPrior
from bot.coaching.vocabulary import Vocabulary
from bot.crm.base import ManagerStats
from bot.i18n import Language, t

Scores = npt.NDArray[np.float64]

# A lesson that addresses one of the asker's current gaps wins a near tie, no more: most lessons'
# triggers hold for most managers (51 of 63 for a typical one), so a bigger push mostly buried the
# dozen lessons without a trigger (1.1 cost 2 questions per language on dev, 1.01 none).
GAP_BOOST = 1.01
# Lesson texts share much vocabulary ("next step" is everywhere); matching the question against each
# topic as a whole (its description, extra words from the vocabulary, its lessons' titles and example
# questions) as well says which topic it is about. A quarter of the lesson text's weight: BM25's idf over
# twelve topic texts rates a word in one or two of them ("myself") far above one in six, and the topic
# prior below weighs words by topic better (1.5 -> 0.75: dev and the training-question CV up in both
# languages; 0.75 -> 0.25: batches 11-17 each left out of the eval-dev training, up in both languages,
# benchmarks/retrieval_weights.md).
TOPIC_WEIGHT = 0.25
# The questions a lesson says it answers (`asked_as`) are worded like the questions managers type.
ASKED_AS_WEIGHT = 1.0
# The nearest example question by letter n-grams (cosine, 0..1 on its own scale: unlike max-normalised
# BM25, a lone weak match stays weak).
NGRAM_WEIGHT = 1.0
# How sure the topic classifier (topic_prior.py, trained on the example questions) is, relative to its
# favourite topic: words that one topic uses far more than the others ("slip", "friday") tip the scale.
TOPIC_PRIOR_WEIGHT = 1.0


# The lessons offered with an answer come from this many different topics: a question's words often
# fit a neighbouring topic's lesson a little better, and the lessons after the first are the
# alternatives (listed with the answer, context for the LLM); three lessons of one topic offer none.
DISTINCT_TOPICS = 3


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
        topics = sorted({lesson.topic for lesson in self.lessons})
        self._topic_of = np.array([topics.index(lesson.topic) for lesson in self.lessons], dtype=int)
        topic_texts = [self._topic_text(topic, vocabulary) for topic in topics]
        documents = [self._document(lesson) for lesson in self.lessons]
        questions = [question for lesson in self.lessons for question in lesson.asked_as]
        self._analyzer = Analyzer(
            language, vocabulary=vocabulary, lexicon_texts=documents + questions + topic_texts
        )
        # Each example question analysed once: its tokens train the topic prior, and a lesson's together
        # are its document for the asked_as channel. Training questions (never shown) are exemplars for
        # the n-grams and the prior only: as BM25 text they made dev worse (benchmarks/coaching_eval/).
        exemplars = [
            (row, text, self._analyzer.analyze(text))
            for row, lesson in enumerate(self.lessons)
            for text in (lesson.title, *lesson.asked_as, *lesson.training)
        ]
        asked_tokens: list[list[str]] = [[] for _ in self.lessons]
        first = 0
        for row, lesson in enumerate(self.lessons):  # each lesson's exemplars: title, asked_as, training
            for _, _, tokens in exemplars[first + 1 : first + 1 + len(lesson.asked_as)]:
                asked_tokens[row] += tokens
            first += 1 + len(lesson.asked_as) + len(lesson.training)
        self._retriever = self._index([self._analyzer.analyze(text) for text in documents])
        self._asked_retriever = self._index(asked_tokens)
        self._topic_retriever = self._index([self._analyzer.analyze(text) for text in topic_texts])
        self._exemplar_lesson = np.array([row for row, _, _ in exemplars], dtype=int)
        self._ngrams = NgramIndex(
            [text for _, text, _ in exemplars], keep=Without(frozenset(self._analyzer.stopwords))
        )
        self._topic_prior = TopicPrior(
            [(int(self._topic_of[row]), tokens) for row, _, tokens in exemplars], len(topics)
        )

    def search(self, question: str, *, k: int = 3, stats: ManagerStats | None = None) -> list[Hit]:
        """Best lessons first. Without any word in common, lessons for the asker's gaps come first."""
        if not self.lessons:
            return []
        scores = self.scores(question)
        hits = [
            Hit(lesson, float(score) * (GAP_BOOST if gap else 1.0), gap)
            for lesson, score in zip(self.lessons, scores, strict=True)
            for gap in (addresses_gap(lesson, stats),)
        ]
        hits.sort(key=lambda hit: (-hit.score, not hit.addresses_gap, hit.lesson.level, hit.lesson.id))
        return hits[:k]

    def scores(self, question: str) -> Scores:
        """Each lesson's match with the question, before the gap boost, in index order."""
        tokens = self._analyzer.analyze_question(question)
        size = len(self.lessons)
        lesson_text = _normalised(_bm25(self._retriever, tokens, size))
        asked = _normalised(_bm25(self._asked_retriever, tokens, size))
        topic = _normalised(_bm25(self._topic_retriever, tokens, int(self._topic_of.max()) + 1))
        lexical: Scores = lesson_text + ASKED_AS_WEIGHT * asked + TOPIC_WEIGHT * topic[self._topic_of]
        if not lexical.any():
            # Any two texts share a few letter triples: n-grams re-rank what the words found, they never
            # make a match alone (so "asdf jkl" still finds nothing and the asker's gaps decide).
            return lexical
        nearest = pooled(self._ngrams.similarity(question), self._exemplar_lesson, size)
        prior = self._topic_prior.probabilities(tokens)
        topic_prior: Scores = (prior / prior.max())[self._topic_of]
        return lexical + NGRAM_WEIGHT * nearest + TOPIC_PRIOR_WEIGHT * topic_prior

    def _index(self, corpus: list[list[str]]) -> bm25s.BM25 | None:
        if not any(corpus):
            return None
        retriever = bm25s.BM25()
        retriever.index(corpus, show_progress=False)
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


def distinct_topics_first(hits: list[Hit], *, count: int = DISTINCT_TOPICS) -> list[Hit]:
    """The best matching lesson of each of the `count` best topics first, then the rest in order."""
    leaders: dict[str, Hit] = {}
    for hit in hits:
        if len(leaders) == count or hit.score <= 0:
            break
        leaders.setdefault(hit.lesson.topic, hit)
    first = list(leaders.values())
    return first + [hit for hit in hits if hit not in first]


def _bm25(retriever: bm25s.BM25 | None, tokens: list[str], size: int) -> Scores:
    if retriever is None or not tokens:
        return np.zeros(size)
    return np.asarray(retriever.get_scores(tokens), dtype=np.float64)


def _normalised(scores: Scores) -> Scores:
    top = float(scores.max(initial=0.0))
    return scores / top if top > 0 else scores
