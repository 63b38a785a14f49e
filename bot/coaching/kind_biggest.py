"""The ranking rule: a message asking for the biggest deals ("my 3 largest open opps", „die größten Deals
im Team“) asks for a list the coach has, unless it asks how or why ("how do I coach reps on their biggest
deals?") or tells something ("our biggest deals are all stuck"). Whether it asks for the ranking or tells
is decided in asked_biggest.requested_biggest (this rule passes it the question and verb tests); this rule
adds the test for advice asked ("how do I …"), which keeps such a message coaching. The answer reads the
ranking later (ask.py: asked_biggest.read_biggest, once the message is a numbers question)."""

from __future__ import annotations

from bot.coaching.asked_biggest import requested_biggest
from bot.coaching.kind_asking import ADVICE_OPENERS, asks_own_way, is_question
from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS

# Of the openers of a request for advice, these also open a request for a list ("what are my biggest
# deals?"); the others ("should", „sollen“, "why") ask for advice about the deals.
LIST_OPENERS = frozenset({"what", "how", "was", "wie"})


def asks_for_biggest(terms: TermLists, text: str) -> str | None:
    """A ranking of the biggest deals asked for, with no how or why and not told as a statement."""
    if terms.numbers_coaching.first(text):
        return None
    words = LETTERS.findall(text)
    if asks_own_way(terms, words, text):  # „wie gehe ich mit den größten Deals um?“ asks for advice
        return None
    if words[:1] and words[0] in ADVICE_OPENERS - LIST_OPENERS:  # „Sollen die Reps … größten Deals …?“
        return None
    reading = requested_biggest(
        text, asks=lambda part: is_question(terms, part, part), verb=terms.numbers_verbs.first
    )
    return None if reading is None else f"asks for the biggest deals: '{reading.term}'"
