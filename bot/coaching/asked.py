"""Which metric a question names ("half my deals have no next step" → deals_without_next_step), from
the word lists in prompts/coach/metric_terms.toml, so the answer quotes and sets a goal on that one."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from typing import Any

from bot.coaching.goals import scope_of
from bot.i18n import LANGUAGES, Language
from bot.paths import PROMPTS_DIR

TERMS_FILE = PROMPTS_DIR / "coach" / "metric_terms.toml"
COMPOUNDING: frozenset[str] = frozenset({"de"})  # languages that glue nouns into one word
SHORT = 4
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


def family_of(metric: str) -> str | None:
    """'own_deals_without_next_step' → 'no_next_step'; None for a metric of no family (team_size)."""
    return FAMILY_OF.get(metric)


def asked_metric(question: str, language: Language) -> str | None:
    """The metric the question names, own or team, or None when it names none. The answer's language
    comes first, but a question typed in the other language is understood too."""
    spaced = " " + " ".join(question.split()) + " "
    text = spaced.lower()
    terms = _terms()
    order = [language, *(other for other in LANGUAGES if other != language)]
    for lang in order:
        for record in terms["records"][lang]:
            text = text.replace(record, " ")

    def mentions(words: dict[str, list[str]], *, short_whole: bool = False) -> bool:
        return any(_mentions(text, words[lang], lang in COMPOUNDING, short_whole) for lang in order)

    family = next(
        (name for name, words in terms["families"].items() if mentions(words, short_whole=True)), None
    )
    if family is None:
        return None
    if family == "won_lost":
        return "lost_90d" if mentions(terms["lost_words"], short_whole=True) else "won_90d"
    scopes = terms["scope"]
    team = mentions(scopes["team"])
    shouted = any(f" {word} " in spaced for lang in order for word in scopes["own_emphasis"][lang])
    own = shouted or mentions(scopes["own_strong"]) or (not team and mentions(scopes["own_weak"]))
    team_metric, own_metric = FAMILY_METRICS[family]
    return own_metric if own else team_metric


def same_family(metric: str, asked: str) -> bool:
    return family_of(metric) is not None and family_of(metric) == family_of(asked)


def same_scope(metric: str, asked: str) -> bool:
    return scope_of(metric)[1] == scope_of(asked)[1]


def _mentions(text: str, words: list[str], inside_words: bool = False, short_whole: bool = False) -> bool:
    """Whether a word starts with one of `words`; with inside_words, a one-word term may also end a
    compound („Kundenaktivitäten“ names „aktivitäten“); with short_whole, terms of up to four letters
    must be whole words ("won" is not "wonder"); " ~ " in a term stands for up to three words
    ("pipeline ~ worth" finds "pipeline currently worth")."""
    for word in words:
        if " ~ " in word:
            parts = (re.escape(part) for part in word.split(" ~ "))
            if re.search(r"(?<!\w)" + r"\s+(?:\S+\s+){0,3}".join(parts), text):
                return True
            continue
        if inside_words and " " not in word and len(word) > SHORT and word in text:
            return True
        end = r"(?!\w)" if short_whole and len(word) <= SHORT else ""
        if re.search(r"(?<!\w)" + re.escape(word) + end, text):
            return True
    return False


@cache
def _terms() -> dict[str, Any]:
    with TERMS_FILE.open("rb") as handle:
        return tomllib.load(handle)
