"""The ranking rule: a message asking for the biggest deals ("my 3 largest open opps", „die größten Deals
im Team“) asks for a list the coach has, unless it asks how or why ("how do I coach reps on their biggest
deals?") or tells something ("our biggest deals are all stuck"). Which words ask for the biggest deals is
read from prompts/coach/metric_terms.toml, as for the answer (asked_biggest.py)."""

from __future__ import annotations

import re

from bot.coaching.asked_biggest import read_biggest, told_term
from bot.coaching.kind_asking import ADVICE_OPENERS, asks_own_way, is_question
from bot.coaching.kind_terms import LETTERS, TermLists
from bot.i18n import LANGUAGES

# Of the openers of a request for advice, these also open a request for a list ("what are my biggest
# deals?"); the others ("should", „sollen“, "why") ask for advice about the deals.
LIST_OPENERS = frozenset({"what", "how", "was", "wie"})
# A request for the list that is no question is short ("top deals in my own book ranked by size") or says
# please ("biggest deals please, I need them for the board"); a longer message that asks nothing tells a
# story about a big deal ("beim grössten Deal kennen wir nur…").
MAX_REQUEST_WORDS = 10
SENTENCES = re.compile(r"(?<=[.!?;:])\s+")
RELATIVE = re.compile(r"\s(?:that|which)\s")  # German „, die …“ is as often an apposition
PLEASE = re.compile(r"\b(?:please|pls|plz|bitte)\b")


def asks_for_biggest(terms: TermLists, text: str) -> str | None:
    """A ranking of the biggest deals asked for, with no how or why and not told as a statement."""
    reading = read_biggest(text, LANGUAGES[0])
    if reading is None or terms.numbers_coaching.first(text):
        return None
    words = LETTERS.findall(text)
    if asks_own_way(terms, words, text):  # „wie gehe ich mit den größten Deals um?“ asks for advice
        return None
    if words[:1] and words[0] in ADVICE_OPENERS - LIST_OPENERS:  # „Sollen die Reps … größten Deals …?“
        return None
    # asked in its own sentence after a greeting („Moin! Zeig mir bitte meine größten Deals“) or not
    asking = next((part for part in SENTENCES.split(text) if read_biggest(part, LANGUAGES[0])), text)
    # a relative clause describes the deals asked for ("… that had no stage change"): its verb tells nothing
    head = RELATIVE.split(text, maxsplit=1)[0]
    if (
        not is_question(terms, asking, asking)
        and not PLEASE.search(asking)
        and (
            len(LETTERS.findall(head)) > MAX_REQUEST_WORDS
            or terms.numbers_verbs.first(head)
            or told_term(text)
        )
    ):
        return None  # "our biggest deals are all stuck in legal" tells, it does not ask
    return f"asks for the biggest deals: '{reading.term}'"
