"""Which metric a question names ("half our deals have no next step" → deals_without_next_step), own or
team, from the word lists in prompts/coach/metric_terms.toml, so the answer quotes and sets a goal on
that one. `read_asked` also says which words decided it, so a wrong reading can be traced to a term.
The message-kind rules read the same lists (`named_figures`): whether a message names a figure at all."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.coaching.asked_dismissed import undismissed
from bot.coaching.asked_families import asked_families, first_term, misspelt
from bot.coaching.asked_lost import lost_first
from bot.coaching.asked_model import arbitrated
from bot.coaching.asked_terms import (
    COMPOUNDING,
    flat,
    found,
    metric_terms,
    own_scope,
    prepared,
    term_pattern,
)
from bot.coaching.goals import scope_of
from bot.i18n import LANGUAGES, Language

# family -> (team metric, own metric)
FAMILY_METRICS: dict[str, tuple[str, str]] = {
    "no_next_step": ("deals_without_next_step", "own_deals_without_next_step"),
    "stale": ("stale_deals", "own_stale_deals"),
    "overdue": ("overdue_close_dates", "own_overdue_close_dates"),
    "open_deals": ("open_deals", "own_open_deals"),
    "open_value": ("open_value", "own_open_value"),
    "activities": ("activities_7d_team", "activities_7d_manager"),
    "won_lost": ("won_90d", "own_won_90d"),  # lost_90d and own_lost_90d when lost is named first
}
# The overview's line of each family a numbers question names (the manager's activities line also
# states the team's), and the deals worth a look, which are a list, not a metric.
ATTENTION = "attention"
OVERVIEW_METRICS = {family: team for family, (team, _) in FAMILY_METRICS.items()} | {
    "activities": "activities_7d_manager",
    ATTENTION: ATTENTION,
}
# Named by nearly every numbers question: listed after the figures the question names.
GENERAL_FIGURES = (ATTENTION, "open_deals")
FAMILY_OF = {metric: family for family, pair in FAMILY_METRICS.items() for metric in pair} | {
    "lost_90d": "won_lost",
    "own_lost_90d": "won_lost",
    "stale_share": "stale",
    "no_next_step_share": "no_next_step",
    "overdue_share": "overdue",
    "own_stale_share": "stale",
    "own_no_next_step_share": "no_next_step",
    "own_overdue_share": "overdue",
}


@dataclass(frozen=True, slots=True)
class AskedReading:
    """The metric a question names and the words that decided it (for explaining a reading)."""

    metric: str
    family_term: str  # the term that named the family, e.g. "überfällig"
    scope_term: str | None  # the cue that decided own or team, None when nothing did (team)


@dataclass(frozen=True, slots=True)
class NamedFigure:
    """A figure a message names, for the message-kind rules: a family (or the deals worth a look), the
    earliest word that names it, and whether that word names a figure at all (plain "deals" names none)."""

    family: str
    term: str
    start: int
    figure: bool


def family_of(metric: str) -> str | None:
    """'own_deals_without_next_step' → 'no_next_step'; None for a metric of no family (team_size)."""
    return FAMILY_OF.get(metric)


def asked_metric(question: str, language: Language) -> str | None:
    """The metric the question names, own or team, or None when it names none."""
    reading = read_asked(question, language)
    return reading.metric if reading else None


def read_asked(question: str, language: Language) -> AskedReading | None:
    """The metric the question names first (families in the data file's order) and why."""
    return next(iter(read_all(question, language)), None)


def read_all(question: str, language: Language) -> list[AskedReading]:
    """Every metric the question names, one per family, all in the question's scope ("my stale and
    overdue deals" → both own). A word counts for one family only: once a family is found its terms
    are taken out („Deals ohne Aktivität“ is stale, not also activities). A figure stated as context
    beside a question about another one is not asked ("I have 12 stale deals, how many are overdue?").
    The answer's language comes first, but a question typed in the other language is understood too.
    A figure mentioned only to set it aside is left out when the rest names one (asked_dismissed).
    A dismissal sets a figure aside, not whose figures are asked: without a scope cue in the rest, a
    strong own cue of the whole message decides ("not the team, me: stale deals?")."""
    kept = undismissed(question)
    return (kept != question and _read_all(kept, language, question)) or _read_all(question, language)


def _read_all(question: str, language: Language, whole: str | None = None) -> list[AskedReading]:
    spaced, text, order = prepared(question, language)
    terms = metric_terms()
    readings: list[AskedReading] = []
    scope: tuple[bool, str | None] | None = None
    named = asked_families(text, order)
    for family, family_term, words in arbitrated(question, misspelt(text, order, named) or named):
        if scope is None:  # read once: it is the question's, whichever family
            scope = own_scope(spaced, text, order)
            if whole is not None and scope[1] is None:
                scope = strong_scope(whole, language) or scope
        own, scope_term = scope
        team_metric, own_metric = FAMILY_METRICS[family]
        if family == "won_lost" and lost_first(text, words) and first_term(terms["lost_words"], text, order):
            team_metric, own_metric = "lost_90d", "own_lost_90d"
        readings.append(AskedReading(own_metric if own else team_metric, family_term, scope_term))
    return readings


def question_scope(question: str, language: Language) -> tuple[bool, str | None]:
    """Whether the question is about the manager's own deals, and the cue that says so."""
    spaced, text, order = prepared(question, language)
    return own_scope(spaced, text, order)


def strong_scope(question: str, language: Language) -> tuple[bool, str | None] | None:
    """The manager's own, when the question says so with a strong cue ([scope] own_strong), else None."""
    own, term = question_scope(question, language)
    strong = metric_terms()["scope"]["own_strong"]
    return (own, term) if own and any(term in strong[lang] for lang in LANGUAGES) else None


def request_term(question: str, request: str) -> str | None:
    """The first term of `[requests.<request>]` (either language) the question contains."""
    text = flat(question)
    words = metric_terms()["requests"][request]
    return next((hit for lang in LANGUAGES if (hit := found(text, words[lang], False, True))), None)


def named_figures(message: str) -> tuple[NamedFigure, ...]:
    """Every figure a message names, in the order it names them, for the message-kind rules: a family by
    its words, its counting words or its broad words (these name a figure only in a request for numbers,
    so `read_all` leaves them out), or the deals worth a look; both languages, no family taking words
    from another (whether a figure is asked for at all, not which one is the answer)."""
    return _named_figures(flat(message))


def figures_asked(message: str) -> list[str]:
    """The overview's lines a numbers question names, those it names first in its order, then the deals
    worth a look and the open deals (which nearly every question names)."""
    ranked = sorted(
        (GENERAL_FIGURES.index(f.family) if f.family in GENERAL_FIGURES else -1, f.start, f.family)
        for f in named_figures(message)
    )
    return [OVERVIEW_METRICS[family] for _, _, family in ranked]


def figure_terms() -> list[str]:
    """Every term that names a figure (the message-kind rules count their words as known words)."""
    terms = metric_terms()
    sections = (terms["leading"], terms["families"], terms["alone"], terms["broad"])
    return [
        word
        for section in sections
        for lists in section.values()
        for words in lists.values()
        for word in words
    ]


@lru_cache(maxsize=1024)
def _named_figures(flattened: str) -> tuple[NamedFigure, ...]:
    _, text, _ = prepared(flattened, LANGUAGES[0])
    terms = metric_terms()
    no_figure = {word for lang in LANGUAGES for word in terms["no_figure"][lang]}
    sections = (
        (terms["leading"], True),
        (terms["families"], True),
        (terms["alone"], True),
        (terms["broad"], False),
    )
    figures: list[NamedFigure] = []
    for family in dict.fromkeys(family for section, _ in sections for family in section):
        hits = [
            (hit.start(), hit.start() - hit.end(), word)
            for section, compounds in sections
            for lang in LANGUAGES
            for word in section.get(family, {}).get(lang, ())
            if (hit := term_pattern(word, compounds and lang in COMPOUNDING, True).search(text))
        ]
        if hits:
            start, _, word = min(hits)
            figures.append(NamedFigure(family, word.strip(), start, word not in no_figure))
    return tuple(sorted(figures, key=lambda named: named.start))


def same_family(metric: str, asked: str) -> bool:
    return family_of(metric) is not None and family_of(metric) == family_of(asked)


def same_scope(metric: str, asked: str) -> bool:
    return scope_of(metric)[1] == scope_of(asked)[1]


def forget_terms() -> None:
    """The term file is read again on next use (it was edited while the process runs)."""
    metric_terms.cache_clear()
    _named_figures.cache_clear()
