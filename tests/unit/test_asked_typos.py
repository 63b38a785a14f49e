"""A typo in a long metric word is read as that word, one edit away in either language: a letter added,
left out, changed or two swapped, umlauts and ß included; short words, dictionary words and guesses
between two term words stay as written. The asked-metric reader passes lower-case text."""

from __future__ import annotations

import pytest

from bot.coaching.asked import asked_metric
from bot.coaching.asked_typos import corrected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("how many deals are overdeu?", "how many deals are overdue?"),  # swap
        ("how many deals are overduue?", "how many deals are overdue?"),  # a letter too many
        ("how many deals in my pipline?", "how many deals in my pipeline?"),  # a letter left out
        ("how many deals in my pipelime?", "how many deals in my pipeline?"),  # a letter changed
        ("wie viele deals sind überfälig?", "wie viele deals sind überfällig?"),  # left out, beside an umlaut
        ("wie viele deals sind übrefällig?", "wie viele deals sind überfällig?"),  # swap
        ("14 überfälige deals", "14 überfällige deals"),  # with a case ending
        ("deals, die berfällig sind", "deals, die überfällig sind"),  # an umlaut left out
        ("deals, die oberfällig sind", "deals, die überfällig sind"),  # an umlaut changed
        ("deals ohne nchsten schritt", "deals ohne nächsten schritt"),  # an umlaut left out
        ("deals, die ich vernachlassig", "deals, die ich vernachlässig"),  # an umlaut changed
        ("ohne nächste masnahme", "ohne nächste maßnahme"),  # ß changed (no English letter)
        ("ohne nächste manahme", "ohne nächste maßnahme"),  # ß left out
        ("ohne nächste maßnnahme", "ohne nächste maßnahme"),  # a letter too many beside ß
        ("ein abschlusdatum in der vergangenheit", "ein abschlussdatum in der vergangenheit"),
        ("der dealwerrt", "der dealwert"),
    ],
)
def test_a_long_metric_word_one_edit_off_is_read_as_that_word(text: str, expected: str) -> None:
    assert corrected(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "deals that are ovrdue",  # six letters: too many real words one edit apart
        "a stale or a scale deal, lost or last",
        "überfällige deals und aktivitäten",  # spelt right
        "uberfälig",  # two edits from "überfällig" and from "uberfallig"
        "überfüllig",  # a dictionary word
        "1234567 deals",
    ],
)
def test_short_right_real_or_far_words_stay_as_written(text: str) -> None:
    assert corrected(text) == text


def test_a_word_near_two_term_words_is_no_guess() -> None:
    # „aktivitaten“ is one edit from „aktivitäten“ and from „aktivitaeten“ (one word), and with „-n“ off
    # from „aktivitaet“: the longest reading wins only when it starts with every other
    assert corrected("aktivitaten") == "aktivitaetn"


@pytest.mark.parametrize(
    ("question", "locale", "metric"),
    [
        ("wie viele deals sind berfällig?", "de", "overdue_close_dates"),
        ("wie viele deals sind übrefällig?", "de", "overdue_close_dates"),
        ("wie viele deals ohne nchsten schritt?", "de", "deals_without_next_step"),
        ("wie viele deals haben ein abschlusdatum in der vergangenheit?", "de", "overdue_close_dates"),
        ("how many deals in my pipline?", "en", "open_deals"),
        ("how many deals are overduue?", "en", "overdue_close_dates"),
    ],
)
def test_a_typo_names_the_metric_it_stands_for(question: str, locale: str, metric: str) -> None:
    assert asked_metric(question, locale) == metric  # type: ignore[arg-type]
