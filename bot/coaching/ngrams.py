"""Character n-gram TF-IDF and cosine similarity: the channel that survives what word stems miss.

Managers type "pipline", "Abschlussterminen", "Forecastcall" or "gscheit"; stems and the compound splitter
meet such words only when they are spelled like the lessons. Overlapping 3- to 5-letter pieces of each word
("pip", "ipl", "pli", ...) still share most of their pieces with the intended word, in either language.
The index is an inverted list from n-gram to (text, weight), one array slice per n-gram: a question
touches only its own n-grams.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import numpy as np
import numpy.typing as npt

from bot.coaching.analysis import words

SIZES = (3, 4, 5)
# A word is padded so its start and end are n-grams of their own ("<pi", "ne>"): those carry the most.
PAD = "<", ">"

Scores = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Without:
    """Keeps the words not in `words`: a `keep` test that can be pickled (the built coach is cached on disk,
    see coach_cache.py), which a lambda cannot."""

    words: frozenset[str] = frozenset()

    def __call__(self, word: str) -> bool:
        return word not in self.words


EVERY_WORD = Without()


def fold(word: str) -> str:
    """Lower case without diacritics, ß as ss: "grosskunden" meets "Großkunden", "fur" meets "für"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=16384)
def word_ngrams(word: str) -> tuple[str, ...]:
    padded = PAD[0] + fold(word) + PAD[1]
    return tuple(padded[i : i + size] for size in SIZES for i in range(len(padded) - size + 1))


def ngrams(text: str, *, keep: Callable[[str], bool] = EVERY_WORD) -> Counter[str]:
    """The 3- to 5-grams of every kept word of `text`, each word padded at both ends."""
    # One Counter over the chained pieces counts them in the same order as a loop of update() calls.
    return Counter(chain.from_iterable(word_ngrams(word) for word in words(text) if keep(word)))


class NgramIndex:
    """TF-IDF vectors of short texts; similarity() is the cosine of a question with each of them."""

    def __init__(self, texts: Sequence[str], *, keep: Callable[[str], bool] = EVERY_WORD) -> None:
        self._keep = keep
        self.size = len(texts)
        grams: list[str] = []
        frequencies: list[int] = []
        per_text: list[int] = []
        for text in texts:
            counts = ngrams(text, keep=keep)
            grams += counts.keys()
            frequencies += counts.values()
            per_text.append(len(counts))
        # Ids in order of first appearance; the lookups run in C, not in a Python loop per gram.
        self._ids: dict[str, int] = {gram: index for index, gram in enumerate(dict.fromkeys(grams))}
        ids = np.fromiter(map(self._ids.__getitem__, grams), dtype=np.int64, count=len(grams))
        rows_array = np.repeat(np.arange(self.size, dtype=np.int64), per_text)
        # Smoothed idf: a gram in every text still counts a little; sublinear tf: a text repeating a
        # gram is not that much more about it.
        in_texts = np.bincount(ids, minlength=len(self._ids))
        self._idf = np.log((1 + self.size) / (1 + in_texts)) + 1.0
        weights = (1 + np.log(np.array(frequencies, dtype=np.float64))) * self._idf[ids]
        norms = np.sqrt(np.bincount(rows_array, weights=weights * weights, minlength=self.size))
        weights /= norms[rows_array]
        order = np.argsort(ids, kind="stable")
        self._rows = rows_array[order]
        self._weights = weights[order]
        self._starts = np.searchsorted(ids[order], np.arange(len(self._ids) + 1))

    def similarity(self, text: str) -> Scores:
        """Cosine (0..1) between `text` and every indexed text, in index order."""
        scores = np.zeros(self.size)
        known = [
            (index, (1 + math.log(count)) * float(self._idf[index]))
            for gram, count in ngrams(text, keep=self._keep).items()
            if (index := self._ids.get(gram)) is not None
        ]
        norm = math.sqrt(sum(weight * weight for _, weight in known))
        for index, weight in known:
            start, end = self._starts[index], self._starts[index + 1]
            scores[self._rows[start:end]] += (weight / norm) * self._weights[start:end]
        return scores


def pooled(scores: Scores, groups: Iterable[int], size: int) -> Scores:
    """Each group's best score: exemplar similarities pooled into one per lesson."""
    best = np.zeros(size)
    np.maximum.at(best, np.fromiter(groups, dtype=np.int64), scores)
    return best
