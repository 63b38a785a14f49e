"""Does a message ask, and what for: a question, help, how or where, advice (term lists in
prompts/kinds/<lang>.toml). The kind rules read these cues; none of them decides a kind alone."""

from __future__ import annotations

import re

from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS

# A sentence ends at . ! ? followed by a space or the end ("monday.com" and "1.5" are no ends).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# "for Nordbank? nobody." or „ehrlich? 8 von 12.“: a short echo of the question before the answer.
ECHO = re.compile(r"^\s*(?:\S+\s+){0,3}\S+\?\s+(?=\S)")
# A statement this long before the question tells the situation ("one rep refuses to use salesforce.
# how do I handle him"): what the question asks is in the question, not in the story.
MIN_STORY_WORDS = 6
# The term a meaning question asks about follows its phrase closely ("what is a stale deal").
MEANING_WINDOW = 6

# Openers of a request for advice: "how should I…", "wie soll ich…", "why do they…".
ADVICE_OPENERS = frozenset(
    {"how", "should", "what", "why", "wie", "soll", "sollte", "sollen", "was", "warum", "wieso", "weshalb"}
)
# The asker as the subject right after such an opener: "how should I …", „wie gehe ich …“.
ASKERS = frozenset({"i", "we", "ich", "wir", "man"})


def is_question(terms: TermLists, message: str, text: str) -> bool:
    """A question mark, or a question or request word first ("what…", "zeig…")."""
    if "?" in message:
        return True
    first = LETTERS.findall(text)[:1]
    return bool(first) and (terms.question_words.covers(first[0]) or terms.request_words.covers(first[0]))


def asks(terms: TermLists, message: str, text: str) -> bool:
    """A question mark, or a request for help ("what do I do", "how do I")."""
    return "?" in message or bool(terms.help.first(text) or terms.tool_strict_asks.first(text))


def asks_how(terms: TermLists, text: str) -> bool:
    """Asks how or where something is done ("how do I…", "wie gebe ich…"), not for a thing."""
    first = LETTERS.findall(text)[:1]
    return bool(terms.tool_strict_asks.first(text)) or first in (["how"], ["wie"], ["where"], ["wo"])


def asks_advice(terms: TermLists, words: list[str], text: str) -> bool:
    return bool(terms.help.first(text)) or (bool(words[:1]) and words[0] in ADVICE_OPENERS)


def asks_own_way(terms: TermLists, words: list[str], text: str) -> bool:
    """Advice on the asker's own way of working ("how do I…", „wie gehe ich … durch?“), not a figure
    ("wie verteilen sich meine Deals…" opens like advice but asks for numbers)."""
    return bool(terms.help.first(text)) or (
        bool(words[:1]) and words[0] in ADVICE_OPENERS and bool(ASKERS.intersection(words[1:4]))
    )


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


def without_echo(message: str) -> str:
    """The message without a short echo question opening it, when an answer follows."""
    return ECHO.sub("", message, count=1)


def follow_up_question(terms: TermLists, message: str, text: str) -> bool:
    """A question after a lesson, once a short echo ("for Nordbank? nobody.") is taken off: "really? and
    how would the rep know that" still asks, after its fillers ("and", „dann“)."""
    message, text = without_echo(message), without_echo(text)
    words = LETTERS.findall(text)
    while words and terms.fillers.covers(words[0]):
        words = words[1:]
    rest = " ".join(words)
    return is_question(terms, message, rest) or asks(terms, message, rest)


def asking_part(terms: TermLists, text: str) -> str:
    """The text without the statements that tell the situation before the question is asked (a
    statement of MIN_STORY_WORDS or more that is no question and tells no fault of the product: "the
    app logs me out every hour. any fix?" is about the app); all of it when nothing is left or the
    question only points back at the story ("how do I do that?")."""
    parts = sentences(text)
    asking = [part for part in parts if is_question(terms, part, part)]
    # "…a report in HubSpot of all deals without a next step. How do I do that?" asks about the story
    if asking and all(terms.anaphoric.first(part) for part in asking):
        return text
    kept = [
        part
        for part in parts
        if len(LETTERS.findall(part)) < MIN_STORY_WORDS
        or is_question(terms, part, part)
        or terms.tool_faults.first(part)
    ]
    return " ".join(kept) or text


def asks_meaning(terms: TermLists, text: str) -> str | None:
    """Asks what a term of the work means ("what is a stale deal?", „was bedeutet Forecast?“): the term
    right after the asking phrase; "how many deals are considered stale?" asks for a count, "what's a
    good restaurant for the team dinner?" for no term of the work."""
    opening = terms.meaning_not.find(" ".join(LETTERS.findall(text)))
    if opening is not None and opening.start == 0:
        return None
    for part in sentences(text):
        found = terms.meaning.find(part)
        if found is None:
            continue
        asked = part[found.start : found.end]
        window = len(LETTERS.findall(asked)) + MEANING_WINDOW
        if terms.work_terms.first(" ".join(LETTERS.findall(part[found.start :])[:window])):
            return found.term
    return None
