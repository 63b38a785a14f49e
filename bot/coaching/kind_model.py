"""A kind model learned from example messages: where the term lists have no rule, it still has a view.

Multinomial logistic regression over TF-IDF vectors: one weight per kind and feature, learned so that
the examples' kinds are as probable as they can be (softmax.py). Unlike a mean of each kind's examples, it
learns which features tell kinds apart, so each extra boundary example moves the boundary. Features are
the words, word pairs and the 3- to 5-letter pieces of each word (typos and German compounds keep most of
their pieces), plus the message's length and whether it asks; a feature of one example only is left out.
A kind with few examples weighs more, so the many coaching questions do not drown the rest. The fit is
deterministic (L-BFGS from zero, a fixed number of steps) and takes 1–2 s when the coach starts.

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
from bot.coaching.softmax import Design, Sparse, fit
from bot.coaching.training import YAML_LOADER, entry_problems, read_mapping
from bot.paths import PROMPTS_DIR

log = logging.getLogger(__name__)

TRAINING_DIR = PROMPTS_DIR / "kinds" / "training"
DIGIT = re.compile(r"\d")
# Length matters: a numbers request is three words, a coaching question twelve.
LENGTH_BUCKETS = (1, 2, 3, 4, 6, 9, 13)
MIN_KINDS = 2
# Chosen by 5-fold cross-validation on the training files and the kind sets (benchmarks/kind_model.md):
PENALTY = 1e-4  # L2 on the weights: smaller fits the examples closer, larger generalises more smoothly
BALANCE = 0.5  # a kind's examples weigh (examples per kind on average / its examples) ** BALANCE
ITERATIONS = 30  # L-BFGS steps: later ones change no held-out decision
MIN_SHARED = 2  # a feature must occur in this many examples

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Prediction:
    kind: str
    score: float  # the kind's probability
    margin: float  # how far its probability is ahead of the runner-up's
    runner_up: str
    probabilities: tuple[tuple[str, float], ...] = ()  # every kind's, in the model's order

    def probability_of(self, kinds: Collection[str]) -> float:
        """How likely the message is any of `kinds`."""
        return sum(probability for kind, probability in self.probabilities if kind in kinds)

    def summary(self) -> str:
        """'numbers 0.81, coaching 0.12': the kind and the runner-up, with their probabilities."""
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

    def __init__(
        self,
        examples: Sequence[tuple[str, str]],
        *,
        penalty: float = PENALTY,
        balance: float = BALANCE,
        iterations: int = ITERATIONS,
    ) -> None:
        self.kinds = tuple(sorted({kind for _, kind in examples}))
        if len(self.kinds) < MIN_KINDS:  # a model with one kind has no runner-up to be ahead of
            raise ValueError(f"a kind model needs examples of {MIN_KINDS} kinds, got {list(self.kinds)}")
        self._ids: dict[str, int] = {}
        self._word_ids: dict[str, Ids] = {}  # the training words' feature ids, built once per word
        rows = self._design(examples)
        labels = np.array([self.kinds.index(kind) for _, kind in examples])
        # a kind with few examples counts more, so coaching (most of them) does not swallow the rest
        counts = np.bincount(labels).astype(np.float64)
        sample_weights = (len(labels) / (len(self.kinds) * counts[labels])) ** balance
        self._weights, self._biases = fit(
            rows, labels, sample_weights, penalty=penalty, iterations=iterations
        )

    def _design(self, examples: Sequence[tuple[str, str]]) -> Design:
        """The examples' rows, kept as message x word x feature (see softmax.Design)."""
        word_rows: list[int] = []
        word_cols: list[int] = []
        word_index: dict[str, int] = {}
        message_ids: list[Ids] = []
        for row, (text, _) in enumerate(examples):
            found = [word.casefold() for word in words(text)]
            word_rows += [row] * len(found)
            word_cols += [word_index.setdefault(word, len(word_index)) for word in found]
            message_ids.append(self._ids_of_features(message_features(text, found), grow=True))
        word_ids = [self._ids_of_word(word, grow=True) for word in word_index]
        per_word = Sparse(
            np.array(word_rows, dtype=np.int64),
            np.array(word_cols, dtype=np.int64),
            np.ones(len(word_rows)),
            (len(examples), len(word_index)),
        )
        # each message's feature counts, for the idf and the length of its vector
        row_of, column_of, counts = _nonzero(
            per_word, _incidence(word_ids, len(self._ids)), _incidence(message_ids, len(self._ids))
        )
        kept = self._keep_shared_features(np.bincount(column_of, minlength=len(self._ids)))
        word_ids = [_renumbered(ids, kept) for ids in word_ids]
        message_ids = [_renumbered(ids, kept) for ids in message_ids]
        shared = kept[column_of] >= 0
        row_of, column_of, counts = row_of[shared], kept[column_of[shared]], counts[shared]
        size, count = len(examples), len(self._ids)
        # smoothed idf: a feature every message has says little
        self._idf = np.log((1 + size) / (1 + np.bincount(column_of, minlength=count))) + 1.0
        lengths = np.sqrt(np.bincount(row_of, weights=(counts * self._idf[column_of]) ** 2, minlength=size))
        return Design(
            per_word,
            _incidence(word_ids, count),
            _incidence(message_ids, count),
            self._idf,
            1.0 / np.maximum(lengths, 1e-12),
        )

    def _keep_shared_features(self, examples_with: Ids) -> Ids:
        """New ids for the features at least MIN_SHARED examples have (-1: dropped), applied to the model.

        A feature of one example only fits that example: it cannot help with a new message, and leaving
        it out halves the weights to learn."""
        shared = examples_with >= MIN_SHARED
        kept = np.where(shared, np.cumsum(shared) - 1, -1)
        self._ids = {feature: int(kept[i]) for feature, i in self._ids.items() if shared[i]}
        self._word_ids = {word: _renumbered(ids, kept) for word, ids in self._word_ids.items()}
        return kept

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
        values = counts * self._idf[ids]
        length = float(np.linalg.norm(values))
        logits = self._weights[:, ids] @ (values / length if length else values) + self._biases
        exps = np.exp(logits - logits.max())
        scores = exps / exps.sum()
        first, second = np.argsort(-scores, kind="stable")[:2]
        return Prediction(
            kind=self.kinds[first],
            score=float(scores[first]),
            margin=float(scores[first] - scores[second]),
            runner_up=self.kinds[second],
            probabilities=tuple(zip(self.kinds, map(float, scores), strict=True)),
        )


