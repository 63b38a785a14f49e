"""What kind of message is it? Rules over term lists (prompts/kinds/<lang>.toml), explainable by design.

Each result says which rule and which term decided, so a wrong kind can be fixed in the data file, not
in code. Both languages' lists always apply: managers mix languages, and a term is a term.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from bot.coaching.spelling import Dictionaries
from bot.i18n import LANGUAGES
from bot.paths import PROMPTS_DIR

Kind = Literal[
    "coaching", "numbers", "controls", "tool_howto", "reflection", "off_topic", "gibberish", "hostile"
]
KINDS: tuple[Kind, ...] = (
    "coaching",
    "numbers",
    "controls",
    "tool_howto",
    "reflection",
    "off_topic",
    "gibberish",
    "hostile",
)
KINDS_DIR = PROMPTS_DIR / "kinds"
# A message is gibberish when less than this share of its words are words (typos count half-ish).
MIN_WORD_SHARE = 0.5
TYPO_WEIGHT = 0.6
# "stop" or "pause" alone is about the coach's messages; in a longer text it is about anything.
MAX_ALONE_WORDS = 4
GENERAL_METRIC = "open_deals"
LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Classification:
    kind: Kind
    reason: str  # the rule and the term that decided, for logs and the evaluation


class Terms:
    """One named list of terms; 'unsubscrib*' matches a word prefix, spaces match a phrase."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(dict.fromkeys(term.lower().strip() for term in terms if term.strip()))
        self._patterns = [(term, _pattern(term)) for term in self.terms]

    def first(self, text: str) -> str | None:
        """The term that occurs earliest in `text` (normalised), or None."""
        found = self.find(text)
        return found[1] if found else None

    def find(self, text: str) -> tuple[int, str] | None:
        """(position, term) of the earliest term in `text`, longest first at the same position."""
        found = [
            (match.start(), -len(term), term)
            for term, pattern in self._patterns
            if (match := pattern.search(text))
        ]
        return (min(found)[0], min(found)[2]) if found else None

    def covers(self, word: str) -> bool:
        return any(pattern.fullmatch(word) for _, pattern in self._patterns)


def _pattern(term: str) -> re.Pattern[str]:
    body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
    tail = r"[\w'’-]*" if term.endswith("*") else ""
    return re.compile(rf"(?<![\w]){body}{tail}(?![\w])")


@dataclass(frozen=True, slots=True)
class TermLists:
    hostile: Terms
    injection: Terms
    controls_alone: Terms
    controls: Terms
    vendors: Terms
    ui: Terms
    tool_asks: Terms
    numbers_asks: Terms
    numbers_coaching: Terms
    metrics: Mapping[str, Terms]  # metric -> terms, in the file's order
    small_talk: Terms
    domain: Terms
    question_words: Terms

    def all_words(self) -> set[str]:
        lists = [getattr(self, name) for name in self.__dataclass_fields__ if name != "metrics"]
        lists += list(self.metrics.values())
        return {word for terms in lists for term in terms.terms for word in LETTERS.findall(term)}


@cache
def term_lists() -> TermLists:
    """Both languages' lists merged (read once per process)."""
    data = [_read(language) for language in LANGUAGES]

    def merged(*path: str) -> Terms:
        return Terms(term for tree in data for term in _get(tree, path))

    metric_names = list(dict.fromkeys(name for tree in data for name in tree["numbers"]["metrics"]))
    return TermLists(
        hostile=merged("hostile", "phrases"),
        injection=merged("hostile", "injection"),
        controls_alone=merged("controls", "alone"),
        controls=merged("controls", "phrases"),
        vendors=merged("tool_howto", "vendors"),
        ui=merged("tool_howto", "ui"),
        tool_asks=merged("tool_howto", "asks"),
        numbers_asks=merged("numbers", "asks"),
        numbers_coaching=merged("numbers", "coaching"),
        metrics={name: merged("numbers", "metrics", name) for name in metric_names},
        small_talk=merged("off_topic", "phrases"),
        domain=merged("domain", "words"),
        question_words=merged("domain", "question_words"),
    )


