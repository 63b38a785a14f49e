"""Multinomial logistic regression on sparse rows, numpy only: the fit behind the kind model.

The rows are products of sparse matrices (message x word, word x feature), so one pass over the data
touches each word's letter pieces once, not once per message that uses the word. The fit minimises the
weighted cross-entropy plus an L2 penalty with L-BFGS from zero weights: no randomness, so the same
examples give the same model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Objective = Callable[[Floats], tuple[float, Floats]]

HISTORY = 10  # L-BFGS: how many recent steps shape the next direction
ARMIJO = 1e-4  # a step must lower the loss by this share of what the slope promised
MIN_STEP = 1e-10


@dataclass(frozen=True, slots=True)
class Sparse:
    """A sparse matrix as (row, column, value) triples; a pair may repeat (the values add up)."""

    rows: Ids
    cols: Ids
    values: Floats
    shape: tuple[int, int]

    def times(self, dense: Floats) -> Floats:
        """(self @ dense.T).T: dense is class-major (one row per class), so each class is one bincount."""
        rows, cols, size = self.rows, self.cols, self.shape[0]
        return np.stack([np.bincount(rows, weights=self.values * row[cols], minlength=size) for row in dense])

    @property
    def transposed(self) -> Sparse:
        return Sparse(self.cols, self.rows, self.values, (self.shape[1], self.shape[0]))


@dataclass(frozen=True, slots=True)
class Design:
    """The training rows: scale * (per_word @ word_features + per_message) * idf, by feature."""

    per_word: Sparse  # message x word: how often the message has the word
    word_features: Sparse  # word x feature
    per_message: Sparse  # message x feature: word pairs, length, ...
    idf: Floats  # per feature
    scale: Floats  # per message: 1 / the length of its vector

    def times(self, weights: Floats) -> Floats:
        """The logits (class x message) of weights (class x feature)."""
        weighted = self.idf * weights
        rows = self.per_word.times(self.word_features.times(weighted)) + self.per_message.times(weighted)
        return self.scale * rows

    def transposed_times(self, errors: Floats) -> Floats:
        """The gradient (class x feature) of errors (class x message)."""
        scaled = self.scale * errors
        by_word = self.per_word.transposed.times(scaled)
        summed = self.word_features.transposed.times(by_word) + self.per_message.transposed.times(scaled)
        return self.idf * summed


def fit(
    rows: Design, labels: Ids, sample_weights: Floats, *, penalty: float, iterations: int
) -> tuple[Floats, Floats]:
    """Weights (class x feature) and biases (class) of the softmax regression of `labels` on `rows`."""
    classes, features = int(labels.max()) + 1, rows.idf.shape[0]
    targets = np.zeros((classes, len(labels)))
    targets[labels, np.arange(len(labels))] = 1.0
    share = sample_weights / sample_weights.sum()
    size = classes * features

    def objective(theta: Floats) -> tuple[float, Floats]:
        weights = theta[:size].reshape(classes, features)
        logits = rows.times(weights) + theta[size:, None]
        logits -= logits.max(axis=0)
        exps = np.exp(logits)
        totals = exps.sum(axis=0)
        fit_loss = -_dot(((logits - np.log(totals)) * targets).sum(axis=0), share)
        loss = fit_loss + 0.5 * penalty * _dot(weights.ravel(), weights.ravel())
        errors = (exps / totals - targets) * share
        gradient = rows.transposed_times(errors) + penalty * weights
        return loss, np.concatenate([gradient.ravel(), errors.sum(axis=1)])

    theta = minimise(objective, np.zeros(size + classes), iterations)
    return theta[:size].reshape(classes, features), theta[size:]


def minimise(objective: Objective, start: Floats, iterations: int) -> Floats:
    """L-BFGS with a backtracking line search, for a fixed number of steps (or until none helps)."""
    x = start
    loss, gradient = objective(x)
    steps: list[tuple[Floats, Floats]] = []  # (change of x, change of the gradient)
    for _ in range(iterations):
        direction = -_inverse_hessian_times(gradient, steps)
        slope = _dot(gradient, direction)
        if slope >= 0:  # not a descent direction: start the history again
            steps, direction, slope = [], -gradient, -_dot(gradient, gradient)
        step = 1.0 if steps else 1.0 / max(float(np.linalg.norm(gradient)), 1e-12)
        while True:
            moved = x + step * direction
            new_loss, new_gradient = objective(moved)
            if new_loss <= loss + ARMIJO * step * slope or step < MIN_STEP:
                break
            step /= 2
        if new_loss >= loss:
            return x
        change, turn = moved - x, new_gradient - gradient
        if _dot(change, turn) > 0:
            steps = [*steps[-(HISTORY - 1) :], (change, turn)]
        x, loss, gradient = moved, new_loss, new_gradient
    return x


def _inverse_hessian_times(gradient: Floats, steps: list[tuple[Floats, Floats]]) -> Floats:
    """The L-BFGS two-loop recursion."""
    result = gradient.copy()
    factors = []
    for change, turn in reversed(steps):
        rho = 1.0 / _dot(turn, change)
        alpha = rho * _dot(change, result)
        result -= alpha * turn
        factors.append((rho, alpha))
    if steps:
        change, turn = steps[-1]
        result *= _dot(change, turn) / _dot(turn, turn)
    for (change, turn), (rho, alpha) in zip(steps, reversed(factors), strict=True):
        result += (alpha - rho * _dot(turn, result)) * change
    return result


def _dot(first: Floats, second: Floats) -> float:
    """The dot product without BLAS: its threads wait on each other on a busy machine (4x slower)."""
    return float(np.einsum("i,i->", first, second))
