"""How a term of prompts/kinds/<lang>.toml matches, one list of them read, and the text they are matched in.

The lists themselves: kind_lists.py (kind_hostile_lists.py for the hostile section).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from bot.i18n import LANGUAGES
from bot.paths import PROMPTS_DIR

KINDS_DIR = PROMPTS_DIR / "kinds"
LETTERS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Found:
    term: str
    start: int
    end: int


class Terms:
    """One named list of terms; 'unsubscrib*' matches a word prefix, spaces match a phrase."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(dict.fromkeys(term.lower().strip() for term in terms if term.strip()))
        # A term matches only a text holding its longest literal piece: with thousands of terms and a few
        # in any message, most patterns are never compiled (start-up) nor run (each message).
        self._literals = tuple((term, _literal(term)) for term in self.terms)
        simple = [term for term in self.terms if re.fullmatch(r"[\w'’-]+\*?", term)]
        self._words = frozenset(term for term in simple if not term.endswith("*"))
        self._prefixes = tuple(term[:-1] for term in simple if term.endswith("*"))
        self.stems = tuple(term.rstrip("*") for term in simple)
        self._other = tuple(pair for pair in self._literals if pair[0] not in simple)

    def first(self, text: str) -> str | None:
        """The term that occurs earliest in `text` (normalised), or None."""
        found = self.find(text)
        return found.term if found else None

    def without(self, text: str) -> str:
        """`text` with every term taken out."""
        for term in self.every(text):
            text = pattern(term).sub(" ", text)
        return text

    def every(self, text: str) -> list[str]:
        """Every term that occurs in `text`, in the lists' order."""
        return [term for term, literal in self._literals if literal in text and pattern(term).search(text)]

    def find(self, text: str) -> Found | None:
        """The earliest term in `text`, the longest one at the same position."""
        found = [
            (match.start(), -len(term), match.end(), term)
            for term, literal in self._literals
            if literal in text and (match := pattern(term).search(text))
        ]
        if not found:
            return None
        start, _, end, term = min(found)
        return Found(term, start, end)

    def outside(self, text: str, span: Found) -> str | None:
        """The first term that occurs in `text` but not inside `span`."""
        return self.first(text[: span.start] + " | " + text[span.end :])

    def covers(self, word: str) -> bool:
        """Whether one word is a term (fast: called for many spelling variants of a word)."""
        return (
            word in self._words
            or word.startswith(self._prefixes)
            or any(literal in word and pattern(term).fullmatch(word) for term, literal in self._other)
        )


def _literal(term: str) -> str:
    """The longest piece of `term` every match contains word for word (between wildcards)."""
    pieces = (chunk for word in term.split() if word != "~" for chunk in word.split("*"))
    return max(pieces, key=len, default="")


@cache
def pattern(term: str) -> re.Pattern[str]:
    """'word*' = any word starting so; 'a ~ b' = a, then up to three words, then b."""
    parts = []
    for word in term.split():
        if word == "~":
            parts.append(r"(?:\S+\s+){0,3}")
            continue
        piece = r"[\w'’-]*".join(re.escape(chunk) for chunk in word.split("*"))
        parts.append(piece + r"\s+")
    body = "".join(parts)[: -len(r"\s+")]
    return re.compile(rf"(?<![\w]){body}(?![\w])")


def listed(section: str, key: str) -> Terms:
    """One list, both languages' terms merged (`[section]`, `key = [...]`)."""
    return Terms(term for tree in _trees() for term in _get(tree, (section, key)))


@cache
def _trees() -> tuple[dict[str, object], ...]:
    """Each language's file, read once per process."""
    return tuple(_read(language) for language in LANGUAGES)


def _read(language: str) -> dict[str, object]:
    with (KINDS_DIR / f"{language}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _get(tree: Mapping[str, object], path: tuple[str, ...]) -> list[str]:
    node: object = tree
    for key in path:
        node = node.get(key, {}) if isinstance(node, Mapping) else {}
    return [str(item) for item in node] if isinstance(node, list) else []


def normalise(text: str) -> str:
    """Lower case, one kind of apostrophe, single spaces, the contractions people type without their
    apostrophe written with it ("wheres the setting" is "where's the setting"), and dialect spellings
    written as the standard words („oamoi in da Woch“ is „einmal in der Woche“)."""
    text = SPACES.sub(" ", text.lower().replace("’", "'")).strip()
    contractions = _contractions()
    if not contractions:
        return text
    return _contraction_pattern().sub(lambda found: contractions[found.group(0)], text)


@cache
def _contraction_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(typed) for typed in sorted(_contractions(), key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{words})(?![\w'])")


@cache
def _contractions() -> dict[str, str]:
    return {
        str(typed): str(meant)
        for tree in _trees()
        for table in ("contractions", "dialect")
        for typed, meant in dict(_get_table(tree, table)).items()
    }


def _get_table(tree: Mapping[str, object], key: str) -> Mapping[str, object]:
    node = tree.get(key, {})
    return node if isinstance(node, Mapping) else {}
