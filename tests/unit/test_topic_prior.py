"""The topic prior (bot/coaching/topic_prior.py): naive Bayes over the lessons' example questions says
which topic a question is about, and tips the ranking where the words of the lessons alone do not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bot.coaching import retrieval, shared, training
from bot.coaching.topic_prior import TopicPrior
from tests.helpers import ask_json

EXAMPLES = [
    (0, ["deal", "slip", "month"]),
    (0, ["forecast", "slip", "quarter"]),
    (1, ["deal", "review", "week"]),
    (1, ["deal", "review", "team"]),
]


def test_a_word_one_topic_uses_more_than_the_others_tips_the_scale() -> None:
    prior = TopicPrior(EXAMPLES, 2)

    slipping = prior.probabilities(["deal", "slip"])
    reviewing = prior.probabilities(["deal", "review"])

    assert slipping.argmax() == 0 and reviewing.argmax() == 1
    assert slipping.sum() == pytest.approx(1.0)
    # "deal" is in both topics' examples (three times in topic 1): alone, it leans only a little.
    assert prior.probabilities(["deal"])[1] == pytest.approx(0.5, abs=0.1)


@pytest.mark.parametrize("tokens", [[], ["quokka", "zebra"]])
def test_words_no_example_used_say_nothing_about_the_topic(tokens: list[str]) -> None:
    assert np.allclose(TopicPrior(EXAMPLES, 2).probabilities(tokens), [0.5, 0.5])


def ask(question: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return ask_json(question, capsys, "--locale", "en")


@pytest.mark.usefixtures("cli_env")
def test_a_german_compound_question_finds_its_topic_through_the_prior(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kunde/Schritt (the parts of "Kundenschritt") are how the next-steps lessons' example questions ask;
    # by the lessons' words alone, "Verkaufschancen" (Salesforce's opportunities) pulls elsewhere. The
    # prior as learnt from the lesson files alone: the training questions also find it without the prior.
    monkeypatch.setattr(training, "TRAINING_FOLDER", "no-training-here")
    monkeypatch.setattr(shared, "_built", {})  # not the process's coach, which was built with the files
    question = "wie bekomme ich Kundenschritte in alle Verkaufschancen"

    answer = ask(question, capsys)

    assert answer["language"] == "de"
    assert answer["lessons"][0]["topic"] == "next-steps"
    monkeypatch.setattr(retrieval, "TOPIC_PRIOR_WEIGHT", 0.0)
    assert ask(question, capsys)["lessons"][0]["topic"] != "next-steps"
