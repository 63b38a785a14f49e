"""Which of a message's words are words: the gibberish rule (too few are), and a subject word's typos
and compounds (the off-topic rule's last check). Built by MessageClassifier (kinds.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS
from bot.coaching.spelling import Dictionaries

# A message is gibberish when less than this share of its words are words (typos count half-ish).
MIN_WORD_SHARE = 0.5
TYPO_WEIGHT = 0.6
# German compounds: a subject word this long inside another word makes that word a subject word too.
MIN_COMPOUND_PART = 6
# "zzzz" is one edit from "zzz": a run of one letter gets no credit as a typo.
REPEATS = re.compile(r"(\w)\1\1")
# "qwertz", "lkjhg": this many keys along one row of the keyboard are typed, not written ("wert" is a word).
MIN_KEY_RUN = 5
# An emoji alone is a reaction (small talk), not gibberish.
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
# Symbols typed as noise (",,,", ")))", "#"): not letters, digits, spaces, nor a question's or sentence's end.
SYMBOLS = re.compile(r"[^\w\s?!.'’]")
# "q3", "h1", "2fa": letters with digits are a name, not keystrokes
WITH_LETTERS = re.compile(r"\w*\d\w*")


@dataclass(frozen=True, slots=True)
class KnownWords:
    terms: TermLists
    vocabulary: set[str]  # the lessons' words and the term lists' (CRM jargon is in no dictionary)
    dictionaries: Dictionaries

    def gibberish(self, message: str, text: str, words: list[str]) -> str | None:
        if not words:  # "1:1?" is a real question, an emoji a reaction
            return None if EMOJI.search(message) or self.terms.domain.first(text) else "no words"
        # "k.j.h", "qq", "ppp": one letter, or one letter repeated, is a keystroke, not a word ("a" and
        # "i" are, and so are "z.B." or "Q3")
        # "x9#kk ,,, ))) 7": more symbols than letters, and nothing of the work, is a mash of keys
        symbols = len(SYMBOLS.findall(EMOJI.sub("", message)))
        if symbols > sum(len(word) for word in words) and not self.terms.domain.first(text):
            return f"more symbols ({symbols}) than letters"
        # "asdfjklö test test 123": "test" beside a mash of keys is a test message, the mash decides
        words = [word for word in words if not self.terms.test_words.covers(word)] or words
        typed = LETTERS.findall(WITH_LETTERS.sub(" ", self.terms.abbreviations.without(text)))
        keystrokes = {w for w in typed if len(set(w)) == 1 and not self.terms.letter_words.covers(w)}
        keystrokes |= {w for w in typed if self._key_run(w)}
        real = [word for word in words if word not in keystrokes]
        share = self.share(real) * len(real) / len(words) if real else 0.0
        return f"only {share:.0%} of the words are words" if share < MIN_WORD_SHARE else None

    def _key_run(self, word: str) -> bool:
        """Keys next to each other along one row, either way ("qwertz", "lkjhg")."""
        rows = self.terms.key_rows.terms
        return len(word) >= MIN_KEY_RUN and any(word in row or word[::-1] in row for row in rows)

    def share(self, words: list[str]) -> float:
        """Share of known words; a likely typo of a known word counts TYPO_WEIGHT."""
        score = 0.0
        for word in words:
            if self._known(word):
                score += 1
            elif (
                len(word) >= 4 and not REPEATS.search(word) and self.dictionaries.near(word, self.vocabulary)
            ):
                score += TYPO_WEIGHT
        return score / len(words)

    def _known(self, word: str) -> bool:
        return (
            word in self.vocabulary
            or self.dictionaries.known(word)
            or self.terms.domain.covers(word)
            or any(self.dictionaries.known(part) for part in re.split(r"['’-]", word) if len(part) > 2)
        )

    def near_domain(self, word: str) -> bool:
        """A typo of a subject word ('pipline') or a compound with one ('Gesprächsnotizen') still is one."""
        domain = self.terms.domain
        # a word of the dictionary is no typo: "heute" is one edit from "leute" but means "today"
        typo = not self.dictionaries.known(word)
        return (
            domain.covers(word)
            or (typo and any(domain.covers(edit) for edit in self.dictionaries.single_edits(word)))
            or any(len(stem) >= MIN_COMPOUND_PART and stem in word[1:] for stem in domain.stems)
        )
