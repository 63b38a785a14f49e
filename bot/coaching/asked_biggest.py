"""A question asking for the biggest deals ("my 3 biggest open opps", „die größten Deals im Team“): whether
it asks for a ranking by amount, how many deals and whose, read from the [requests.*] lists of
prompts/coach/metric_terms.toml with the same term syntax and scope cues as the asked metric (asked.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.asked import _flat, _own_scope, _pattern, _prepared, _terms
from bot.i18n import LANGUAGES, Language

# How far from the biggest-deals words a count may stand: "the five deals with the highest value".
COUNT_WORDS_BEFORE = 4
COUNT_WORDS_AFTER = 2
DEAL_WORD_GAP = 2  # words allowed between the biggest-deals words and the deal word after them


@dataclass(frozen=True, slots=True)
class BiggestReading:
    """A question asking for the biggest deals: how many (None when it says no number), whose, and
    the words that decided it."""

    term: str  # e.g. "größten"
    count: int | None
    own: bool
    scope_term: str | None  # the cue that made it own or team, None when nothing did (team)


def read_biggest(question: str, language: Language) -> BiggestReading | None:
    """What a question asking for the biggest deals ("5 biggest open opps", „die größten Deals“) wants:
    how many, whose (the scope every other number of the question is read in: "my own", „meine
    eigenen“ → own), and the words that said so; None when it asks for no ranking ("our biggest
    problem", „größtenteils“)."""
    text = _flat(question)
    hit = _biggest_hit(text)
    if hit is None:
        return None
    spaced, scoped, order = _prepared(question, language)
    own, scope_term = _own_scope(spaced, scoped, order)
    return BiggestReading(
        term=hit.group(0).strip(), count=_count_near(text, hit), own=own, scope_term=scope_term
    )


def _biggest_hit(text: str) -> re.Match[str] | None:
    """The first biggest-deals words of the text that have a deal word right after them ("biggest open
    deals") or before them in the same clause ("which deals are the biggest")."""
    requests = _terms()["requests"]
    deal_words = "|".join(re.escape(word) for lang in LANGUAGES for word in requests["deal_words"][lang])
    after = re.compile(rf"^\W*(?:\w+\W+){{0,{DEAL_WORD_GAP}}}(?:{deal_words})")
    before = re.compile(rf"(?<!\w)(?:{deal_words})[^.,;:!?]*$")
    for lang in LANGUAGES:
        for word in requests["biggest"][lang]:
            for hit in _pattern(word, False, True).finditer(text):
                if after.search(text[hit.end() :]) or before.search(text[: hit.start()]):
                    return hit
    return None


def _count_near(text: str, hit: re.Match[str]) -> int | None:
    """The count said with the biggest-deals words ("5 biggest", „die drei größten“, "top 30"): the number
    in the words themselves, else the nearest one a few words before or after them that counts no other
    thing ("in the last 30 days", "our 12 reps"); 1 for a single deal ("our biggest deal")."""
    if hit.groups() and hit.group(1):
        return int(hit.group(1))
    requests = _terms()["requests"]
    tokens = [(m.group(0), m.start()) for m in re.finditer(r"\w+|[%€$£]", text)]
    number_words = {
        word: number for lang in LANGUAGES for word, number in requests["count_words"][lang].items()
    }
    units = {unit for lang in LANGUAGES for unit in requests["count_units"][lang]}
    first = next((i for i, (_, start) in enumerate(tokens) if start >= hit.start()), len(tokens))
    last = next((i for i, (_, start) in enumerate(tokens) if start >= hit.end()), len(tokens))
    near = [
        *range(first, last),
        *reversed(range(max(first - COUNT_WORDS_BEFORE, 0), first)),
        *range(last, min(last + COUNT_WORDS_AFTER, len(tokens))),
    ]
    for index in near:
        word = tokens[index][0]
        count = int(word) if word.isdecimal() and len(word) <= 3 else number_words.get(word)
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if count and following not in units:
            return int(count)
    singular = (f for lang in LANGUAGES for f in requests["one_deal"][lang])
    return 1 if any(_pattern(phrase, False, True).search(text) for phrase in singular) else None
