"""Is it a word? English and German dictionaries (pyspellchecker's word frequency lists), loaded once."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

from spellchecker import SpellChecker

from bot.i18n import LANGUAGES


@dataclass(frozen=True, slots=True)
class Dictionaries:
    checkers: tuple[SpellChecker, ...]

    @classmethod
    def load(cls) -> Dictionaries:
        return _shared()

    def known(self, word: str) -> bool:
        return any(word in checker for checker in self.checkers)

    def single_edits(self, word: str) -> set[str]:
        return set(self.checkers[0].edit_distance_1(word))

    def single_edits_any_alphabet(self, word: str) -> set[str]:
        """Single edits with every language's letters: „manahme“ is one ß from „maßnahme“."""
        return set().union(*(checker.edit_distance_1(word) for checker in self.checkers))

    def near(self, word: str, vocabulary: Collection[str]) -> bool:
        """One edit away from a dictionary word or a word of our own vocabulary (a typo, not a mash)."""
        for checker in self.checkers:
            edits = checker.edit_distance_1(word)
            if any(edit in checker or edit in vocabulary for edit in edits):
                return True
        return False


@cache
def _shared() -> Dictionaries:
    # distance=1: the typo check above enumerates single edits only, which stays fast for any word
    return Dictionaries(tuple(SpellChecker(language=language, distance=1) for language in LANGUAGES))
