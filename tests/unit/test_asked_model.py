"""The asked-metric model (bot/coaching/asked_model.py): learned from the shipped examples, heard only
behind its gates."""

from __future__ import annotations

import pytest

from bot.coaching.asked import read_all, read_asked
from bot.coaching.asked_model import (
    NONE,
    Gates,
    arbitrated,
    decided,
    families,
    load_metric_examples,
    metric_model,
    predicted,
)
from bot.coaching.kind_model import KindModel, Prediction
from bot.i18n import Language

GATES = Gates(new=0.7, arbiter=0.5)  # not the shipped ones: how each gate decides
# Shipped examples, left out of a fit on the others: the model still reads their family.
HELD_OUT = [
    ("how many calls + meetings did the team log this week", "activities"),
    ("wie viele deals von meinen leuten haben keinen nächsten schritt", "no_next_step"),
    ("überfällige abschlusstermine überall, soll ich die einfach selber verschieben", "overdue"),
    ("letztes quartal 8 deals verloren die alle im commit waren. was lern ich daraus", "won_lost"),
    ("one guy on my team basically refuses to use the crm. what now", NONE),
]


def prediction(**probabilities: float) -> Prediction:
    ranked = sorted(probabilities.items(), key=lambda item: -item[1])
    (kind, score), (runner_up, second) = ranked[:2]
    return Prediction(kind, score, score - second, runner_up, tuple(probabilities.items()))


def test_the_model_reads_the_shipped_examples() -> None:
    examples, problems = load_metric_examples()
    assert problems == []
    assert {family for _, family in examples} == {NONE, *families()}
    assert len(examples) > 1000
    assert metric_model() is not None


def test_held_out_examples_are_read_as_their_family() -> None:
    examples, _ = load_metric_examples()
    assert set(HELD_OUT) <= set(examples)
    model = KindModel([example for example in examples if example not in HELD_OUT])
    assert [(text, model.predict(text).kind) for text, _ in HELD_OUT] == HELD_OUT


@pytest.mark.parametrize(
    ("message", "language", "metric"),
    [("my win count this quarter", "en", "won_90d")],
)
def test_the_model_reads_a_family_where_the_rules_read_none(
    message: str, language: Language, metric: str
) -> None:
    reading = read_asked(message, language)
    assert reading is not None
    assert (reading.metric, reading.family_term.startswith("(model")) == (metric, True)


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("how do I run a good weekly pipeline review?", "en"),
        ("wie führe ich ein gutes jahresgespräch?", "de"),
        ("one guy on my team basically refuses to use the crm. what now", "en"),
    ],
)
def test_the_gate_leaves_a_no_metric_message_unread(message: str, language: Language) -> None:
    assert read_all(message, language) == []


def test_a_family_the_rules_do_not_read_needs_the_gates_probability() -> None:
    assert decided([], prediction(stale=0.69, none=0.31), GATES) is None
    assert decided([], prediction(stale=0.71, none=0.29), GATES) == "stale"
    assert decided([], prediction(none=0.95, stale=0.05), GATES) is None


def test_a_sure_none_sets_the_rules_families_aside_only_behind_the_veto_gate() -> None:
    question = "how do I run a good weekly pipeline review?"
    named = [("stale", "pipeline", {"en": ["pipeline"]})]
    sure_none = predicted(question)
    assert sure_none is not None and sure_none.kind == NONE and sure_none.score > 0.5

    assert arbitrated(question, named, Gates(new=2.0, arbiter=2.0, veto=0.5)) == []
    assert arbitrated(question, named, Gates(new=2.0, arbiter=2.0)) == named
    assert arbitrated(question, named, Gates(new=2.0, arbiter=2.0, veto=sure_none.score + 0.01)) == named


def test_the_model_arbitrates_only_between_the_families_the_rules_read() -> None:
    assert decided(["stale"], prediction(overdue=0.99, stale=0.01), GATES) is None
    assert decided(["stale", "overdue"], prediction(overdue=0.8, stale=0.1, none=0.1), GATES) == "overdue"
    assert decided(["stale", "overdue"], prediction(overdue=0.55, stale=0.1, none=0.35), GATES) is None
    # a family the rules did not read is never chosen
    assert decided(["stale", "overdue"], prediction(won_lost=0.9, stale=0.05, overdue=0.05), GATES) is None
