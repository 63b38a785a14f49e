"""Which of the manager's stage labels a question names as a stage, by the cues in
prompts/coach/stage_cues.toml: "in negotiation", "negotiation stage", quoted, „Angebotsphase“, and the
stages listed next to a named one ("in proposal or negotiation").

After a cue, a label names its stage whatever follows ("in negotiation Q4", "in commit Mike has"),
unless the label is an everyday word ([everyday]: "New", „Neu“) and goes on as a longer name ("in new
york", "in new markets", "new vs existing business").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from functools import cache, lru_cache

from bot.paths import PROMPTS_DIR

CUES_FILE = PROMPTS_DIR / "coach" / "stage_cues.toml"
MIN_LABEL_LENGTH = 3  # "A", "B2": too short to be told from other words
# Endings a label may carry: "negotiations", „Angebote“, „Verhandlungen“.
ENDINGS = r"(?:s|e|en|n)?"
QUOTES_OPEN = "\"'„“‚‘»«"
QUOTES_CLOSE = "\"'“”‘’«»"
NEXT_WORD = re.compile(r"(?:\s+|-)(\w[\w'.-]*\w|\w)")


def named_stages(question: str, labels: Sequence[str]) -> tuple[str, ...]:
    """The labels the question names as stages, in the order given: each label, a part of it before
    or after a "/" ("Negotiation" of "Negotiation/Review"), or the label with the "/" read as a space."""
    question = " ".join(question.split())
    names = {label: _names(label) for label in labels}
    every_name = tuple(sorted({name for found in names.values() for name in found}, key=len, reverse=True))
    named = {label for label in labels if any(_cued(question, name, every_name) for name in names[label])}
    while named:  # "in proposal, commit or negotiation": a stage listed next to a named one is named
        spans = [
            m.span() for label in named for name in names[label] for m in _plain(name).finditer(question)
        ]
        listed = {
            label
            for label in labels
            if label not in named
            and any(
                _next_to(question, match.span(), spans) and _ends_name(question, match, name, every_name)
                for name in names[label]
                for match in _plain(name).finditer(question)
            )
        }
        if not listed:
            break
        named |= listed
    return tuple(label for label in labels if label in named)


def _names(label: str) -> set[str]:
    parts = (label, label.replace("/", " "), *label.split("/"))
    return {name for name in (" ".join(part.split()) for part in parts) if len(name) >= MIN_LABEL_LENGTH}


def _cued(question: str, name: str, every_name: tuple[str, ...]) -> bool:
    quoted, compound, after, introduced = _cue_patterns(name)
    if quoted.search(question) or compound.search(question):
        return True
    if any(_stage_word_after(question, match, name, introduced) for match in after.finditer(question)):
        return True
    return any(_ends_name(question, match, name, every_name) for match in introduced.finditer(question))


def _stage_word_after(question: str, match: re.Match[str], name: str, introduced: re.Pattern[str]) -> bool:
    """ "negotiation stage", „Angebot-Phase“; an everyday label needs a cue before it or the CRM's
    spelling ("in the new stage", "New stage", not "moved to a new stage")."""
    if _adjective(match.group("label"), name):
        return False
    if not _everyday(name) or match.group("label").startswith(name):
        return True
    return any(cue.start("label") == match.start("label") for cue in introduced.finditer(question))


def _ends_name(question: str, match: re.Match[str], name: str, every_name: tuple[str, ...]) -> bool:
    """The label here is the stage's name, not the start of a longer one. Only an everyday label can
    start one: it does unless the end, punctuation, a number, a period ("Q4", „Stand heute“) or a word
    of [follow] comes next, or a joiner with another stage after it ("in new or qualified")."""
    if not _everyday(name):
        return True
    if _adjective(match.group("label"), name):
        return False
    after = NEXT_WORD.match(question, match.end())
    if after is None:
        return True
    word = after.group(1).casefold().rstrip(".")
    if word[0].isdigit() or _period().fullmatch(word) or word in _words("follow"):
        return True
    return word in _words("joiners") and _stage_next(every_name).match(question, after.end()) is not None


def _adjective(typed: str, name: str) -> bool:
    """„neue Phase“, „in der neuen Phase“: an everyday label bent in lower case is an adjective; German
    writes the stage, a noun, with its capital („Neue“)."""
    return _everyday(name) and typed[len(name) :] not in ("", "s") and not typed.startswith(name)


def _next_to(question: str, span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """Joined to a named stage by a comma, "/", or a joiner ("proposal or negotiation", „Verhandlung
    und im Angebot“)."""
    join = _join()
    return any(
        join.fullmatch(question, end, start) is not None
        for end, start in [
            *((other[1], span[0]) for other in spans),
            *((span[1], other[0]) for other in spans),
        ]
        if end <= start
    )


@lru_cache(maxsize=1024)  # a manager's labels come back with every numbers question
def _plain(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?P<label>{re.escape(name)}{ENDINGS})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _cue_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """Cues that name the stage wherever they stand (quotes, a German compound), a stage word after the
    label, and a cue before it."""
    label = rf"(?P<label>{re.escape(name)}{ENDINGS})"
    quoted = rf"[{QUOTES_OPEN}]{label}[{QUOTES_CLOSE}]"
    compound = rf"(?<!\w){re.escape(name)}[s-]?{_alternatives('compound')}(?!\w)"
    after = rf"(?<!\w){label}\s*[-\s]{_alternatives('after')}(?!\w)"
    introduced = rf"{_before()}{label}(?!\w)"
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in (quoted, compound, after, introduced))


@lru_cache(maxsize=64)
def _stage_next(every_name: tuple[str, ...]) -> re.Pattern[str]:
    """After a joiner: another of the manager's stages, with or without its own cue."""
    names = "|".join(map(re.escape, every_name))
    return re.compile(rf"\s+(?:{_before()})?(?:{names}){ENDINGS}(?!\w)", re.IGNORECASE)


@cache
def _before() -> str:
    return rf"(?<!\w){_alternatives('before')}\s+(?:{_alternatives('between')}\s+)?"


@cache
def _join() -> re.Pattern[str]:
    joiners = _alternatives("joiners")
    return re.compile(rf"\s*(?:[,/]\s*(?:{joiners}\s+)?|{joiners}\s+)(?:{_before()})?", re.IGNORECASE)


@cache
def _period() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in _words("period")))


@cache
def _alternatives(section: str) -> str:
    words = sorted(_words(section), key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, word.split())) for word in words) + ")"


@cache
def _everyday(name: str) -> bool:
    return name.casefold() in _words("everyday")


@cache
def _words(section: str) -> frozenset[str]:
    with CUES_FILE.open("rb") as handle:
        cues: dict[str, dict[str, list[str]]] = tomllib.load(handle)
    return frozenset(word.casefold() for words in cues[section].values() for word in words)
