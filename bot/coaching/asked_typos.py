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
def _index() -> dict[str, frozenset[str]]:
    """Each term word of MIN_LETTERS or more under itself and each of its one-letter deletions: two
    words one edit apart share one of these keys (symmetric deletion), found in a lookup, not a scan."""
    terms = metric_terms()
    words = {
        part
        for section in (terms["families"], terms["alone"])
        for lists in section.values()
        for lang in LANGUAGES
        for term in lists.get(lang, ())
        for part in WORD.findall(term)
        if len(part) >= MIN_LETTERS
    }
    index: dict[str, set[str]] = {}
    for word in words:
        for key in _deletions(word):
            index.setdefault(key, set()).add(word)
    return {key: frozenset(found) for key, found in index.items()}


def _deletions(word: str) -> set[str]:
    return {word} | {word[:at] + word[at + 1 :] for at in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by at most one insertion, deletion, substitution or adjacent swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    a_rest, b_rest = a[start:], b[start:]
    if len(a) == len(b):
        swapped = len(a_rest) >= 2 and a_rest[0] == b_rest[1] and a_rest[1] == b_rest[0]
        return a_rest[1:] == b_rest[1:] or (swapped and a_rest[2:] == b_rest[2:])
    longer, shorter = (a_rest, b_rest) if len(a) > len(b) else (b_rest, a_rest)
    return longer[1:] == shorter


def _term_word(word: str) -> str | None:
    """The term word (with the word's ending) a misspelt word stands for, or None."""
    index = _index()
    if word in index.get(word, ()):  # a term word as written, not a typo
        return None
    for ending in ENDINGS:
        stem = word[: len(word) - len(ending)] if ending else word
        if ending and not word.endswith(ending):
            continue
        near = {t for key in _deletions(stem) for t in index.get(key, ()) if one_edit(stem, t)}
        longest = max(near, key=len, default=None)
        # „aktivität“ and „aktivitäten“ are one word; "planned" and "planner" would be a guess
        if longest and all(longest.startswith(candidate) for candidate in near):
            return longest + ending
    return None


def corrected(text: str) -> str:
    """The text with each misspelt metric word replaced by the term word it stands for."""
    dictionaries = Dictionaries.load()

    def fix(hit: re.Match[str]) -> str:
        word = hit.group(0)
        if len(word) < MIN_LETTERS or word.isdigit() or dictionaries.known(word):
            return word
        return _term_word(word) or word

    return WORD.sub(fix, text)
