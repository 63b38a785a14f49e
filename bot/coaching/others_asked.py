"""Whose figures a numbers question asks for: the coach sees only the asker's own deals and their team's.
A question about someone else's ("how many overdue deals does Mark have? he's not mine", "what's the
CEO's pipeline value?", „alle Deals der Firma“) must not get the asker's figures as if they were the
answer; a rep of the asker's team ("what's Emma's pipeline worth?") is the team's, kept for no one rep.
Word lists: prompts/coach/others.toml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from bot.coaching.asked_terms import metric_terms
from bot.coaching.others_terms import CAPITALISED_NAME, NAME_CAPITALS, others_terms
from bot.crm.base import ManagerStats
from bot.i18n import LANGUAGES, Language

NAME = CAPITALISED_NAME
# The asking words a name owns the figures after: "does Mark have", "did Sarah win", „hat Lisa“.
NAME_OWNS = re.compile(rf"\b(?i:does|did|has|hat)\s+({NAME}(?:\s+{NAME})?)")
# "Peter's pipeline", "Mark's team" (German „Peters Pipeline“: [possessed] in others.toml).
NAME_POSSESSES = re.compile(rf"(?<!\w)({NAME})(?:'s\b|s')")
# A unit's own name after its noun stands at a clause end or in capitals: „Region Süd?“, "team DACH"
# (not „Team Pipelinepflege“).
UNIT_NAME_LETTERS = 6
# "deals of Mia Schmid", „Deals von Mia Schmid“: only a full name, a rep of the team or not.
NAME_AFTER = re.compile(rf"\b(?:of|from|for|von|vom)\s+({NAME}\s+{NAME})\b")
# Clauses: only the one asking for the figure names its owner ("…do I have? my manager asked me").
CLAUSE = re.compile(r"[^?.!;]+[?.!;]*")


@dataclass(frozen=True, slots=True)
class Whose:
    """Someone else's figures ("other"), or a rep of the asker's team ("rep", `who` as the CRM names them)."""

    kind: Literal["other", "rep"]
    who: str


def whose_figures(question: str, stats: ManagerStats, language: Language) -> Whose | None:
    """Whom the figures asked for belong to, when that is not the asker or their team as a whole;
    he/she in the question's `language` only („vor mir her“ is no one's)."""
    terms = others_terms()
    theirs = _found(_spaced(question), {language: terms["own_team"][language]})
    question = _figure_clauses(question, language)
    text = _spaced(question)
    for name in _names(question, language):
        rep = _team_rep(name, stats)
        if rep == stats.owner.name:
            continue  # the asker's own name: their own figures
        if rep is not None:
            return Whose("rep", rep)
        if not theirs:
            return Whose("other", name)
    if theirs:
        return None
    pronoun = _found(text, {language: terms["pronouns"][language]})
    unit = _found(text, {language: terms["units"][language]}) or _named_unit(question, terms) or pronoun
    return Whose("other", unit) if unit else None


def _spaced(question: str) -> str:
    return " " + " ".join(question.lower().replace("’", "'").split()) + " "


def _figure_clauses(question: str, language: Language) -> str:
    """The clauses asking for a figure that the asker does not call their own ("how many deals do I
    have", „wie viele Deals hat unser Team Nord“); a unit word that is part of whom ("my manager's") is no
    own word."""
    terms = others_terms()
    units = {language: terms["units"][language]}
    kept = []
    for clause in CLAUSE.findall(question):
        text = _spaced(clause)
        if not _found(text, {language: terms["figures"][language]}):
            continue
        for unit in terms["units"][language]:
            text = _without(text, unit)
        if not _found(text, {language: terms["own_clause"][language]}) or _found(_spaced(clause), units):
            kept.append(clause)
    return " ".join(kept)


def _names(question: str, language: Language) -> list[str]:
    """Capitalised words owning the figures ("does Mark have", "Peter's pipeline"), that name no thing."""
    cased = question.replace("’", "'")
    found = [
        hit.group(1) for pattern in (NAME_OWNS, NAME_POSSESSES, NAME_AFTER) for hit in pattern.finditer(cased)
    ]
    if language != "de":  # "the Sales Team pipeline" is no German genitive
        return _known(found)
    possessed = others_terms()["possessed"]
    owned = "|".join(re.escape(word) for word in possessed["de"])
    genitive = re.finditer(rf"(?<!\w)({NAME})s\s+(?=(?i:{owned}))", cased)
    found += [
        hit.group(1) for hit in genitive if (hit.group(1) + "s").lower() not in possessed["not_possessive"]
    ]
    return _known(found)


def _known(found: list[str]) -> list[str]:
    return [name for name in dict.fromkeys(found) if name.split()[0].lower() not in _no_names()]


def _team_rep(name: str, stats: ManagerStats) -> str | None:
    """The team member (or the asker) the CRM names so, by full or first name; None for no one known."""
    owners = {stats.owner.name} | {
        deal.owner_name
        for deals in (stats.attention, stats.biggest_open_deals, stats.own_biggest_open_deals)
        for deal in deals
        if deal.owner_name
    }
    wanted = name.lower()
    # "Emma", "Mia Schmid", or "Schmid" as "Mia Schmid's" is read
    return next(
        (owner for owner in sorted(owners) if wanted == owner.lower() or wanted in owner.lower().split()),
        None,
    )


def _named_unit(question: str, terms: dict[str, Any]) -> str | None:
    """A unit called by its own name: "the Berlin team", „das Berliner Team“, „Region Süd“, "EMEA region"."""
    nouns = "|".join(re.escape(word) for lang in LANGUAGES for word in terms["unit_nouns"][lang])
    own = {word for lang in LANGUAGES for word in terms["own_words"][lang]}
    cased = " ".join(question.split())
    before = re.finditer(rf"(?<!\w)([{NAME_CAPITALS}]\w+)\s+(?:{nouns})\b", cased, re.IGNORECASE)
    after = [
        hit
        for hit in re.finditer(rf"\b(?:{nouns})\s+([{NAME_CAPITALS}]\w+)(\W|$)", cased, re.IGNORECASE)
        if hit.group(1).isupper() or (len(hit.group(1)) <= UNIT_NAME_LETTERS and hit.group(2).strip())
    ]
    for hit in (*before, *after):
        word = hit.group(1)
        if (
            word[:1].isupper()
            and word.lower() not in own
            and word.lower() not in _no_names() - {"emea", "dach", "apac", "amer"}
        ):
            return hit.group(0)[: hit.end(1) - hit.start(0)]  # "Team Nord", not "Team Nord?"
    return None


def _without(text: str, word: str) -> str:
    return re.sub(_stem(word), " ", text)


def _stem(word: str) -> str:
    stem = re.escape(word).replace(re.escape("*"), r"\w*")
    return rf"(?<![\w']){stem}(?![\w'])"


def _found(text: str, words: Mapping[Language, list[str]]) -> str | None:
    for lang in LANGUAGES:
        for word in words.get(lang, []):
            if re.search(_stem(word), text):
                return word
    return None


@cache
def _no_names() -> frozenset[str]:
    listed = metric_terms()["scope"]["not_a_name"]
    return frozenset([*others_terms()["not_a_name"]["all"], *(w for lang in LANGUAGES for w in listed[lang])])