def _renumbered(ids: Ids, kept: Ids) -> Ids:
    """`ids` by their new numbers, without the dropped ones."""
    new = kept[ids]
    return new[new >= 0]


def _incidence(ids_per_row: list[Ids], columns: int) -> Sparse:
    """Row i has a 1 in each column of ids_per_row[i]."""
    return Sparse(
        np.repeat(np.arange(len(ids_per_row)), [len(ids) for ids in ids_per_row]),
        np.concatenate([np.zeros(0, dtype=np.int64), *ids_per_row]),  # no rows at all: no words in any
        np.ones(sum(len(ids) for ids in ids_per_row)),
        (len(ids_per_row), columns),
    )


def _nonzero(per_word: Sparse, word_features: Sparse, per_message: Sparse) -> tuple[Ids, Ids, Ids]:
    """(row, feature, count) of each feature a message has, through its words or of its own."""
    sizes = np.bincount(word_features.rows, minlength=per_word.shape[1])  # features per word
    starts = np.cumsum(sizes) - sizes
    repeats = sizes[per_word.cols]
    # the position of each (message, word, feature) among its word's features
    within = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    features = word_features.cols[np.repeat(starts[per_word.cols], repeats) + within]
    rows = np.concatenate([np.repeat(per_word.rows, repeats), per_message.rows])
    width = per_message.shape[1]
    keys, counts = np.unique(rows * width + np.concatenate([features, per_message.cols]), return_counts=True)
    return keys // width, keys % width, counts


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
