"""The term primitives both question readers share (the asked metric, asked.py, and the biggest deals,
asked_biggest.py): the word lists of prompts/coach/metric_terms.toml, how a term is matched, a question
flattened for matching, and whether it is about the manager's own deals or the team's."""

from __future__ import annotations

import re
import tomllib
from functools import cache, partial
from typing import Any

from bot.i18n import LANGUAGES, Language
from bot.paths import PROMPTS_DIR

TERMS_FILE = PROMPTS_DIR / "coach" / "metric_terms.toml"
COMPOUNDING: frozenset[str] = frozenset({"de"})  # languages that glue nouns into one word
SHORT = 4
# A German term ending a compound may carry a case or plural ending („Gesamtvolumens“, „Kundenanrufen“).
COMPOUND_ENDING = r"(?:e|en|n|s|es)?(?!\w)"
GAP = r"\w*\s+(?:\S+\s+){0,3}?"  # what " ~ " in a term stands for
POSSESSIVE_GAP = 2  # words allowed between "my" and what it owns ("my logged activities")
LOSE_AFTER = 4  # the words after a lose verb that may be its object ("lose our best rep")
CLAUSE_MARK = re.compile(r"[.?!;,:]")
SLOT = re.compile(r"\{(\w+_\w+)\}")  # "{kein_de}"; "{n}" is a number, no slot
LOSE_BEFORE = 4  # in German, the words before it („den Kunden auf keinen Fall verlieren“)


def flat(question: str) -> str:
    return " " + " ".join(question.lower().replace("’", "'").split()) + " "


def prepared(question: str, language: Language) -> tuple[str, str, list[Language]]:
    """The question with single spaces, the same lower-cased without CRM record words and phrases that
    name no count ([no_count]), and the languages to read it in (the answer's first)."""
    spaced = " " + " ".join(question.split()) + " "
    text = spaced.lower().replace("’", "'")
    order = [language, *(other for other in LANGUAGES if other != language)]
    for lang in order:
        for record in metric_terms()["records"][lang]:
            # a record's name ends a word: "activity log" is no "activity logged"
            text = re.sub(re.escape(record) + COMPOUND_ENDING, " ", text)
        for phrase in metric_terms()["no_count"][lang]:
            text = _spanning(phrase).sub(partial(_no_count, text=text), text)
    return spaced, _lose_about(text), order


def _no_count(hit: re.Match[str], text: str) -> str:
    """A phrase of [no_count] without its own words, keeping those " ~ " spans ("mark all these stale
    deals as lost" still names the stale deals); kept whole after a counting word in its clause."""
    if _counted_before(text[_clause_of(text, hit)[0] : hit.start()]):
        return hit.group(0)
    return " " + " ".join(gap for gap in hit.groups() if gap) + " "


def _clause_of(text: str, hit: re.Match[str]) -> tuple[int, int]:
    """Where the clause holding `hit` starts and ends (between punctuation marks)."""
    start = max((mark.end() for mark in CLAUSE_MARK.finditer(text, 0, hit.start())), default=0)
    after = CLAUSE_MARK.search(text, hit.end())
    return start, after.start() if after else len(text)


def _counted_before(part: str) -> bool:
    """Whether a counting word of [no_count_unless] ("how many", „wie viele“) stands in `part`."""
    return any(
        term_pattern(word, False, False).search(part)
        for lang in LANGUAGES
        for word in metric_terms()["no_count_unless"][lang]
    )


def _lose_about(text: str) -> str:
    """The text without a verb of [lose_about] that is about a person, a client or everything ("without
    losing him", „den Kunden nicht verlieren“): a worry about keeping them, no lost deal."""
    terms = metric_terms()
    lose = terms["lose_about"]
    for lang in LANGUAGES:
        for verb in lose["verbs"][lang]:
            whole_word = term_pattern(verb, False, True).pattern + r"\w*"  # „verliere“, not „verlier“
            for hit in list(re.finditer(whole_word, text)):
                if _about_keeping(text, hit, lang):
                    text = text[: hit.start()] + " " * len(hit.group(0)) + text[hit.end() :]
    return text


