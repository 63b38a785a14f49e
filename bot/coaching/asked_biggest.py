"""A question asking for the biggest deals ("my 3 biggest open opps", „die größten Deals im Team“): whether
it asks for a ranking by amount, how many deals and whose, read from the [requests.*] lists of
prompts/coach/metric_terms.toml with the same term syntax and scope cues as the asked metric (asked.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.coaching.asked import FAMILY_METRICS, AskedReading, family_of, read_all
from bot.coaching.asked_terms import (
    any_term,
    flat,
    metric_terms,
    own_scope,
    prepared,
    starts_with,
    term_pattern,
)
from bot.coaching.biggest_clause import SENTENCE_ENDS, free_word, ranking_clause, requested, unfiltered
from bot.coaching.kind_terms import LETTERS
from bot.coaching.spelling import Dictionaries
from bot.i18n import LANGUAGES, Language

# How far from the biggest-deals words a count may stand: "the five deals with the highest value".
COUNT_WORDS_BEFORE = 4
COUNT_WORDS_AFTER = 2
DEAL_WORD_GAP = 2  # words allowed between the biggest-deals words and the deal word after them
OWNER_WORDS_BEFORE = 4  # "my" this far before them, counts and fillers between: "my top three biggest"
TYPO_MIN_LETTERS = 7  # shorter words are too near other words for a typo to be read as them
WORD = re.compile(r"\w+")
# A request for the ranking that is no question is short ("top deals in my own book ranked by size") or
# says please ("biggest deals please, I need them for the board"); a longer message that asks nothing
# tells a story about a big deal ("beim grössten Deal kennen wir nur…").
MAX_REQUEST_WORDS = 10
SENTENCES = re.compile(rf"(?<=[{re.escape(SENTENCE_ENDS)}])\s+")
RELATIVE = re.compile(r"\s(?:that|which)\s")  # German „, die …“ is as often an apposition
PLEASE = re.compile(r"\b(?:please|pls|plz|bitte)\b")


@dataclass(frozen=True, slots=True)
class BiggestReading:
    """A question asking for the biggest deals: how many (None when it says no number), whose, and
    the words that decided it."""

    term: str  # e.g. "größten"
    count: int | None
    own: bool
    scope_term: str | None  # the cue that made it own or team, None when nothing did (team)
    others: str = ""  # the question without the ranking's clause: other figures it asks, in their scope
    unfiltered: str | None = None  # a filter its clause asks that the ranking cannot apply: "amount", …


def read_biggest(question: str, language: Language) -> BiggestReading | None:
    """What a question asking for the biggest deals ("5 biggest open opps", „die größten Deals“) wants:
    how many, whose (the scope every other number of the question is read in: "my own", „meine
    eigenen“ → own; without a team word, also "my" right before the biggest-deals words: "my three
    largest open opps"), and the words that said so; None when it asks for no ranking ("our biggest
    problem", „größtenteils“, "the biggest deal we lost")."""
    text = flat(question)
    hits = [(hit, deal) for hit, deal in _biggest_hits(text) if requested(text, hit, deal)]
    if not hits:
        return None
    first, deal = hits[0]
    start, end = ranking_clause(text, first, deal)
    # the ranking's own clause says whose deals it ranks; without a cue there, its sentence does ("in my
    # own pipeline, what are the biggest deals?"; not "…biggest deals? I have a call at 3")
    own, scope_term = own_scope(*prepared(text[start:end], language))
    if scope_term is None:
        own, scope_term = own_scope(*prepared(_sentence(question, text, start, end), language))
    if not own and scope_term is None and (owner := _owner_before(text, first)):
        own, scope_term = True, owner
    # the count said with the words, else with the deal word ("which 3 of my opps are the biggest")
    near = (match for pair in hits for match in pair)
    count = next((n for match in near if (n := _count_near(text, match))), None)
    if count is None and _singular(deal, first):
        count = 1
    return BiggestReading(
        term=first.group(0).strip(),
        count=count,
        own=own,
        scope_term=scope_term,
        others=" ".join((text[:start] + " " + text[end:]).split()),
        unfiltered=unfiltered(question, text, start, end),
    )


def _sentence(question: str, text: str, start: int, end: int) -> str:
    """The sentence of the question around text[start:end], in the question's own letter case (a rep's
    name is told by its capital: "Emma's deals")."""
    first = max(text.rfind(mark, 0, start) for mark in SENTENCE_ENDS) + 1
    ends = [found for mark in SENTENCE_ENDS if (found := text.find(mark, end)) >= 0]
    cased = " " + " ".join(question.replace("’", "'").split()) + " "
    return (cased if len(cased) == len(text) else text)[first : min(ends, default=len(text))]


def in_ranking_scope(reading: AskedReading, biggest: BiggestReading | None) -> str:
    """The metric a question names, in the scope of the ranking it asks for when nothing said whose it
    is ("my three largest open opps": "my" before "largest" makes the ranking and the open deals own)."""
    team, own = FAMILY_METRICS.get(family_of(reading.metric) or "", (reading.metric, reading.metric))
    if biggest is None or not biggest.own or reading.scope_term is not None or reading.metric != team:
        return reading.metric
    return own


def asked_in_scopes(question: str, language: Language, biggest: BiggestReading | None) -> list[str]:
    """Every metric the question names (`read_all`), each in its own clause's scope when it also asks for
    the ranking: a figure named in the ranking's clause is in the ranking's scope ("my 3 biggest deals
    without a next step"), one asked apart in its own ("the team's 3 biggest deals and how many open
    deals do I have" → the team's ranking, the manager's own count)."""
    readings = read_all(question, language)
    if biggest is None:
        return [reading.metric for reading in readings]
    apart = {family_of(r.metric): r for r in read_all(biggest.others, language)} if biggest.others else {}
    named = []
    for reading in readings:
        family = family_of(reading.metric) or ""
        if family in apart:
            named.append(in_ranking_scope(apart[family], biggest))
        else:
            team, own = FAMILY_METRICS.get(family, (reading.metric, reading.metric))
            in_pair = reading.metric in (team, own)  # "lost_90d" is not in the won pair: kept as read
            named.append((own if biggest.own else team) if in_pair else reading.metric)
    return named


def ranking_filters(named: list[str], biggest: BiggestReading, language: Language) -> list[str]:
    """Of the metrics named, those that filter the ranking: all but the figures asked apart in their own
    clause ("my 3 biggest deals and how many are stale?" ranks all deals and counts the stale ones;
    "my 3 biggest deals without a next step" filters)."""
    apart = {family_of(r.metric) for r in read_all(biggest.others, language)} if biggest.others else set()
    return [metric for metric in named if family_of(metric) not in apart]


def requested_biggest(
    text: str, *, asks: Callable[[str], bool], verb: Callable[[str], str | None]
) -> BiggestReading | None:
    """The ranking a whole message asks for (`read_biggest`), None when it asks none or tells something
    about the deals ("our biggest deals are all stuck in legal"): a message that asks nothing (`asks`: a
    question or a request word in the sentence asking for the ranking) and says no please tells when it
    is long, has a verb (`verb`) before any relative clause, or a telling verb ([requests.told])."""
    reading = read_biggest(text, LANGUAGES[0])
    if reading is None:
        return None
    # asked in its own sentence after a greeting („Moin! Zeig mir bitte meine größten Deals“) or not
    asking = next((part for part in SENTENCES.split(text) if read_biggest(part, LANGUAGES[0])), text)
    if asks(asking) or PLEASE.search(asking):
        return reading
    # a relative clause describes the deals asked for ("… that had no stage change"): its verb tells nothing
    head = RELATIVE.split(text, maxsplit=1)[0]
    told = any_term(flat(text), metric_terms()["requests"]["told"])  # "are stuck", „hängen“
    if len(LETTERS.findall(head)) > MAX_REQUEST_WORDS or verb(head) or told:
        return None
    return reading


Hit = tuple[re.Match[str], re.Match[str]]  # the biggest-deals words and the deal word they rank


def _biggest_hits(text: str) -> list[Hit]:
    """Every place the text asks for the biggest deals, first first: biggest-deals words with a deal
    word after or before them ([requests.biggest]), "top" right before one or before a sort ("top 5 by
    amount", [requests.top]), a word that says it alone ([requests.biggest_alone]); else a one-letter
    typo of a biggest-deals word."""
    requests = metric_terms()["requests"]
    lists = (("biggest", DEAL_WORD_GAP, True), ("top", 0, False), ("biggest_alone", None, False))
    hits = [
        (hit, deal)
        for section, gap, before in lists
        for lang in LANGUAGES
        for word in requests[section][lang]
        for hit in term_pattern(word, False, True).finditer(text)
        if (deal := _ranked(text, hit, gap, before=before, sorts=section == "top"))
    ]
    if not hits:
        typos = _typos(text)
        hits = [(hit, deal) for hit in typos if (deal := _ranked(text, hit, DEAL_WORD_GAP, before=True))]
    return sorted(hits, key=lambda pair: pair[0].start())


def _ranked(
    text: str, hit: re.Match[str], gap: int | None, *, before: bool, sorts: bool = False
) -> re.Match[str] | None:
    """The deal word these biggest-deals words rank, when they ask for a ranking of open deals: no
    closed deals in their sentence, and a deal word after them (up to `gap` other words between,
    fillers and counts aside; with `sorts` a sort such as "by amount" will do) with none of
    `not_biggest` first, or, when `before`, a deal word before them in the sentence. Asked for on their
    own (`gap` None), the words themselves."""
    requests = metric_terms()["requests"]
    start = max(text.rfind(mark, 0, hit.start()) for mark in SENTENCE_ENDS) + 1
    ends = [found for mark in SENTENCE_ENDS if (found := text.find(mark, hit.end())) >= 0]
    end = min(ends, default=len(text))
    if any_term(text[start:end], requests["closed"]):
        return None
    if gap is None:
        return hit
    others = 0
    for token in WORD.finditer(text[hit.end() : end]):
        at = hit.end() + token.start()
        if starts_with(text[at:], requests["deal_words"]) or (
            sorts and starts_with(text[at:], requests["biggest"])
        ):
            return WORD.match(text, at)
        if starts_with(text[at:], requests["not_biggest"]):
            return None
        if free_word(token.group(0)):
            continue
        others += 1
        if others > gap:
            break
    if not before:
        return None
    deal_words = (
        WORD.match(text, start + token.start())
        for token in WORD.finditer(text[start : hit.start()])
        if starts_with(text[start + token.start() :], requests["deal_words"])
    )
    return next(deal_words, None)


def _owner_before(text: str, hit: re.Match[str]) -> str | None:
    """A possessive right before the biggest-deals words, counts and fillers between: "my three
    largest", „meine 3 grössten“, "my single biggest"; the words from it to the hit, else None."""
    possessives = {word for lang in LANGUAGES for word in metric_terms()["scope"]["own_possessive"][lang]}
    tokens = list(WORD.finditer(text[: hit.start()]))
    for token in reversed(tokens[-OWNER_WORDS_BEFORE:]):
        if token.group(0) in possessives:
            return text[token.start() : hit.end()].strip()
        if not free_word(token.group(0)):
            return None
    return None


def _typos(text: str) -> list[re.Match[str]]:
    """The words of the text one letter from a biggest-deals word of TYPO_MIN_LETTERS or more
    ("bigest", "largets", „grösten“), as matches; never a word of `not_typos`."""
    requests = metric_terms()["requests"]
    known = {word for lang in LANGUAGES for word in requests["not_typos"][lang]}
    targets = {
        word.strip()
        for lang in LANGUAGES
        for word in requests["biggest"][lang]
        if word.strip().isalpha() and len(word.strip()) >= TYPO_MIN_LETTERS
    }
    dictionaries = Dictionaries.load()
    return [
        token
        for token in WORD.finditer(text)
        if token.group(0) not in known
        and len(token.group(0)) >= TYPO_MIN_LETTERS - 1
        # every language's letters: „gröten“ is one ß from „größten“; the word itself is no typo
        and targets & (dictionaries.single_edits_any_alphabet(token.group(0)) - {token.group(0)})
    ]


def _count_near(text: str, hit: re.Match[str]) -> int | None:
    """The count said with the biggest-deals words ("5 biggest", „die drei größten“, "top 30"): the number
    in the words themselves, else the nearest one a few words before or after them that counts no other
    thing ("in the last 30 days", "our 12 reps"); None when none is said."""
    if hit.groups() and hit.group(1):
        return int(hit.group(1))
    requests = metric_terms()["requests"]
    tokens = [(m.group(0), m.start()) for m in re.finditer(r"\w+|[%€$£]", text)]
    number_words = {
        word: number for lang in LANGUAGES for word, number in requests["count_words"][lang].items()
    }
    units = {unit for lang in LANGUAGES for unit in requests["count_units"][lang]}
    first = next((i for i, (_, start) in enumerate(tokens) if start >= hit.start()), len(tokens))
    last = next((i for i, (_, start) in enumerate(tokens) if start >= hit.end()), len(tokens))
    near = [
        *range(first, last),
        *reversed(range(max(first - COUNT_WORDS_BEFORE, 0), first)),
        *range(last, min(last + COUNT_WORDS_AFTER, len(tokens))),
    ]
    for index in near:
        word = tokens[index][0]
        count = int(word) if word.isdecimal() and len(word) <= 3 else number_words.get(word)
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        if count and following not in units:
            return int(count)
    return None


def _singular(deal: re.Match[str], hit: re.Match[str]) -> bool:
    """Whether the deal word asks for one deal, by its grammatical number: "deal", "opportunity",
    „Verkaufschance“, „Auftrag“ are one; "deals", "opps", „Chancen“, and „Aufträge“ after „größten“
    are several. A word that asks alone ("whales") is several."""
    word = deal.group(0)
    if deal.start() == hit.start() or word.endswith(("s", "n")):
        return False
    return not (word.endswith("e") and hit.group(0).strip().endswith("n"))
