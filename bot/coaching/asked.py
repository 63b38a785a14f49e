"""Which metric a question names ("half our deals have no next step" → deals_without_next_step), own or
team, from the word lists in prompts/coach/metric_terms.toml, so the answer quotes and sets a goal on
that one. `read_asked` also says which words decided it, so a wrong reading can be traced to a term.
The message-kind rules read the same lists (`named_figures`): whether a message names a figure at all."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from bot.coaching.goals import scope_of
from bot.i18n import LANGUAGES, Language
from bot.paths import PROMPTS_DIR

TERMS_FILE = PROMPTS_DIR / "coach" / "metric_terms.toml"
COMPOUNDING: frozenset[str] = frozenset({"de"})  # languages that glue nouns into one word
SHORT = 4
# A German term ending a compound may carry a case or plural ending („Gesamtvolumens“, „Kundenanrufen“).
COMPOUND_ENDING = r"(?:e|en|n|s|es)?(?!\w)"
POSSESSIVE_GAP = 2  # words allowed between "my" and what it owns ("my logged activities")
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
    are taken out („Deals ohne Aktivität“ is stale, not also activities). The answer's language comes
    first, but a question typed in the other language is understood too."""
    spaced, text, order = _prepared(question, language)
    terms = _terms()
    original = text

    def first(words: dict[str, list[str]], within: str) -> str | None:
        return next(
            (hit for lang in order if (hit := _found(within, words[lang], lang in COMPOUNDING, True))), None
        )

    readings: list[AskedReading] = []
    scope: tuple[bool, str | None] | None = None
    named = [(family, words, False) for family, words in terms["families"].items()]
    for family, words, alone in [
        *named,
        *((family, words, True) for family, words in terms["alone"].items()),
    ]:
        if alone and readings:
            break
        if (family_term := first(words, text)) is None:
            continue
        for lang in order:
            for word in words[lang]:
                text = _pattern(word, lang in COMPOUNDING, True).sub(" ", text)
        if family == "won_lost":
            lost = first(terms["lost_words"], original) if _lost_first(original, words) else None
            readings.append(AskedReading("lost_90d" if lost else "won_90d", family_term, lost))
            continue
        if scope is None:  # read once: it is the question's, whichever family
            scope = _own_scope(spaced, original, order)
        own, scope_term = scope
        team_metric, own_metric = FAMILY_METRICS[family]
        readings.append(AskedReading(own_metric if own else team_metric, family_term, scope_term))
    return readings


def question_scope(question: str, language: Language) -> tuple[bool, str | None]:
    """Whether the question is about the manager's own deals, and the cue that says so."""
    spaced, text, order = _prepared(question, language)
    return _own_scope(spaced, text, order)


def request_term(question: str, request: str) -> str | None:
    """The first term of `[requests.<request>]` (either language) the question contains."""
    text = _flat(question)
    words = _terms()["requests"][request]
    return next((hit for lang in LANGUAGES if (hit := _found(text, words[lang], False, True))), None)


def named_figures(message: str) -> tuple[NamedFigure, ...]:
    """Every figure a message names, in the order it names them, for the message-kind rules: a family by
    its words, its counting words or its broad words (these name a figure only in a request for numbers,
    so `read_all` leaves them out), or the deals worth a look; both languages, no family taking words
    from another (whether a figure is asked for at all, not which one is the answer)."""
    return _named_figures(_flat(message))


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
    terms = _terms()
    sections = (terms["families"], terms["alone"], terms["broad"])
    return [
        word
        for section in sections
        for lists in section.values()
        for words in lists.values()
        for word in words
    ]


@lru_cache(maxsize=1024)
def _named_figures(flat: str) -> tuple[NamedFigure, ...]:
    _, text, _ = _prepared(flat, LANGUAGES[0])
    terms = _terms()
    no_figure = {word for lang in LANGUAGES for word in terms["no_figure"][lang]}
    sections = ((terms["families"], True), (terms["alone"], True), (terms["broad"], False))
    found: list[NamedFigure] = []
    for family in dict.fromkeys(family for section, _ in sections for family in section):
        hits = [
            (hit.start(), hit.start() - hit.end(), word)
            for section, compounds in sections
            for lang in LANGUAGES
            for word in section.get(family, {}).get(lang, ())
            if (hit := _pattern(word, compounds and lang in COMPOUNDING, True).search(text))
        ]
        if hits:
            start, _, word = min(hits)
            found.append(NamedFigure(family, word.strip(), start, word not in no_figure))
    return tuple(sorted(found, key=lambda named: named.start))


def _lost_first(text: str, words: dict[str, list[str]]) -> bool:
    """A lost word names the lost count unless a won word comes first ("won and lost last 90 days")."""
    lost_words = _terms()["lost_words"]
    losing = {word for lang in LANGUAGES for word in lost_words[lang]}
    won_words = {lang: [w for w in words[lang] if not any(lost in w for lost in losing)] for lang in words}
    lost_at, won_at = _earliest(text, lost_words), _earliest(text, won_words)
    return lost_at is not None and (won_at is None or lost_at < won_at)


def _earliest(text: str, words: dict[str, list[str]]) -> int | None:
    hits = (_pattern(word, lang in COMPOUNDING, True).search(text) for lang in words for word in words[lang])
    return min((hit.start() for hit in hits if hit), default=None)


def _flat(question: str) -> str:
    return " " + " ".join(question.lower().replace("’", "'").split()) + " "


