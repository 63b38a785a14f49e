"""The numbers rules: does a message ask for a figure the coach already has (prompts/kinds/<lang>.toml)?
Which figure a message names is read from prompts/coach/metric_terms.toml, as for the asked metric."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.coaching.asked import GENERAL_FIGURES, named_figures, request_term
from bot.coaching.kind_asking import asks_own_way, sentences
from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS, Found, Terms, pattern

if TYPE_CHECKING:
    from bot.coaching.spelling import Dictionaries

MAX_FRAGMENT_WORDS = 6
# "overdue close dates: fix or delete?": a short last clause choosing between two doings asks for a decision.
DECISION = re.compile(r"[:;,–—-]\s*([^:;,–—-]+)\?\s*$")
MAX_DECISION_WORDS = 4
# Where the clause of an "only" phrase ends: the advice it turns down is in the same one.
CLAUSE_MARKS = (",", ";", ":", ".", "?", "!")
# A question of fewer words ("fine?", „hä?“) echoes; it does not take the asking from another sentence.
MIN_QUESTION_WORDS = 3
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


def named_families(text: str) -> list[str]:
    return [named.family for named in named_figures(text)]


def names_a_figure(text: str) -> bool:
    """Plain "deals" names no figure ("deals?"); "open deals" or "stale deals" does."""
    return any(named.figure for named in named_figures(text))


def figures_only(terms: TermLists, text: str) -> str | None:
    """ "overdue deals in my team, no advice needed": a figure, and explicitly nothing else.

    "no lesson please, how do I get my overdue deals down?" still asks how: the how or why outside the
    "no lesson" decides, as in asks_for_figure."""
    only = terms.numbers_only.find(text)
    # "just the number of …, no tips": every "only" phrase is taken out before the how or why is looked for
    asking = terms.numbers_coaching.first(_without_advice_turned_down(terms, text))
    if only is None or asking or not named_figures(text):
        return None
    return f"asks for the figures only: '{only.term}'"


def decides(terms: TermLists, text: str) -> bool:
    """Ends choosing between two doings ("…: fix or delete?", „… – anrufen oder schließen?“), no figure."""
    match = DECISION.search(text)
    if match is None:
        return False
    clause = LETTERS.findall(match.group(1))
    return (
        len(clause) <= MAX_DECISION_WORDS
        and any(terms.decision_words.covers(word) for word in clause)
        and not named_figures(match.group(1))
    )


def asks_for_figure(terms: TermLists, text: str) -> str | None:
    """Asks for a figure or a list; a how-to word outside the asking phrase makes it coaching."""
    named = named_families(text)
    if not named or decides(terms, text):
        return None  # "what's my role in the forecast?" asks for no figure we have
    ask = terms.numbers_asks.find(text)
    if ask is not None and terms.numbers_judged.first(text[ask.start : ask.end]):
        ask = None  # "do I have too many deals to manage them?" judges the deals, asks no count
    rest = _blanked(terms.numbers_occasions, _without_advice_turned_down(terms, text))
    follow_up = ask is not None and terms.numbers_follow_ups.covers(ask.term)
    if (
        ask is not None
        and not terms.numbers_coaching.outside(rest, ask)
        and _named_where_asked(text, ask, follow_up)
    ):
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
    figure = names_a_figure(text)
    if ask is None and short and figure and not terms.numbers_coaching.first(text):
        return f"a fragment naming a figure: '{_telling(named)}'"
    # "logging?" names the activities but no figure of them, "verschoben?" nothing that was postponed
    specific = {
        found.family
        for found in named_figures(text)
        if found.figure and (not terms.vague_figures.covers(found.term) or terms.numbers_nouns.first(text))
    } - set(GENERAL_FIGURES)
    if specific and "?" in text and len(words) <= MAX_BARE_FIGURE_WORDS:
        return f"a bare question for a figure: '{sorted(specific)[0]}'"
    return None


def deals_by_stage(terms: TermLists, text: str) -> str | None:
    """ "my own deals by stage", „meine Deals nach Phase“: deals per pipeline stage, no how or why."""
    term = request_term(text, "by_stage")
    if term is None or not named_figures(text) or terms.numbers_coaching.first(text):
        return None
    if asks_own_way(
        terms, LETTERS.findall(text), text
    ):  # „wie gehe ich die Deals pro Phase durch?“ asks for advice
        return None
    return f"asks for the deals by stage: '{term}'"


def figure_over_period(terms: TermLists, text: str) -> str | None:
    """ "won vs lost last 90 days for the team?": a figure over a period, no verb, no how or why."""
    period = terms.numbers_periods.first(text)
    if period is None or len(LETTERS.findall(text)) > MAX_PERIOD_WORDS or decides(terms, text):
        return None
    if terms.numbers_coaching.first(text) or terms.numbers_verbs.first(text):
        return None
    if names_a_figure(text):
        return f"a figure over a period: '{period}'"
    return None


def _named_where_asked(text: str, ask: Found, follow_up: bool = False) -> bool:
    """The figure is named in the sentence that asks ("what should I look at first? I open hubspot and get
    lost" names "open" only in the story), and that sentence is the question when another one is ("my
    open pipeline is 1.4m, the target 2m. how do I close the gap?" states the figure, asks how)."""
    ends = (". ", "? ", "! ")
    start = max(text.rfind(end, 0, ask.start) for end in ends)
    if follow_up:  # "…deals untouched for 30 days? if so which": the sentence before names the figure
        start = max(text.rfind(end, 0, max(start, 0)) for end in ends)
    stop = min((found for end in ends if (found := text.find(end, ask.end)) >= 0), default=len(text))
    asking = text[start + 1 : stop + 1]
    # "fine? then show me the deals…": a word or two before a "?" is an echo, not the question
    questions_elsewhere = any(
        "?" in part and len(LETTERS.findall(part)) >= MIN_QUESTION_WORDS
        for part in sentences(text[: start + 1] + " " + text[stop + 1 :])
    )
    return bool(named_figures(asking)) and ("?" in asking or not questions_elsewhere)


def _without_advice_turned_down(terms: TermLists, text: str) -> str:
    """`text` without its "only" phrases and the advice each turns down in its own clause ("you usually
    give me advice but this time just the count"), blanked to the same length (spans found in `text`
    still fit). Advice in another clause is asked for: "I don't need advice on the tool, I need help…"."""
    for only in terms.numbers_only.every(text):
        for found in pattern(only).finditer(text):
            start, end = found.span()
            left = max(text.rfind(mark, 0, start) for mark in CLAUSE_MARKS) + 1
            right = min((at for mark in CLAUSE_MARKS if (at := text.find(mark, end)) >= 0), default=len(text))
            clause = text[left:right]
            for term in (only, *terms.numbers_advice.every(clause)):
                clause = pattern(term).sub(lambda hit: " " * len(hit.group(0)), clause)
            text = text[:left] + clause + text[right:]
    return text


def _blanked(listed: Terms, text: str) -> str:
    """`text` with each of the terms blanked, at the same length (spans found in `text` still fit)."""
    for term in listed.every(text):
        text = pattern(term).sub(lambda hit: " " * len(hit.group(0)), text)
    return text


def _telling(named: list[str]) -> str:
    """The figure a reason names: the first one that is not named by nearly every question."""
    return next((family for family in named if family not in GENERAL_FIGURES), named[0])
