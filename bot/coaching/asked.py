"""Which metric a question names ("half our deals have no next step" → deals_without_next_step), own or
team, from the word lists in prompts/coach/metric_terms.toml, so the answer quotes and sets a goal on
that one. `read_asked` also says which words decided it, so a wrong reading can be traced to a term.
The message-kind rules read the same lists (`named_figures`): whether a message names a figure at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
from bot.coaching.asked_typos import corrected
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
    "won_lost": ("won_90d", "won_90d"),  # the CRM has no personal won/lost count
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
    The answer's language comes first, but a question typed in the other language is understood too."""
    spaced, text, order = prepared(question, language)
    terms = metric_terms()
    readings: list[AskedReading] = []
    scope: tuple[bool, str | None] | None = None
    named = _asked_families(text, order)
    for family, family_term, words in arbitrated(question, _misspelt(text, order, named) or named):
        if family == "won_lost":
            lost = _first(terms["lost_words"], text, order) if lost_first(text, words) else None
            readings.append(AskedReading("lost_90d" if lost else "won_90d", family_term, lost))
            continue
        if scope is None:  # read once: it is the question's, whichever family
            scope = own_scope(spaced, text, order)
        own, scope_term = scope
        team_metric, own_metric = FAMILY_METRICS[family]
        readings.append(AskedReading(own_metric if own else team_metric, family_term, scope_term))
    return readings


CUT = "\x00"  # where one clause ends and the next begins
Named = tuple[str, str, dict[str, list[str]]]  # family, the term that names it, the family's words


def _first(words: dict[str, list[str]], within: str, order: list[Language]) -> str | None:
    return next(
        (hit for lang in order if (hit := found(within, words[lang], lang in COMPOUNDING, True))), None
    )


def _families(text: str, order: list[Language]) -> list[Named]:
    """The families the text names, in the data file's order, each word counting for one family; a
    situation of [leading] names its family before any other ("deals from last month still sitting
    there" is overdue, not stale), some only beside a word of [leading_when]; those of [told] (beside a
    word of [told_when]), [alone] and [stated] only when no other family is named."""
    terms = metric_terms()
    named: list[Named] = []
    starts: list[float] = []  # where the text names each family; -1 for a situation of [leading]
    sections = [
        (False, terms["leading"], terms["leading_when"]),
        (False, terms["families"], {}),
        (True, terms["told"], terms["told_when"]),
        (True, terms["alone"], {}),
        (True, terms["stated"], {}),
    ]
    rest = text
    for alone, section, when in sections:
        for family, words in section.items():
            if alone and named:
                return _won_when_closed(text, order, _by_position(named, starts))
            known = any(family == earlier for earlier, _, _ in named)
            unless = when.get(family)
            if unless and _first(unless, text, order) is None:
                continue
            within = _whole_counts(rest, order) if section is terms["stated"] else rest
            family_term = None if known else _first(words, within, order)
            if not known and family_term is None:
                continue
            start = -1 if section is terms["leading"] else _start(words, rest, order, text)
            for lang in order:
                for word in words[lang]:  # blanked, not cut, so later families' starts stay in place
                    pattern = term_pattern(word, lang in COMPOUNDING, True)
                    rest = pattern.sub(lambda hit: " " * len(hit.group(0)), rest)
            if family_term is not None:
                named.append((family, family_term, terms["families"][family]))
                starts.append(start)
    return _won_when_closed(text, order, _by_position(named, starts))


def _whole_counts(text: str, order: list[Language]) -> str:
    """The text with only the numbers of a whole set of deals, after a word of [stated_whole] ("all 120
    opps", "he owns 25 deals"), the others blanked ("17 deals still say they'll close in march"); none
    in a one-on-one (one rep's deals gone through)."""
    whole = metric_terms()["stated_whole"]
    if _first(whole["one_on_one"], text, order):
        return re.sub(r"\d", " ", text)
    owners = {word for lang in order for word in whole[lang]}
    about = {word for lang in order for word in whole["about"][lang]}

    def kept(hit: re.Match[str]) -> str:
        before = text[: hit.start()].split()[-2:]
        if before and before[-1] in about:
            before = before[:-1]
        return hit.group(0) if before and before[-1] in owners else " " * len(hit.group(0))

    return re.sub(r"(?<![\w.,])\d+", kept, text)


def _start(words: dict[str, list[str]], within: str, order: list[Language], text: str) -> float:
    """Where the text first names the family; after every other family when a word of [order]
    not_leading comes right before it ("not the overdue ones, which deals have no next step?")."""
    start = min((hit.start() for hit in _hits(words, within, order)), default=-1)
    not_leading = metric_terms()["order"]["not_leading"]
    words_before = "|".join(re.escape(word) for lang in order for word in not_leading[lang])
    negated = start > 0 and re.search(rf"(?<!\w)(?:{words_before})\s+$", text[:start])
    return start + len(text) if negated else start


