"""The clause of a question that holds the biggest-deals words: whether it asks for the ranking (an
opener, or the deals named and nothing else) or tells something about a big deal ("our biggest deal
wobbles, what now?"), where it ends, and which filter it asks that the ranking cannot apply; read from
the [requests.*] lists of prompts/coach/metric_terms.toml."""

from __future__ import annotations

import re

from bot.coaching.asked_terms import any_term, metric_terms, starts_with, term_pattern
from bot.coaching.others_terms import NAME_CAPITALS
from bot.i18n import LANGUAGES

SENTENCE_ENDS = ".;:!?"
CLAUSE_ENDS = (*SENTENCE_ENDS, ",", " – ", " - ", " — ")
LINKED_WORDS = 2  # words a link may open after the deals named: "in my own pipeline", "over the last 30 days"
WORD = re.compile(r"\w+")


def ranking_clause(text: str, hit: re.Match[str], deal: re.Match[str]) -> tuple[int, int]:
    """Where the clause asking for the ranking starts and ends: at a clause mark, or before a word
    joining another request to it ("and how many are stale", „und unser Pipeline-Wert“)."""
    low, high = min(hit.start(), deal.start()), max(hit.end(), deal.end())
    start = max(text.rfind(mark, 0, low) for mark in CLAUSE_ENDS) + 1
    ends = [found for mark in CLAUSE_ENDS if (found := text.find(mark, high)) >= 0]
    end = min(ends, default=len(text))
    joined = metric_terms()["requests"]["and_words"]
    word = next((t for t in WORD.finditer(text, high, end) if starts_with(text[t.start() :], joined)), None)
    return start, word.start() if word else end


def unfiltered(question: str, text: str, start: int, end: int) -> str | None:
    """The filter the ranking's clause asks that the ranking cannot apply, the first of: an amount
    ("over 50k"), a currency ("in USD"), a period ("closing this month", „in diesem Quartal“), a rep
    ("of Noah Adams"), a stage ("by stage"); None when it asks none."""
    requests = metric_terms()["requests"]
    clause = text[start:end]
    amount = re.search(r"[<>]\s*\d", clause) or any(
        starts_with(clause[token.start() :], requests["filter_amount"])
        and (after := WORD.search(clause, token.end())) is not None
        and after.group(0)[:1].isdecimal()
        for token in WORD.finditer(clause)
    )
    kinds = (
        ("amount", amount),
        ("currency", any_term(clause, requests["filter_currency"])),
        ("period", any_term(clause, requests["filter_period"])),
        ("owner", _owner_named(question, text, start, end)),
        ("stage", stage_named(clause)),
    )
    return next((kind for kind, said in kinds if said), None)


def stage_named(clause: str) -> bool:
    """A stage word in the clause ("by stage", „in der Angebotsphase“), not a stage change."""
    requests = metric_terms()["requests"]
    words = requests["filter_stage"]
    named = any(term_pattern(word, True, True).search(clause) for lang in LANGUAGES for word in words[lang])
    return named and any_term(clause, requests["stage_change"]) is None


def _owner_named(question: str, text: str, start: int, end: int) -> bool:
    """A capitalised name after "of", "from", „von“ in the clause ("the biggest deals of Noah Adams"),
    or owning them ("Emma's biggest deals", "Lukas' deals")."""
    requests = metric_terms()["requests"]
    cased = " " + " ".join(question.replace("’", "'").split()) + " "
    if len(cased) != len(text):
        return False
    no_names = {word for lang in LANGUAGES for word in metric_terms()["scope"]["not_a_name"][lang]}
    owners = re.finditer(rf"(?<!\w)([{NAME_CAPITALS}]\w*)(?:'s|s')(?!\w)", cased[start:end])
    if any(owner.group(1).lower() not in no_names for owner in owners):
        return True
    for token in WORD.finditer(text, start, end):
        name = WORD.search(cased, token.end())
        if (
            starts_with(text[token.start() :], requests["filter_owner"])
            and name is not None
            and name.end() <= end
            and name.group(0)[:1].isupper()
            and name.group(0).lower() not in no_names
        ):
            return True
    return False


def requested(text: str, hit: re.Match[str], deal: re.Match[str]) -> bool:
    """Whether the clause holding the biggest-deals words asks for the ranking ([requests.openers]):
    it opens with a request ("what are…", „zeig mir…“), or it is the deals named and nothing else
    ("top 5 deals in my team", „größte Deals bitte“) while no other clause asks a question. A clause
    that says something about the deals ("our biggest deal wobbles, what now?") asks for no ranking."""
    requests = metric_terms()["requests"]
    low, high = min(hit.start(), deal.start()), max(hit.end(), deal.end())
    start = max(text.rfind(mark, 0, low) for mark in CLAUSE_ENDS) + 1
    ends = [found for mark in CLAUSE_ENDS if (found := text.find(mark, high)) >= 0]
    end = min(ends, default=len(text))
    lead = list(WORD.finditer(text, start, low))
    at = next((i for i, t in enumerate(lead) if not _np_word(t.group(0))), None)
    if at is not None:
        articles = {word for lang in LANGUAGES for word in requests["articles"][lang]}
        after_article = at > 0 and lead[at - 1].group(0) in articles
        asked = starts_with(text[lead[at].start() :], requests["openers"]) and not after_article
        # "give me a tip for the biggest deals" asks for a tip
        other = any(starts_with(text[t.start() :], requests["not_biggest"]) for t in lead)
        return asked and not other
    if "?" in text[:start] + text[end + 1 :]:  # "biggest deal: customer wants 20% off. advice?"
        return False
    return _noun_phrase_tail(text, max(hit.end(), deal.start()), end)


def _noun_phrase_tail(text: str, at: int, end: int) -> bool:
    """After the deals named, only what says which deals: free words, a short phrase opened by a link
    ("in my team", "over 50k", "closing this month"), or a relative or further request ("that slipped",
    "and how many…"); a verb of the clause ("closes", „wackelt“, „gehört“) says something about them."""
    requests = metric_terms()["requests"]
    budget = 0  # words left in the phrase a link opened
    for token in WORD.finditer(text, at, end):
        word, rest = token.group(0), text[token.start() :]
        if starts_with(rest, requests["np_clauses"]):
            return True
        if starts_with(rest, requests["deal_words"]):
            continue
        if starts_with(rest, requests["np_links"]) or (word.endswith("ing") and len(word) > 4):
            budget = LINKED_WORDS
        elif not (_np_word(word) or word.isdecimal()):
            if budget == 0:
                return False
            budget -= 1
    return True


def _np_word(word: str) -> bool:
    """A word free before or after the deals named: a filler, a count, a greeting or a please."""
    requests = metric_terms()["requests"]
    return free_word(word) or any(word in requests["np_words"][lang] for lang in LANGUAGES)


def free_word(word: str) -> bool:
    """A word that may stand between the biggest-deals words and the deal word: a count or a filler."""
    requests = metric_terms()["requests"]
    counted = any(word in requests["count_words"][lang] for lang in LANGUAGES)
    return word.isdecimal() or counted or starts_with(word + " ", requests["fillers"])
