"""A kind model learned from example messages: where the term lists have no rule, it still has a view.

Nearest centroid over TF-IDF vectors (Rocchio): each kind is the normalised mean of its examples' vectors,
a message gets the kind whose mean it is closest to (cosine). Features are the words, word pairs and
the 3- to 5-letter pieces of each word (typos and German compounds keep most of their pieces), plus the
message's length and whether it asks. Training is closed-form (one pass, no iterations), so the model is
built when the coach starts, from the data files, and its decisions can be traced to the examples.

    prompts/kinds/training/*.yaml     kind -> list of example messages, any language (coaching: boundary
                                      cases; the lessons' asked_as and training questions are coaching too)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from bot.coaching.analysis import words
from bot.coaching.ngrams import fold, word_ngrams
from bot.coaching.training import YAML_LOADER, entry_problems, read_mapping
from bot.paths import PROMPTS_DIR

log = logging.getLogger(__name__)

TRAINING_DIR = PROMPTS_DIR / "kinds" / "training"
DIGIT = re.compile(r"\d")
# Length matters: a numbers request is three words, a coaching question twelve.
LENGTH_BUCKETS = (1, 2, 3, 4, 6, 9, 13)
MIN_KINDS = 2

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Prediction:
    kind: str
    score: float  # cosine with the kind's centroid
    margin: float  # how far ahead of the runner-up
    runner_up: str

    def summary(self) -> str:
        """'numbers 0.27, coaching 0.15': the kind and the runner-up, with their scores."""
        return f"{self.kind} {self.score:.2f}, {self.runner_up} {self.score - self.margin:.2f}"


@lru_cache(maxsize=32768)
def word_features(word: str) -> tuple[str, ...]:
    """The word itself and its letter pieces."""
    return ("w:" + fold(word), *word_ngrams(word))


def message_features(text: str, found: Sequence[str]) -> list[str]:
    """What the words alone do not show: word pairs, length, the first word, a question mark, a digit."""
    result = [f"b:{first} {second}" for first, second in pairwise(found)]
    bucket = next((size for size in LENGTH_BUCKETS if len(found) <= size), LENGTH_BUCKETS[-1] + 1)
    result.append(f"len:{bucket}")
    if found:
        result.append("first:" + found[0])
    if "?" in text:
        result.append("?")
    if DIGIT.search(text):
        result.append("digit")
    return result


class KindModel:
    """Built from (message, kind) examples; predict() is read-only and thread-safe."""

    def __init__(self, examples: Sequence[tuple[str, str]]) -> None:
        self.kinds = tuple(sorted({kind for _, kind in examples}))
        if len(self.kinds) < MIN_KINDS:  # a model with one kind has no runner-up to be ahead of
            raise ValueError(f"a kind model needs examples of {MIN_KINDS} kinds, got {list(self.kinds)}")
        self._ids: dict[str, int] = {}
        self._word_ids: dict[str, Ids] = {}  # the training words' feature ids, built once per word
        per_row = [self._ids_of(text, grow=True) for text, _ in examples]
        size, count = len(examples), len(self._ids)
        rows = np.repeat(np.arange(size), [len(ids) for ids in per_row])
        # repeated (row, feature) pairs become one entry with its count
        keys, counts = np.unique(rows * count + np.concatenate(per_row), return_counts=True)
        row_of, column_of = keys // count, keys % count
        # smoothed idf; sublinear tf: a message repeating a word is not much more about it
        in_rows = np.bincount(column_of, minlength=count)
        self._idf = np.log((1 + size) / (1 + in_rows)) + 1.0
        weights = (1 + np.log(counts)) * self._idf[column_of]
        norms = np.sqrt(np.bincount(row_of, weights=weights * weights, minlength=size))
        weights /= norms[row_of]
        labels = np.array([self.kinds.index(kind) for _, kind in examples])[row_of]
        centroids = np.zeros((len(self.kinds), count))
        for index in range(len(self.kinds)):
            chosen = labels == index
            centroids[index] = np.bincount(column_of[chosen], weights=weights[chosen], minlength=count)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        self._centroids = centroids

    def _ids_of(self, text: str, *, grow: bool) -> Ids:
        found = [word.casefold() for word in words(text)]
        parts = [self._ids_of_word(word, grow=grow) for word in found]
        parts.append(self._ids_of_features(message_features(text, found), grow=grow))
        return np.concatenate(parts)

    def _ids_of_word(self, word: str, *, grow: bool) -> Ids:
        if (known := self._word_ids.get(word)) is not None:
            return known
        ids = self._ids_of_features(word_features(word), grow=grow)
        if grow:
            self._word_ids[word] = ids
        return ids

    def _ids_of_features(self, found: Sequence[str], *, grow: bool) -> Ids:
        """The ids of `found`; a feature no example had is new when training, else left out."""
        ids = self._ids
        if grow:
            return np.array([ids.setdefault(feature, len(ids)) for feature in found], dtype=np.int64)
        return np.array([ids[feature] for feature in found if feature in ids], dtype=np.int64)

    def predict(self, text: str) -> Prediction:
        ids, counts = np.unique(self._ids_of(text, grow=False), return_counts=True)
        weights = (1 + np.log(counts)) * self._idf[ids]
        norm = float(np.linalg.norm(weights))
        scores = self._centroids[:, ids] @ (weights / norm if norm else weights)
        first, second = np.argsort(-scores)[:2]
        return Prediction(
            kind=self.kinds[first],
            score=float(scores[first]),
            margin=float(scores[first] - scores[second]),
            runner_up=self.kinds[second],
        )


def load_examples(path: Path, kinds: Collection[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(message, kind) pairs from one training file and every problem found ('file: what')."""
    text, unreadable = read_mapping(path, "kind", "merge its messages into one list")
    if unreadable:
        return [], unreadable
    try:
        data = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        return [], [f"{path}: not readable as UTF-8 YAML ({exc})"]
    if not isinstance(data, dict):
        return [], [f"{path}: must map each kind to a list of messages"]
    examples: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[str] = set()  # a repeat is one in the whole file, whatever its kind
    for kind, messages in data.items():
        if kind not in kinds:
            problems.append(f"{path}: unknown kind '{kind}' (one of {', '.join(sorted(kinds))})")
            continue
        problems += [
            f"{path}: kind '{kind}': {problem}" for problem in entry_problems(messages, "message", seen)
        ]
        if isinstance(messages, list):  # the readable ones still teach the model
            examples += [(m.strip(), str(kind)) for m in messages if isinstance(m, str) and m.strip()]
    return examples, problems