def _prepared(question: str, language: Language) -> tuple[str, str, list[Language]]:
    """The question with single spaces, the same lower-cased without CRM record words, and the
    languages to read it in (the answer's first)."""
    spaced = " " + " ".join(question.split()) + " "
    text = spaced.lower().replace("’", "'")
    order = [language, *(other for other in LANGUAGES if other != language)]
    for lang in order:
        for record in _terms()["records"][lang]:
            text = text.replace(record, " ")
    return spaced, text, order


def _own_scope(spaced: str, text: str, order: list[Language]) -> tuple[bool, str | None]:
    """Whether the question is about the manager's own deals, and the cue that says so. Strong cues
    ("my own", „bei mir“) win over team words; weak ones ("my deals", "did I") only without them."""
    scopes = _terms()["scope"]
    for lang in order:
        for word in scopes["not_scope"][lang]:
            text = re.sub(_pattern(word, False, False).pattern + r"\w*", " ", text)

    def first(words: dict[str, list[str]]) -> str | None:
        return next((hit for lang in order if (hit := _found(text, words[lang], lang in COMPOUNDING))), None)

    shouted = next((w for lang in order for w in scopes["own_emphasis"][lang] if f" {w} " in spaced), None)
    strong = shouted or first(scopes["own_strong"])
    if strong:
        return True, strong
    team = first(scopes["team"]) or _someone_elses(spaced, text, order)
    if team:
        return False, team
    weak = first(scopes["own_weak"]) or _possessed(text, order)
    return (True, weak) if weak else (False, None)


def _possessed(text: str, order: list[Language]) -> str | None:
    """A possessive owning a deal word: "my logged activities", „meiner offenen Opportunities“."""
    scopes = _terms()["scope"]
    for lang in order:
        owners = "|".join(re.escape(word) for word in scopes["own_possessive"][lang])
        objects = "|".join(re.escape(word) for word in scopes["objects"][lang])
        compound = r"\w*" if lang in COMPOUNDING else ""  # „meine Kundentermine“
        gap = rf"(?:\S+\s+){{0,{POSSESSIVE_GAP}}}"
        if hit := re.search(rf"(?<!\w)(?:{owners})\s+{gap}{compound}(?:{objects})", text):
            return hit.group(0)
    return None


def _someone_elses(spaced: str, text: str, order: list[Language]) -> str | None:
    """A rep's deals are the team's: "Emma's deals", "Lukas' pipeline". Only a capitalised word is a
    name ("yesterday's meetings" is no rep's), and never one of the words listed as no name."""
    scopes = _terms()["scope"]
    original = spaced.replace("’", "'")
    no_names = {word for lang in order for word in scopes["not_a_name"][lang]}
    for lang in order:
        objects = "|".join(re.escape(word) for word in scopes["objects"][lang])
        for hit in re.finditer(rf"(?<!\w)(\w+)(?:'s|s')\s+(?:\S+\s+){{0,1}}(?:{objects})", text):
            name = hit.group(1)
            written = re.search(rf"(?<!\w){re.escape(name)}(?='s|s')", original, re.IGNORECASE)
            if name not in no_names and written and written.group(0)[:1].isupper():
                return hit.group(0)
    return None


def same_family(metric: str, asked: str) -> bool:
    return family_of(metric) is not None and family_of(metric) == family_of(asked)


def same_scope(metric: str, asked: str) -> bool:
    return scope_of(metric)[1] == scope_of(asked)[1]


def _found(text: str, words: list[str], inside_words: bool = False, short_whole: bool = False) -> str | None:
    """The first of `words` in `text` (see `_pattern`)."""
    return next((word for word in words if _pattern(word, inside_words, short_whole).search(text)), None)


@cache
def _pattern(word: str, inside_words: bool, short_whole: bool) -> re.Pattern[str]:
    """A term starts a word; with inside_words, a one-word term may also end a compound, followed by a
    case or plural ending at most („Kundenaktivitäten“ names „aktivitäten“, „Gesamtvolumens“ „gesamtvolumen“);
    with short_whole, terms of up to four letters must be whole words ("won" is not "wonder"); " ~ "
    stands for up to three words, each part the start of a word ("offen ~ opportunit" finds „offenen
    Opportunities“). A term that ends in a space or a digit
    must end a word ("did i " is not "did it", "top 3" not "top 30"); "{n}" stands for a number ("top
    {n}", read as the term's group 1). A term that begins or ends with a sign ("$", "€") needs no word
    boundary on that side ("500€", "$2m")."""
    whole_end = word.endswith(" ") or word[-1:].isdecimal() or word.endswith("{n}")
    word = word.strip()
    end = r"(?!\w)" if whole_end or (short_whole and len(word) <= SHORT and word[-1:].isalnum()) else ""
    if " ~ " in word:
        parts = (re.escape(part) for part in word.split(" ~ "))
        return re.compile(r"(?<!\w)" + r"\w*\s+(?:\S+\s+){0,3}?".join(parts) + (end if whole_end else ""))
    if inside_words and " " not in word and len(word) > SHORT and not whole_end:
        return re.compile(rf"(?<!\w){re.escape(word)}|{re.escape(word)}{COMPOUND_ENDING}")
    start = r"(?<!\w)" if word[:1].isalnum() else ""
    return re.compile(start + re.escape(word).replace(re.escape("{n}"), r"(\d{1,3})") + end)


@cache
def _terms() -> dict[str, Any]:
    with TERMS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def forget_terms() -> None:
    """The term file is read again on next use (it was edited while the process runs)."""
    _terms.cache_clear()
    _named_figures.cache_clear()
