"""A biggest-deals word of seven letters or more misspelt by one edit (a letter left out, added, changed,
or two swapped; umlauts, ß and digits included) still asks for the ranking, in English and German; words
of `not_typos`, shorter words and two edits do not."""

from __future__ import annotations

import pytest

from bot.coaching.asked_biggest import read_biggest
from bot.i18n import Language


@pytest.mark.parametrize(
    ("question", "language", "term", "count", "own"),
    [
        ("what r my 3 bigest deals", "en", "bigest", 3, True),  # left out
        ("my 3 biggset deals", "en", "biggset", 3, True),  # swapped
        ("my 3 biggost deals", "en", "biggost", 3, True),  # changed
        ("my 3 lragest deals", "en", "lragest", 3, True),  # swapped at the start
        ("my 3 larget deals", "en", "larget", 3, True),  # six letters, one left out
        ("my juciest deals", "en", "juciest", None, True),
        ("my 3 fatest deals", "en", "fatest", 3, True),
        ("my 3 b1ggest deals", "en", "b1ggest", 3, True),  # a digit for a letter
        ("my 3 big3est deals", "en", "big3est", 3, True),
        ("meine drei grösten deals", "de", "grösten", 3, True),  # Swiss ss, one s left out
        ("meine drei gröten deals", "de", "gröten", 3, True),  # ß left out (no English letter)
        ("Meine drei GRÖTEN Deals", "de", "gröten", 3, True),
        ("meine drei großten deals", "de", "großten", 3, True),  # umlaut changed
        ("meine drei gröszten deals", "de", "gröszten", 3, True),  # Swiss ss, one s changed
        ("meine drei grösseten deals", "de", "grösseten", 3, True),
        ("meine drei größtten deals", "de", "größtten", 3, True),
        ("die drei umsatzstarksten deals", "de", "umsatzstarksten", 3, False),  # ä changed
        ("die drei dicktsen deals", "de", "dicktsen", 3, False),
        ("meine drei wertvolsten deals", "de", "wertvolsten", 3, True),
        ("mein dickstes deal", "de", "dickstes", 1, True),
    ],
)
def test_a_biggest_deals_word_one_edit_off_asks_for_the_ranking(
    question: str, language: Language, term: str, count: int | None, own: bool
) -> None:
    reading = read_biggest(question, language)

    assert reading is not None
    assert (reading.term, reading.count, reading.own) == (term, count, own)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("meine größen deals", "de"),  # one edit from „größten“, but a word of `not_typos`
        ("meine grössen deals", "de"),
        ("die grösse deals", "de"),
        ("meine größere deals", "de"),
        ("die dichtesten deals", "de"),
        ("my biggies deals", "en"),
        ("my 3 bgst deals", "en"),  # too short to tell
        ("my 3 bigggestt deals", "en"),  # two edits
        ("our biggest problem is stale deals", "en"),
    ],
)
def test_not_typos_short_words_and_two_edits_ask_for_no_ranking(question: str, language: Language) -> None:
    assert read_biggest(question, language) is None