def _by_position(named: list[Named], starts: list[float]) -> list[Named]:
    """The families of [order] by_position in the order the text names them, in the places they hold
    ("which deals are overdue and where nothing happens": overdue, then stale); the others and the
    situations of [leading] stay where the data file's order puts them."""
    ranked = set(metric_terms()["order"]["by_position"])
    slots = [at for at, (family, _, _) in enumerate(named) if family in ranked and starts[at] >= 0]
    reordered = list(named)
    for slot, at in zip(slots, sorted(slots, key=lambda at: starts[at]), strict=True):
        reordered[slot] = named[at]
    return reordered


def _won_when_closed(text: str, order: list[Language], named: list[Named]) -> list[Named]:
    """A value or a count asked with a closing word ("how much revenue did we close", "what have we booked")
    is the won count ([closed] in the term file), in the place of the first of them; not where the same
    clause says the deals are still open or yet to close ("how many will be signed this quarter"). Another
    clause asking what is still open keeps the open figure too ("…, and how much is still open?")."""
    closed = metric_terms()["closed"]
    breaks = [b for lang in order for b in metric_terms()["context"]["breaks"][lang]]
    closing, still_open = None, False
    for clause in _clauses(text, breaks):
        if _first(closed["open"], clause, order) or _closing_to_come(clause, order):
            still_open = True
        elif closing is None:
            closing = _first(closed["words"], clause, order)
    if closing is None:
        return named
    won_words = metric_terms()["families"]["won_lost"]
    if not named:
        return [("won_lost", closing, won_words)] if _first(closed["asks"], text, order) else []
    turned = [item for item in named if item[0] in closed["families"]]
    if not turned:
        return named
    kept = [item for item in named if (still_open or item not in turned[1:]) and item[0] != "won_lost"]
    won = ("won_lost", turned[0][1], won_words)
    at = kept.index(turned[0])
    return [*kept[:at], won, *kept[at + (0 if still_open else 1) :]]


def _closing_to_come(clause: str, order: list[Language]) -> bool:
    """Whether a future word puts the clause's closing word in the future: it comes before it or holds
    it ("expected to be closed", „abgeschlossen werden“), not after it ("did I close? going to…")."""
    closed = metric_terms()["closed"]
    closing_ends = [hit.end() for hit in _hits(closed["words"], clause, order)]
    return any(
        start < end
        for start in (hit.start() for hit in _hits(closed["to_come"], clause, order))
        for end in closing_ends
    )


def _hits(words: dict[str, list[str]], within: str, order: list[Language]) -> list[re.Match[str]]:
    return [
        hit
        for lang in order
        for word in words[lang]
        if (hit := term_pattern(word, lang in COMPOUNDING, True).search(within))
    ]


def _asked_families(text: str, order: list[Language]) -> list[Named]:
    """The families the text names, less those only stated as context: named with a number in a clause
    that asks nothing, while a clause that asks names another family ([context] in the term file)."""
    named = _families(text, order)
    if len(named) < 2:
        return named
    context = metric_terms()["context"]
    asking: set[str] = set()
    stating: set[str] = set()
    for clause in _clauses(text, [b for lang in order for b in context["breaks"][lang]]):
        families = {family for family, _, _ in _families(clause, order)}
        if any(
            term_pattern(word, False, False).search(clause)
            for lang in order
            for word in context["asks"][lang]
        ):
            asking |= families
        elif re.search(r"\d", clause):
            stating |= families
        elif stating and "?" in clause:  # a question after a stated figure asks: "12 stale. overdue ones?"
            asking |= families
    kept = [item for item in named if item[0] not in stating - asking]
    return kept if asking and kept else named


def _misspelt(text: str, order: list[Language], named: list[Named]) -> list[Named]:
    """The families a question names with a typo in a metric word, when no family's term matched as
    written ("how many deals" alone may have: „wie viele Deals sind überfälig?“); else none."""
    alone = metric_terms()["alone"]
    alone_terms = {word for words in alone.values() for lang in order for word in words[lang]}
    if any(term not in alone_terms for _, term, _ in named):
        return []
    fixed = corrected(text)
    return _asked_families(fixed, order) if fixed != text else []


def _clauses(text: str, breaks: list[str]) -> list[str]:
    """The text cut after each break (a comma, "but", „aber“ …), each clause keeping its break."""
    pattern = "|".join(re.escape(b) for b in sorted(breaks, key=len, reverse=True))
    marked = re.sub(pattern, lambda hit: hit.group(0) + CUT, text)
    return [f" {clause.strip()} " for clause in marked.split(CUT) if clause.strip()]


def question_scope(question: str, language: Language) -> tuple[bool, str | None]:
    """Whether the question is about the manager's own deals, and the cue that says so."""
    spaced, text, order = prepared(question, language)
    return own_scope(spaced, text, order)


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
