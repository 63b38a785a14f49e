"""Which metric a question names ("half our deals have no next step" → deals_without_next_step), own or
team, from the word lists in prompts/coach/metric_terms.toml, so the answer quotes and sets a goal on
that one. `read_asked` also says which words decided it, so a wrong reading can be traced to a term."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.coaching.goals import scope_of
from bot.i18n import LANGUAGES, Language
from bot.paths import PROMPTS_DIR

TERMS_FILE = PROMPTS_DIR / "coach" / "metric_terms.toml"
COMPOUNDING: frozenset[str] = frozenset({"de"})  # languages that glue nouns into one word
SHORT = 4
POSSESSIVE_GAP = 2  # words allowed between "my" and what it owns ("my logged activities")
# How far from the biggest-deals words a count may stand: "the five deals with the highest value".
COUNT_WORDS_BEFORE = 4
COUNT_WORDS_AFTER = 2
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
class BiggestReading:
    """A question asking for the biggest deals: how many (None when it says no number), whose, and
    the words that decided it."""

    term: str  # e.g. "größten"
    count: int | None
    own: bool
    scope_term: str | None  # the cue that made it own or team, None when nothing did (team)


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
            lost = first(terms["lost_words"], original)
            readings.append(AskedReading("lost_90d" if lost else "won_90d", family_term, lost))
            continue
        if scope is None:  # read once: it is the question's, whichever family
            scope = _own_scope(spaced, original, order)
        own, scope_term = scope
        team_metric, own_metric = FAMILY_METRICS[family]
        readings.append(AskedReading(own_metric if own else team_metric, family_term, scope_term))
    return readings


def asks_for_biggest(question: str) -> str | None:
    """The words asking for the biggest deals ("5 biggest open opps", „die größten Deals“), if any."""
    text = " " + " ".join(question.lower().split()) + " "
    words = _terms()["requests"]["biggest"]
    return next((hit for lang in LANGUAGES if (hit := _found(text, words[lang], short_whole=True))), None)


def read_biggest(question: str, language: Language) -> BiggestReading | None:
    """What a question asking for the biggest deals wants: how many, whose (the scope every other
    number of the question is read in: "my own", „meine eigenen“ → own), and the words that said so."""
    term = asks_for_biggest(question)
    if term is None:
        return None
    spaced, text, order = _prepared(question, language)
    own, scope_term = _own_scope(spaced, text, order)
    return BiggestReading(term=term, count=_count_near(question, term), own=own, scope_term=scope_term)


def _count_near(question: str, term: str) -> int | None:
    """The count said with the biggest-deals words ("5 biggest", „die drei größten“, "top 3"): a number
    in the words themselves, else the nearest one a few words before or after them."""
    text = " " + " ".join(question.lower().split()) + " "
    hit = _pattern(term, False, True).search(text)
    if hit is None:
        return None
    before = re.findall(r"\w+", text[: hit.start()])[-COUNT_WORDS_BEFORE:]
    after = re.findall(r"\w+", text[hit.end() :])[:COUNT_WORDS_AFTER]
    words = _terms()["requests"]["count_words"]
    number_words = {word: number for lang in LANGUAGES for word, number in words[lang].items()}
    for word in [*re.findall(r"\w+", hit.group(0)), *reversed(before), *after]:
        count = int(word) if word.isdecimal() and len(word) <= 2 else number_words.get(word)
        if count:
            return int(count)
    return None


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
    team = first(scopes["team"]) or _someone_elses(text, order)
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


def _someone_elses(text: str, order: list[Language]) -> str | None:
    """A rep's deals are the team's: "Emma's deals", "Lukas' pipeline"."""
    scopes = _terms()["scope"]
    for lang in order:
        objects = "|".join(re.escape(word) for word in scopes["objects"][lang])
        for hit in re.finditer(rf"(?<!\w)(\w+)(?:'s|s')\s+(?:\S+\s+){{0,1}}(?:{objects})", text):
            if hit.group(1) not in scopes["not_a_name"][lang]:
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
    """A term starts a word; with inside_words, a one-word term may also end a compound
    („Kundenaktivitäten“ names „aktivitäten“); with short_whole, terms of up to four letters must be
    whole words ("won" is not "wonder"); " ~ " stands for up to three words, each part the start of a
    word ("offen ~ opportunit" finds „offenen Opportunities“). A term that begins or ends with a sign
    ("$", "€") needs no word boundary on that side ("500€", "$2m")."""
    if " ~ " in word:
        parts = (re.escape(part) for part in word.split(" ~ "))
        return re.compile(r"(?<!\w)" + r"\w*\s+(?:\S+\s+){0,3}?".join(parts))
    if inside_words and " " not in word and len(word) > SHORT:
        return re.compile(re.escape(word))
    start = r"(?<!\w)" if word[:1].isalnum() else ""
    end = r"(?!\w)" if short_whole and len(word) <= SHORT and word[-1:].isalnum() else ""
    return re.compile(start + re.escape(word) + end)


@cache
def _terms() -> dict[str, Any]:
    with TERMS_FILE.open("rb") as handle:
        return tomllib.load(handle)
