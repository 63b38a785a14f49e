"""Character n-gram TF-IDF and cosine similarity: the channel that survives what word stems miss.

Managers type "pipline", "Abschlussterminen", "Forecastcall" or "gscheit"; stems and the compound splitter
meet such words only when they are spelled like the lessons. Overlapping 3- to 5-letter pieces of each word
("pip", "ipl", "pli", ...) still share most of their pieces with the intended word, in either language.
The index is an inverted list from n-gram to (document, weight): a question touches only its own n-grams.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from bot.coaching.analysis import words

SIZES = (3, 4, 5)
# A word is padded so its start and end are n-grams of their own ("<pi", "ne>"): those carry the most.
PAD = "<", ">"

Vector = dict[str, float]


def fold(word: str) -> str:
    """Lower case without diacritics, ß as ss: "Größe" and "groesse" differ, but "grosse" meets "größe"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def ngrams(text: str, *, keep: Callable[[str], bool] = lambda word: True) -> Counter[str]:
    """The 3- to 5-grams of every kept word of `text`, each word padded at both ends."""
    counts: Counter[str] = Counter()
    for word in words(text):
        if not keep(word):
            continue
        padded = PAD[0] + fold(word) + PAD[1]
        for size in SIZES:
            counts.update(padded[i : i + size] for i in range(len(padded) - size + 1))
    return counts


class NgramIndex:
    """TF-IDF vectors of short texts; similarity() is the cosine of a question with each of them."""

    def __init__(self, texts: Sequence[str], *, keep: Callable[[str], bool] = lambda word: True) -> None:
        self._keep = keep
        counts = [ngrams(text, keep=keep) for text in texts]
        documents = max(len(texts), 1)
        frequency: Counter[str] = Counter(gram for count in counts for gram in count)
        # Smoothed idf: a gram in every text still counts a little, an unseen one is ignored.
        self._idf = {gram: math.log((1 + documents) / (1 + df)) + 1.0 for gram, df in frequency.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for row, count in enumerate(counts):
            for gram, weight in _unit(self._weigh(count)).items():
                postings[gram].append((row, weight))
        self._postings = {
            gram: (np.array([row for row, _ in entries]), np.array([weight for _, weight in entries]))
            for gram, entries in postings.items()
        }
        self.size = len(texts)

    def similarity(self, text: str) -> npt.NDArray[np.float64]:
        """Cosine (0..1) between `text` and every indexed text, in index order."""
        scores = np.zeros(self.size)
        query = _unit(self._weigh(ngrams(text, keep=self._keep)))
        for gram, weight in query.items():
            posting = self._postings.get(gram)
            if posting is not None:
                scores[posting[0]] += weight * posting[1]
        return scores

    def _weigh(self, count: Counter[str]) -> Vector:
        # Sublinear term frequency: a long text repeating a gram is not that much more about it.
        return {gram: (1 + math.log(n)) * idf for gram, n in count.items() if (idf := self._idf.get(gram))}


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {gram: weight / norm for gram, weight in vector.items()} if norm > 0 else {}


def pooled(scores: npt.NDArray[np.float64], groups: Iterable[int], size: int) -> npt.NDArray[np.float64]:
    """Each group's best score: exemplar similarities pooled into one per lesson (or per topic)."""
    best = np.zeros(size)
    np.maximum.at(best, np.fromiter(groups, dtype=int), scores)
    return best