def _read(language: str) -> dict[str, object]:
    with (KINDS_DIR / f"{language}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _get(tree: Mapping[str, object], path: tuple[str, ...]) -> list[str]:
    node: object = tree
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return [str(item) for item in node] if isinstance(node, list) else []


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    return SPACES.sub(" ", text).strip()


class MessageClassifier:
    """Built once (the word lists take a moment to load); classify() is read-only and thread-safe."""

    def __init__(self, *, vocabulary: Iterable[str], dictionaries: Dictionaries | None = None) -> None:
        self.terms = term_lists()
        self.vocabulary = {word.lower() for word in vocabulary} | self.terms.all_words()
        self.dictionaries = dictionaries or Dictionaries.load()

    def classify(self, message: str, *, reflection_pending: bool = False) -> Classification:
        """The kind of `message`; `reflection_pending` when a lesson asked the sender a question < 48 h ago."""
        text = normalise(message)
        words = LETTERS.findall(text)
        terms = self.terms
        if not words:
            return Classification("gibberish", "no words")
        share = self.word_share(words)
        if share < MIN_WORD_SHARE:
            return Classification("gibberish", f"only {share:.0%} of the words are words")
        if term := terms.injection.first(text):
            return Classification("hostile", f"tries to change the rules: '{term}'")
        if term := terms.hostile.first(text):
            return Classification("hostile", f"hostile: '{term}'")
        if term := self._control(text, words):
            return Classification("controls", f"about the coach's messages: '{term}'")
        question = self._is_question(message, text)
        if reflection_pending and not question:
            return Classification("reflection", "a statement after a lesson's reflection question")
        if term := self._tool(text):
            return Classification("tool_howto", f"about the product, not the habit: '{term}'")
        if term := self._numbers(text):
            return Classification("numbers", f"asks for a figure the coach has: '{term}'")
        if term := self._off_topic(text, words):
            return Classification("off_topic", term)
        return Classification("coaching", "a question about working with the CRM")

    def word_share(self, words: list[str]) -> float:
        """Share of known words; a likely typo of a known word counts TYPO_WEIGHT."""
        score = 0.0
        for word in words:
            if self._known(word):
                score += 1
            elif len(word) >= 4 and self.dictionaries.near(word, self.vocabulary):
                score += TYPO_WEIGHT
        return score / len(words)

    def _known(self, word: str) -> bool:
        return (
            word in self.vocabulary
            or self.dictionaries.known(word)
            or self.terms.domain.covers(word)
            or any(self.dictionaries.known(part) for part in re.split(r"['’-]", word) if len(part) > 2)
        )

    def _control(self, text: str, words: list[str]) -> str | None:
        if len(words) <= MAX_ALONE_WORDS and (term := self.terms.controls_alone.first(text)):
            if not self.terms.domain.first(text):  # "pause deals?" is not about the coach
                return term
        return self.terms.controls.first(text)

    def _is_question(self, message: str, text: str) -> bool:
        if "?" in message:
            return True
        first = LETTERS.findall(text)[:1]
        return bool(first) and self.terms.question_words.covers(first[0])

    def _tool(self, text: str) -> str | None:
        vendor, screen = self.terms.vendors.first(text), self.terms.ui.first(text)
        if vendor and (screen or self.terms.tool_asks.first(text)):
            return vendor
        if screen and self.terms.tool_asks.first(text):
            return screen
        return None

    def _numbers(self, text: str) -> str | None:
        ask = self.terms.numbers_asks.first(text)
        if ask is None or self.terms.numbers_coaching.first(text):
            return None
        return ask

    def _off_topic(self, text: str, words: list[str]) -> str | None:
        if self.terms.domain.first(text):
            return None
        if term := self.terms.small_talk.first(text):
            return f"small talk: '{term}'"
        return "nothing about sales, the team or the CRM"

    def asked_metrics(self, message: str) -> list[str]:
        """The metrics a numbers question names, in the order it names them."""
        text = normalise(message)
        found: list[tuple[bool, int, str]] = []
        for metric, terms in self.terms.metrics.items():
            if (hit := terms.find(text)) is not None:
                # "deals" is in nearly every question: the plain count only leads when nothing else is named
                found.append((metric == GENERAL_METRIC, hit[0], metric))
        return [metric for _, _, metric in sorted(found)]
