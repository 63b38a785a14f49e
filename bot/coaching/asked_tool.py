"""The metrics a tool how-to asks about, whose numbers its answer quotes: only those that are the
question's object ("a report of stale deals", „Filter für veraltete Deals“), not a metric word naming a
field or an action ("the shortcut to log a call", "add a next step"), per [tool] in metric_terms.toml."""

from __future__ import annotations

from bot.coaching.asked import AskedReading, read_all
from bot.coaching.asked_terms import flat, metric_terms, term_pattern
from bot.coaching.asked_typos import corrected
from bot.i18n import LANGUAGES, Language

ACTION_WINDOW = 3  # words either side of the metric word where an action makes it a field


def tool_asked(question: str, language: Language) -> list[AskedReading]:
    """The readings of `read_all` whose metric word follows a report/list/filter/count word and has no
    action word beside it."""
    readings = read_all(question, language)
    if not readings:
        return []
    text = corrected(flat(question))
    tool = metric_terms()["tool"]
    objects = [
        hit.start()
        for lang in LANGUAGES
        for word in tool["objects"][lang]
        if (hit := term_pattern(word, False, False).search(text))
    ]
    if not objects:
        return []
    first_object = min(objects)
    return [r for r in readings if _is_object(text, r.family_term, first_object, tool["actions"])]


def _is_object(text: str, term: str, first_object: int, actions: dict[str, list[str]]) -> bool:
    hit = next(
        (h for compound in (False, True) if (h := term_pattern(term, compound, True).search(text))), None
    )
    if hit is None or hit.start() < first_object:
        return False
    before = text[: hit.start()].split()[-ACTION_WINDOW:]
    after = text[hit.end() :].split()[: ACTION_WINDOW + 1]  # the rest of the metric word, then three
    beside = " " + " ".join([*before, *after]) + " "
    return not any(
        term_pattern(word, False, False).search(beside) for lang in LANGUAGES for word in actions[lang]
    )
