"""Which topic a question is about, learnt from the lessons' own example questions (naive Bayes).

BM25 and the n-gram channel score each lesson by the words it shares with the question; a word that
many topics use ("deal", "team") counts wherever it appears. A multinomial naive Bayes model trained on
the `asked_as` questions and titles of every lesson, labelled with the lesson's topic, weighs each word
by how much more one topic uses it than the others ("friday" → personal-crm, "slip" → forecasting).
Trained on the lesson files only, at index build (a few milliseconds), on the same analyzer tokens the
search uses, so compound parts, stems and vocabulary concepts count here too. Deterministic: counts only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Scores = npt.NDArray[np.float64]

# Additive (Laplace) smoothing: a word a topic never used still leaves it a chance.
SMOOTHING = 1.0
# Naive Bayes multiplies every word's evidence as if the words were independent, which makes it far too
# sure of itself; flattening the log-odds keeps the runner-up topics in play.
TEMPERATURE = 0.3


class TopicPrior:
    """Built once per language; probabilities() is read-only."""

    def __init__(
        self,
        examples: Sequence[tuple[int, Sequence[str]]],
        topics: int,
        *,
        smoothing: float = SMOOTHING,
        temperature: float = TEMPERATURE,
    ) -> None:
        """`examples` are (topic number, tokens) pairs; `topics` is how many topics there are."""
        self.topics = topics
        self._temperature = temperature
        self._ids: dict[str, int] = {}
        for _, tokens in examples:
            for token in tokens:
                self._ids.setdefault(token, len(self._ids))
        counts = np.zeros((topics, len(self._ids)))
        for topic, tokens in examples:
            np.add.at(counts[topic], [self._ids[token] for token in tokens], 1.0)
        smoothed = counts + smoothing
        self._log_likelihood = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))

    def probabilities(self, tokens: Sequence[str]) -> Scores:
        """P(topic | tokens) for every topic; uniform when no token was seen in training."""
        known = [index for token in tokens if (index := self._ids.get(token)) is not None]
        if not known or not self.topics:
            return np.full(self.topics, 1.0 / max(self.topics, 1))
        log_odds = self._log_likelihood[:, known].sum(axis=1)
        weights = np.exp((log_odds - log_odds.max()) * self._temperature)
        return np.asarray(weights / weights.sum(), dtype=np.float64)