def _about_keeping(text: str, hit: re.Match[str], lang: str) -> bool:
    """Whether the lose verb at `hit` has a person, a client or everything as its object, in a clause that
    names no deal and counts nothing before it."""
    terms = metric_terms()
    lose = terms["lose_about"]
    clause_start, clause_end = _clause_of(text, hit)
    clause = text[clause_start:clause_end]
    if _counted_before(text[clause_start : hit.start()]):
        return False
    for each in LANGUAGES:  # "deal with this" names no deal
        for phrase in lose["not_deal"][each]:
            clause = clause.replace(phrase, " ")
    deal_words = (word for each in LANGUAGES for word in terms["requests"]["deal_words"][each])
    if any(term_pattern(word, lang in COMPOUNDING, False).search(clause) for word in deal_words):
        return False
    after_starts = [hit.end() + at.start() for at in re.finditer(r"(?<!\S)\S", text[hit.end() :])][
        :LOSE_AFTER
    ]
    before = text[clause_start : hit.start()]
    before_starts = [clause_start + at.start() for at in re.finditer(r"(?<!\S)\S", before)][-LOSE_BEFORE:]
    return any(
        term_pattern(word, False, True).match(text, at)
        for words, places in ((lose["after"], after_starts), (lose["before"], before_starts))
        for word in words[lang]
        for at in places
    )


@cache
def _spanning(phrase: str) -> re.Pattern[str]:
    """The phrase's pattern with what each " ~ " spans as a group."""
    pattern = term_pattern(phrase, False, True).pattern
    spanned = r"\w*(" + GAP.removeprefix(r"\w*") + ")"
    return re.compile(pattern.replace(GAP, spanned))


def own_scope(spaced: str, text: str, order: list[Language]) -> tuple[bool, str | None]:
    """Whether the question is about the manager's own deals, and the cue that says so. Strong cues
    ("my own", „bei mir“) win over team words; weak ones ("my deals", "did I") only without them."""
    scopes = metric_terms()["scope"]
    asked = _unset_aside(text, order)  # "my deals? the team's are not mine": the team's only set aside
    for lang in order:
        for word in scopes["not_scope"][lang]:
            text = re.sub(term_pattern(word, False, False).pattern + r"\w*", " ", text)
            asked = re.sub(term_pattern(word, False, False).pattern + r"\w*", " ", asked)

    def first(words: dict[str, list[str]], within: str | None = None) -> str | None:
        within = text if within is None else within
        return next((hit for lang in order if (hit := found(within, words[lang], lang in COMPOUNDING))), None)

    shouted = next((w for lang in order for w in scopes["own_emphasis"][lang] if f" {w} " in spaced), None)
    strong = shouted or first(scopes["own_strong"])
    if strong:
        return True, strong
    if asked != text and not first(scopes["team"], asked):
        weak = first(scopes["own_weak"], asked) or _possessed(asked, order)
        if weak:
            return True, weak
    team = first(scopes["team"]) or _someone_elses(spaced, text, order)
    if team:
        return False, team
    weak = first(scopes["own_weak"]) or _possessed(text, order)
    return (True, weak) if weak else (False, None)


def _unset_aside(text: str, order: list[Language]) -> str:
    """The text without the sentences that set others' deals aside as not the manager's ([scope]
    own_aside: "the team's are not mine to worry about")."""
    aside = metric_terms()["scope"]["own_aside"]
    sentences = re.split(r"(?<=[.?!;])", text)
    return "".join(
        " " * len(sentence)
        if found(sentence, [w for lang in order for w in aside[lang]], False)
        else sentence
        for sentence in sentences
    )