def training_examples(
    lesson_questions: Iterable[str], kinds: Collection[str], folder: Path = TRAINING_DIR
) -> tuple[list[tuple[str, str]], list[str]]:
    """The kind files' examples (every language) with the lessons' questions as coaching, and problems."""
    examples = [(question, "coaching") for question in lesson_questions]
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        found, wrong = load_examples(path, kinds)
        examples += found
        problems += wrong
    return examples, problems


def trained_model(lesson_questions: Iterable[str], kinds: Collection[str]) -> KindModel | None:
    """The model from the training files, or None (the rules decide alone) when they cannot make one.

    A broken file must not stop the coach: its problems are logged (`crmcoach lessons check` fails on
    them), and the readable examples still train the model."""
    examples, problems = training_examples(lesson_questions, kinds)
    for problem in problems:
        log.warning("kind training: %s", problem)
    if len({kind for _, kind in examples}) < MIN_KINDS:
        log.warning("kind training: examples of fewer than %d kinds, so no model", MIN_KINDS)
        return None
    return KindModel(examples)


def training_problems(kinds: Collection[str], folder: Path = TRAINING_DIR) -> list[str]:
    """Every problem in the training files, and too few kinds to learn from, for `lessons check`."""
    examples, problems = training_examples((), kinds, folder)
    if len({kind for _, kind in examples}) < MIN_KINDS:
        problems.append(f"{folder}: examples of fewer than {MIN_KINDS} kinds, the model cannot learn")
    return problems
