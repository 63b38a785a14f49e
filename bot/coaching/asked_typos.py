"""Typos in metric words („überfälige Deals“, "overdeu"): a word of seven letters or more, one edit
(Damerau-Levenshtein: a letter left out, added, changed or two swapped) from a word of a metric term and
itself no dictionary word, is read as that term word. The asked-metric reader tries this only when no
term matched as written, so a correct spelling never changes. Shorter words are left alone: at four to
six letters one edit turns too many real words into each other ("lost"/"last", "stale"/"scale")."""

from __future__ import annotations

import re
from functools import cache

from bot.coaching.asked_terms import metric_terms
from bot.coaching.spelling import Dictionaries
from bot.i18n import LANGUAGES

MIN_LETTERS = 7
# A German word may carry a case or plural ending after the term word („überfälige“ is „überfällig“+e).
ENDINGS = ("", "e", "en", "n", "s", "es", "er", "em")
WORD = re.compile(r"\w+")


@cache
def _term_words() -> frozenset[str]:
    terms = metric_terms()
    return frozenset(
        part
        for section in (terms["families"], terms["alone"])
        for lists in section.values()
        for lang in LANGUAGES
        for term in lists.get(lang, ())
        for part in WORD.findall(term)
        if len(part) >= MIN_LETTERS
    )


def _term_word(word: str, dictionaries: Dictionaries) -> str | None:
    """The term word (with the word's ending) a misspelt word stands for, or None."""
    term_words = _term_words()
    if word in term_words:  # a term word as written, not a typo
        return None
    for ending in ENDINGS:
        stem = word[: len(word) - len(ending)] if ending else word
        if ending and not word.endswith(ending):
            continue
        near = term_words & dictionaries.single_edits_any_alphabet(stem)
        longest = max(near, key=len, default=None)
        # „aktivität“ and „aktivitäten“ are one word; "planned" and "planner" would be a guess
        if longest and all(longest.startswith(candidate) for candidate in near):
            return longest + ending
    return None


def corrected(text: str) -> str:
    """The lower-case text with each misspelt metric word replaced by the term word it stands for."""
    dictionaries = Dictionaries.load()

    def fix(hit: re.Match[str]) -> str:
        word = hit.group(0)
        if len(word) < MIN_LETTERS or word.isdigit() or dictionaries.known(word):
            return word
        return _term_word(word, dictionaries) or word

    return WORD.sub(fix, text)