def _possessed(text: str, order: list[Language]) -> str | None:
    """A possessive owning a deal word: "my logged activities", „meiner offenen Opportunities“."""
    scopes = metric_terms()["scope"]
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
    scopes = metric_terms()["scope"]
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


def found(text: str, words: list[str], inside_words: bool = False, short_whole: bool = False) -> str | None:
    """The first of `words` in `text` (see `term_pattern`)."""
    return next((word for word in words if term_pattern(word, inside_words, short_whole).search(text)), None)


@cache
def term_pattern(word: str, inside_words: bool, short_whole: bool) -> re.Pattern[str]:
    """A term starts a word; with inside_words, a one-word term may also end a compound, followed by a
    case or plural ending at most („Kundenaktivitäten“ names „aktivitäten“, „Gesamtvolumens“ „gesamtvolumen“);
    with short_whole, terms of up to four letters must be whole words ("won" is not "wonder"); " ~ "
    stands for up to three words, each part the start of a word ("offen ~ opportunit" finds „offenen
    Opportunities“). A term that ends in a space or a digit
    must end a word ("did i " is not "did it", "top 3" not "top 30"); "{n}" stands for a number ("top
    {n}", read as the term's group 1). A term that begins or ends with a sign ("$", "€") needs no word
    boundary on that side ("500€", "$2m"). The apostrophe of "n't" may be left out ("havent moved")."""
    whole_end = word.endswith(" ") or word[-1:].isdecimal() or word.endswith("{n}")
    word = word.strip()
    end = r"(?!\w)" if whole_end or (short_whole and len(word) <= SHORT and word[-1:].isalnum()) else ""
    if " ~ " in word:
        parts = (_escaped(part) for part in word.split(" ~ "))
        return re.compile(r"(?<!\w)" + GAP.join(parts) + (end if whole_end else ""))
    if inside_words and " " not in word and len(word) > SHORT and not whole_end:
        return re.compile(rf"(?<!\w){re.escape(word)}|{re.escape(word)}{COMPOUND_ENDING}")
    start = r"(?<!\w)" if word[:1].isalnum() else ""
    return re.compile(start + _escaped(word).replace(re.escape("{n}"), r"(\d{1,3})") + end)


def _escaped(word: str) -> str:
    return re.escape(word).replace("n't", "n'?t")  # chat drops the apostrophe: "arent", "havent"


@cache
def metric_terms() -> dict[str, Any]:
    """The term file, each term holding a `{slot}` of [slots] written out once per word of that slot
    ("{kein_de} aktivität" → „koa aktivität“, „ka aktivität“ …): dialect and determiner variants."""
    with TERMS_FILE.open("rb") as handle:
        terms: dict[str, Any] = tomllib.load(handle)
    slots: dict[str, list[str]] = terms.get("slots", {})
    return _expanded(terms, slots) if slots else terms


def _expanded(value: Any, slots: dict[str, list[str]]) -> Any:
    if isinstance(value, dict):
        return {key: _expanded(item, slots) for key, item in value.items()}
    if isinstance(value, list):
        return [term for item in value for term in _filled(item, slots)]
    return value


def _filled(term: Any, slots: dict[str, list[str]]) -> list[Any]:
    if not isinstance(term, str) or (slot := SLOT.search(term)) is None or slot.group(1) not in slots:
        return [term]
    return [
        filled
        for word in slots[slot.group(1)]
        for filled in _filled(term[: slot.start()] + word + term[slot.end() :], slots)
    ]


def starts_with(text: str, words: dict[str, list[str]]) -> bool:
    """Whether one of the terms (either language) starts the text (the start of a word; a whole word
    when the term ends in a space)."""
    return any(term_pattern(word, False, False).match(text) for lang in LANGUAGES for word in words[lang])


def any_term(text: str, words: dict[str, list[str]]) -> str | None:
    """The first of the terms (either language) found in the text."""
    return next(
        (w for lang in LANGUAGES for w in words[lang] if term_pattern(w, False, True).search(text)), None
    )
