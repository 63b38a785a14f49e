"""Figures a message mentions only to set them aside before naming the one it asks about ("not talking
about the stale stuff, I mean …", „überfällige close dates hab ich im griff, darum gehts nicht“), from
[dismissed] in prompts/coach/metric_terms.toml. The reader blanks them and reads the rest; when the rest
names no figure, the message is read whole (a dismissal is no reason to read nothing)."""

from __future__ import annotations

import re

from bot.coaching.asked_terms import metric_terms, term_pattern
from bot.i18n import LANGUAGES

# Where a clause ends: punctuation, a dash, or a word that turns to what is asked ("but", „sondern“).
CLAUSE_END = re.compile(r"[.?!;,:]|\s[-–—]\s")


def undismissed(question: str) -> str:
    """The question with each clause that sets a figure aside blanked: after a word of `before` (of
    `opening` at a clause's start) up to its clause's end ("not talking about the stale stuff,"); before
    a word of `after` back to its clause's start („die ohne nächsten schritt sind mir grad egal“; when
    the clause holds nothing but the word, „…, darum gehts nicht“, the clause before it too)."""
    lower = question.lower().replace("’", "'")
    if len(lower) != len(question):  # a letter that changes length when lowered: spans would not align
        return question
    dismissed = metric_terms()["dismissed"]
    turns = "|".join(re.escape(word) for lang in LANGUAGES for word in dismissed["turns"][lang])
    ends = re.compile(rf"{CLAUSE_END.pattern}|(?<!\w)(?:{turns})(?!\w)")
    leads = {word for lang in LANGUAGES for word in dismissed["leads"][lang]}
    spans: list[tuple[int, int]] = []
    for lang in LANGUAGES:
        for word in [*dismissed["before"][lang], *dismissed["opening"][lang]]:
            for hit in term_pattern(word, False, True).finditer(lower):
                lead = lower[_clause_start(lower, hit.start(), ends) : hit.start()].strip(" ,;:-–—")
                if any(part not in leads for part in lead.split()):
                    continue  # inside a clause: "reps always forget the next step", "why do they not log"
                end = ends.search(lower, hit.end())
                stop = end.start() if end else len(lower)
                if not lower.startswith("?", stop):  # „lassen wir die überfälligen durchgehen?“ asks
                    spans.append((hit.start(), stop))
        for word in dismissed["after"][lang]:
            for hit in term_pattern(word, False, True).finditer(lower):
                begin = _clause_start(lower, hit.start(), ends)
                unsaid = lower[: hit.start()] + " " * (hit.end() - hit.start()) + lower[hit.end() :]
                if _asking(unsaid, begin, ends):  # "how do I get the overdue ones under control?"
                    continue  # (its own words ask nothing: "not what I mean")
                end = ends.search(lower, hit.end())
                ends_clause = not lower[hit.end() : end.start() if end else len(lower)].strip()
                if ends_clause and not lower[begin : hit.start()].strip(" ,;:-–—"):
                    previous = _clause_start(lower, max(begin - 1, 0), ends)
                    if not _asking(lower, previous, ends):  # "how many stale? I don't care, …"
                        begin = previous
                spans.append((begin, hit.end()))
    blanked = question
    for begin, stop in spans:
        blanked = blanked[:begin] + " " * (stop - begin) + blanked[stop:]
    return blanked


def _asking(text: str, begin: int, ends: re.Pattern[str]) -> bool:
    """Whether the clause from `begin` asks: it ends in a question mark or holds an asking word."""
    end = ends.search(text, begin)
    stop = end.start() if end else len(text)
    asks = metric_terms()["context"]["asks"]
    clause = f" {text[begin:stop]} "
    return text.startswith("?", stop) or any(
        term_pattern(word, False, False).search(clause) for lang in LANGUAGES for word in asks[lang]
    )


def _clause_start(text: str, before: int, ends: re.Pattern[str]) -> int:
    return max((hit.end() for hit in ends.finditer(text, 0, before)), default=0)
