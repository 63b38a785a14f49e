"""Whether a question names one of the manager's stage labels as a stage, by the cues in
prompts/coach/stage_cues.toml: "in negotiation", "negotiation stage", quoted, „Angebotsphase“.

A label is often an everyday word ("New", "Open", „Angebot“) or the start of a longer name ("new
york", "proposal writing"): a cue before it counts only where the stage name ends there.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache, lru_cache

from bot.paths import PROMPTS_DIR

CUES_FILE = PROMPTS_DIR / "coach" / "stage_cues.toml"
MIN_LABEL_LENGTH = 3  # "A", "B2": too short to be told from other words
# Endings a label may carry: "negotiations", „Angebote“, „Verhandlungen“.
ENDINGS = r"(?:s|e|en|n)?"
QUOTES_OPEN = "\"'„“‚‘»«"
QUOTES_CLOSE = "\"'“”‘’«»"
NEXT_WORD = re.compile(r"\s+(\w[\w'-]*)")


def names_stage(question: str, label: str, *, cue: bool = True) -> bool:
    """The question names this stage: the label, a part of it before or after a "/" ("Negotiation" of
    "Negotiation/Review"), or the label with the "/" read as a space — with a stage cue, or (`cue` False,
    once a cue named another stage: "in proposal or negotiation") also where it ends a stage name."""
    parts = (label, label.replace("/", " "), *label.split("/"))
    names = {" ".join(part.split()) for part in parts}
    question = " ".join(question.split())
    return any(
        len(name) >= MIN_LABEL_LENGTH and (_cued(question, name) or (not cue and _listed(question, name)))
        for name in names
    )


def _cued(question: str, name: str) -> bool:
    strong, introduced = _cue_patterns(name)
    if strong.search(question):
        return True
    return any(_ends_name(question, match, name) for match in introduced.finditer(question))


def _listed(question: str, name: str) -> bool:
    return any(_ends_name(question, match, name) for match in _plain(name).finditer(question))


def _ends_name(question: str, match: re.Match[str], name: str) -> bool:
    """The stage name ends after this match: nothing, punctuation or a number follows, or a word of
    [follow]; a label written as the CRM writes it may also go on with a lower-case word."""
    after = NEXT_WORD.match(question, match.end())
    if after is None:
        return True
    word = after.group(1)
    if word[0].isdigit() or word.casefold() in _follow_words():
        return True
    written_as_label = match.group("label").startswith(name) and name != name.lower()
    return written_as_label and not word[0].isupper()


@lru_cache(maxsize=1024)  # a manager's labels come back with every numbers question
def _plain(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?P<label>{re.escape(name)}{ENDINGS})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _cue_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A cue that names the stage wherever it stands (a stage word after the label, quotes, a German
    compound), and the cue before it that names it only where the name ends."""
    cues = _cues()
    label = re.escape(name) + ENDINGS
    after = _alternatives(cues["after"])
    compound = _alternatives(cues["compound"])
    strong = (
        rf"(?<!\w){label}\s*[-\s]{after}(?!\w)"
        rf"|[{QUOTES_OPEN}]{label}[{QUOTES_CLOSE}]"
        rf"|(?<!\w){re.escape(name)}[s-]?{compound}(?!\w)"
    )
    before = rf"(?<!\w){_alternatives(cues['before'])}\s+(?:{_alternatives(cues['between'])}\s+)?"
    introduced = rf"{before}(?P<label>{label})(?!\w)"
    return re.compile(strong, re.IGNORECASE), re.compile(introduced, re.IGNORECASE)


def _alternatives(section: dict[str, list[str]]) -> str:
    words = sorted({word for words in section.values() for word in words}, key=len, reverse=True)
    return "(?:" + "|".join(r"\s+".join(map(re.escape, word.split())) for word in words) + ")"


@cache
def _follow_words() -> frozenset[str]:
    return frozenset(word.casefold() for words in _cues()["follow"].values() for word in words)


@cache
def _cues() -> dict[str, dict[str, list[str]]]:
    with CUES_FILE.open("rb") as handle:
        return tomllib.load(handle)
