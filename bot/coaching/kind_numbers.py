"""The numbers rules: does a message ask for a figure the coach already has (prompts/kinds/<lang>.toml)?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.coaching.kind_terms import LETTERS, TermLists, normalise

if TYPE_CHECKING:
    from bot.coaching.spelling import Dictionaries

# A figure first, then the deals worth a look, then the plain count (named in every question).
GENERAL_METRICS = ("attention", "open_deals")
MAX_FRAGMENT_WORDS = 6
# Up to this many words, a question naming a figure asks for it ("anything overdue?").
MAX_BARE_FIGURE_WORDS = 3
MAX_PERIOD_WORDS = 10
# The asking words people mistype most ("how mnay", "wie vile"): a near miss after "how"/"wie" is the word.
ASKING_WORDS = {"how": ("many", "much"), "wie": ("viele", "viel")}


def repair_asking(text: str, dictionaries: Dictionaries) -> str:
    """'how mnay deals' → 'how many deals': one slip in the asking word must not hide the question."""
    words = text.split(" ")
    for index in range(1, len(words)):
        keys = ASKING_WORDS.get(words[index - 1])
        word = words[index]
        if keys and word not in keys and len(word) >= min(map(len, keys)):
            near = [key for key in keys if key in dictionaries.single_edits(word)]
            words[index] = near[0] if near else word
    return " ".join(words)


def named_metrics(terms: TermLists, text: str) -> list[str]:
    return [metric for metric, listed in terms.metrics.items() if listed.first(text)]


def names_a_figure(terms: TermLists, text: str, named: list[str]) -> bool:
    """Plain "deals" names no figure ("deals?"); "open deals" or "stale deals" does."""
    return bool(set(named) - {"open_deals"}) or terms.metrics["open_deals"].first(text) not in (None, "deals")


def figures_only(terms: TermLists, text: str) -> str | None:
    """ "overdue deals in my team, no advice needed": a figure, and explicitly nothing else.

    "no lesson please, how do I get my overdue deals down?" still asks how: the how or why outside the
    "no lesson" decides, as in asks_for_figure."""
    only = terms.numbers_only.find(text)
    if only is None or terms.numbers_coaching.outside(text, only) or not named_metrics(terms, text):
        return None
    return f"asks for the figures only: '{only.term}'"


def asks_for_figure(terms: TermLists, text: str) -> str | None:
    """Asks for a figure or a list; a how-to word outside the asking phrase makes it coaching."""
    named = named_metrics(terms, text)
    if not named:
        return None  # "what's my role in the forecast?" asks for no figure we have
    ask = terms.numbers_asks.find(text)
    if ask is not None and not terms.numbers_coaching.outside(text, ask):
        return f"asks for a figure the coach has: '{ask.term}'"
    words = LETTERS.findall(text)
    # "pausiere das pipeline meeting" pauses the team's meeting: neither a command nor a fragment
    plain = not terms.controls_verbs.first(text)
    # "show overdue", "zeig die eingeschlafenen": a command naming a figure, with no how or why
    command = words[0] if plain and words and terms.numbers_commands.covers(words[0]) else None
    if command and not terms.numbers_coaching.first(text):
        return f"a command naming a figure: '{command}'"
    # "open deals count", "my team's stale deals?": a short fragment naming a figure
    # "how do I make my pipeline meetings shorter?" is a question, not a fragment
    short = plain and 0 < len(words) <= MAX_FRAGMENT_WORDS and not terms.question_words.covers(words[0])
    short = short and bool(terms.numbers_nouns.first(text))
    short = short and ("?" in text or not terms.numbers_verbs.first(text))
    figure = names_a_figure(terms, text, named)
    if ask is None and short and figure and not terms.numbers_coaching.first(text):
        return f"a fragment naming a figure: '{named[0]}'"
    specific = set(named) - set(GENERAL_METRICS)
    if specific and "?" in text and len(words) <= MAX_BARE_FIGURE_WORDS:
        return f"a bare question for a figure: '{sorted(specific)[0]}'"
    return None


def figure_over_period(terms: TermLists, text: str) -> str | None:
    """ "won vs lost last 90 days for the team?": a figure over a period, no verb, no how or why."""
    period = terms.numbers_periods.first(text)
    if period is None or len(LETTERS.findall(text)) > MAX_PERIOD_WORDS:
        return None
    if terms.numbers_coaching.first(text) or terms.numbers_verbs.first(text):
        return None
    if names_a_figure(terms, text, named_metrics(terms, text)):
        return f"a figure over a period: '{period}'"
    return None


def asked_metrics(terms: TermLists, message: str) -> list[str]:
    """The metrics a numbers question names, in the order it names them."""
    text = normalise(message)
    found: list[tuple[int, int, str]] = []
    for metric, listed in terms.metrics.items():
        if (hit := listed.find(text)) is not None:
            rank = GENERAL_METRICS.index(metric) if metric in GENERAL_METRICS else -1
            found.append((rank, hit.start, metric))
    return [metric for _, _, metric in sorted(found)]
