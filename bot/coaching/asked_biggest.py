"""A question asking for the biggest deals ("my 3 biggest open opps", „die größten Deals im Team“): whether
it asks for a ranking by amount, how many deals and whose, read from the [requests.*] lists of
prompts/coach/metric_terms.toml with the same term syntax and scope cues as the asked metric (asked.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.asked import (
    FAMILY_METRICS,
    AskedReading,
    _flat,
    _own_scope,
    _pattern,
    _prepared,
    _terms,
    family_of,
    read_all,
)
from bot.i18n import LANGUAGES, Language

# How far from the biggest-deals words a count may stand: "the five deals with the highest value".
COUNT_WORDS_BEFORE = 4
COUNT_WORDS_AFTER = 2
DEAL_WORD_GAP = 2  # words allowed between the biggest-deals words and the deal word after them
OWNER_WORDS_BEFORE = 4  # "my" this far before them, counts and fillers between: "my top three biggest"
TYPO_MIN_LETTERS = 7  # shorter words are too near other words for a typo to be read as them
SENTENCE_ENDS = ".;:!?"  # not a comma: "my open deals, sorted by amount"
CLAUSE_ENDS = (*SENTENCE_ENDS, ",", " – ", " - ", " — ")
LINKED_WORDS = 2  # words a link may open after the deals named: "in my own pipeline", "over the last 30 days"
WORD = re.compile(r"\w+")


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
    text = _flat(question)
    hits = [(hit, deal) for hit, deal in _biggest_hits(text) if _requested(text, hit, deal)]
    if not hits:
        return None
    first, deal = hits[0]
    start, end = _ranking_clause(text, first, deal)
    # the ranking's own clause says whose deals it ranks; without a cue there, the question does
    own, scope_term = _own_scope(*_prepared(text[start:end], language))
    if scope_term is None:
        spaced, scoped, order = _prepared(question, language)
        own, scope_term = _own_scope(spaced, scoped, order)
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
        unfiltered=_unfiltered(question, text, start, end),
    )


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
            in_pair = reading.metric in (team, own)  # "lost_90d" has no own
            named.append((own if biggest.own else team) if in_pair else reading.metric)
    return named


def told_term(text: str) -> str | None:
    """A verb that tells something about the biggest deals ([requests.told]): "are stuck", „hängen“."""
    return _any_term(_flat(text), _terms()["requests"]["told"])


Hit = tuple[re.Match[str], re.Match[str]]  # the biggest-deals words and the deal word they rank


def _biggest_hits(text: str) -> list[Hit]:
    """Every place the text asks for the biggest deals, first first: biggest-deals words with a deal
    word after or before them ([requests.biggest]), "top" right before one or before a sort ("top 5 by
    amount", [requests.top]), a word that says it alone ([requests.biggest_alone]); else a one-letter
    typo of a biggest-deals word."""
    requests = _terms()["requests"]
    lists = (("biggest", DEAL_WORD_GAP, True), ("top", 0, False), ("biggest_alone", None, False))
    hits = [
        (hit, deal)
        for section, gap, before in lists
        for lang in LANGUAGES
        for word in requests[section][lang]
        for hit in _pattern(word, False, True).finditer(text)
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
    requests = _terms()["requests"]
    start = max(text.rfind(mark, 0, hit.start()) for mark in SENTENCE_ENDS) + 1
    ends = [found for mark in SENTENCE_ENDS if (found := text.find(mark, hit.end())) >= 0]
    end = min(ends, default=len(text))
    if _any_term(text[start:end], requests["closed"]):
        return None
    if gap is None:
        return hit
    others = 0
    for token in WORD.finditer(text[hit.end() : end]):
        at = hit.end() + token.start()
        if _starts_with(text[at:], requests["deal_words"]) or (
            sorts and _starts_with(text[at:], requests["biggest"])
        ):
            return WORD.match(text, at)
        if _starts_with(text[at:], requests["not_biggest"]):
            return None
        if _free(token.group(0)):
            continue
        others += 1
        if others > gap:
            break
    if not before:
        return None
    deal_words = (
        WORD.match(text, start + token.start())
        for token in WORD.finditer(text[start : hit.start()])
        if _starts_with(text[start + token.start() :], requests["deal_words"])
    )
    return next(deal_words, None)


def _owner_before(text: str, hit: re.Match[str]) -> str | None:
    """A possessive right before the biggest-deals words, counts and fillers between: "my three
    largest", „meine 3 grössten“, "my single biggest"; the words from it to the hit, else None."""
    possessives = {word for lang in LANGUAGES for word in _terms()["scope"]["own_possessive"][lang]}
    tokens = list(WORD.finditer(text[: hit.start()]))
    for token in reversed(tokens[-OWNER_WORDS_BEFORE:]):
        if token.group(0) in possessives:
            return text[token.start() : hit.end()].strip()
        if not _free(token.group(0)):
            return None
    return None


def _typos(text: str) -> list[re.Match[str]]:
    """The words of the text one letter from a biggest-deals word of TYPO_MIN_LETTERS or more
    ("bigest", "largets", „grösten“), as matches; never a word of `not_typos`."""
    requests = _terms()["requests"]
    known = {word for lang in LANGUAGES for word in requests["not_typos"][lang]}
    targets = {
        word.strip()
        for lang in LANGUAGES
        for word in requests["biggest"][lang]
        if word.strip().isalpha() and len(word.strip()) >= TYPO_MIN_LETTERS
    }
    return [
        token
        for token in WORD.finditer(text)
        if token.group(0) not in known
        and len(token.group(0)) >= TYPO_MIN_LETTERS - 1
        and any(_one_edit(token.group(0), target) for target in targets)
    ]


def _one_edit(word: str, target: str) -> bool:
    """One letter inserted, left out, changed or two swapped (not the same word)."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == target[diff[1]]
        return len(diff) == 1 or (swapped and word[diff[1]] == target[diff[0]])
    short, long = sorted((word, target), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _free(word: str) -> bool:
    """A word that may stand between the biggest-deals words and the deal word: a count or a filler."""
    requests = _terms()["requests"]
    counted = any(word in requests["count_words"][lang] for lang in LANGUAGES)
    return word.isdecimal() or counted or _starts_with(word + " ", requests["fillers"])


def _starts_with(text: str, words: dict[str, list[str]]) -> bool:
    """Whether one of the terms starts the text (the start of a word; a whole word when the term ends
    in a space)."""
    return any(_pattern(word, False, False).match(text) for lang in LANGUAGES for word in words[lang])


def _any_term(text: str, words: dict[str, list[str]]) -> str | None:
    """The first of the terms (either language) found in the text."""
    return next((w for lang in LANGUAGES for w in words[lang] if _pattern(w, False, True).search(text)), None)


def _count_near(text: str, hit: re.Match[str]) -> int | None:
    """The count said with the biggest-deals words ("5 biggest", „die drei größten“, "top 30"): the number
    in the words themselves, else the nearest one a few words before or after them that counts no other
    thing ("in the last 30 days", "our 12 reps"); None when none is said."""
    if hit.groups() and hit.group(1):
        return int(hit.group(1))
    requests = _terms()["requests"]
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


def _ranking_clause(text: str, hit: re.Match[str], deal: re.Match[str]) -> tuple[int, int]:
    """Where the clause asking for the ranking starts and ends: at a clause mark, or before a word
    joining another request to it ("and how many are stale", „und unser Pipeline-Wert“)."""
    low, high = min(hit.start(), deal.start()), max(hit.end(), deal.end())
    start = max(text.rfind(mark, 0, low) for mark in CLAUSE_ENDS) + 1
    ends = [found for mark in CLAUSE_ENDS if (found := text.find(mark, high)) >= 0]
    end = min(ends, default=len(text))
    joined = _terms()["requests"]["and_words"]
    word = next((t for t in WORD.finditer(text, high, end) if _starts_with(text[t.start() :], joined)), None)
    return start, word.start() if word else end


def _unfiltered(question: str, text: str, start: int, end: int) -> str | None:
    """The filter the ranking's clause asks that the ranking cannot apply, the first of: an amount
    ("over 50k"), a currency ("in USD"), a period ("closing this month", „in diesem Quartal“), a rep
    ("of Noah Adams"); None when it asks none."""
    requests = _terms()["requests"]
    clause = text[start:end]
    for token in WORD.finditer(clause):
        rest = clause[token.start() :]
        after = WORD.search(clause, token.end())
        if _starts_with(rest, requests["filter_amount"]) and after and after.group(0)[:1].isdecimal():
            return "amount"
    if re.search(r"[<>]\s*\d", clause):
        return "amount"
    if _any_term(clause, requests["filter_currency"]):
        return "currency"
    if _any_term(clause, requests["filter_period"]):
        return "period"
    cased = " " + " ".join(question.replace("’", "'").split()) + " "
    if len(cased) != len(text):
        return None
    no_names = {word for lang in LANGUAGES for word in _terms()["scope"]["not_a_name"][lang]}
    for token in WORD.finditer(text, start, end):
        name = WORD.search(cased, token.end())
        if (
            _starts_with(text[token.start() :], requests["filter_owner"])
            and name is not None
            and name.end() <= end
            and name.group(0)[:1].isupper()
            and name.group(0).lower() not in no_names
        ):
            return "owner"
    return None


def _singular(deal: re.Match[str], hit: re.Match[str]) -> bool:
    """Whether the deal word asks for one deal, by its grammatical number: "deal", "opportunity",
    „Verkaufschance“, „Auftrag“ are one; "deals", "opps", „Chancen“, and „Aufträge“ after „größten“
    are several. A word that asks alone ("whales") is several."""
    word = deal.group(0)
    if deal.start() == hit.start() or word.endswith(("s", "n")):
        return False
    return not (word.endswith("e") and hit.group(0).strip().endswith("n"))


def _requested(text: str, hit: re.Match[str], deal: re.Match[str]) -> bool:
    """Whether the clause holding the biggest-deals words asks for the ranking ([requests.openers]):
    it opens with a request ("what are…", „zeig mir…“), or it is the deals named and nothing else
    ("top 5 deals in my team", „größte Deals bitte“) while no other clause asks a question. A clause
    that says something about the deals ("our biggest deal wobbles, what now?") asks for no ranking."""
    requests = _terms()["requests"]
    low, high = min(hit.start(), deal.start()), max(hit.end(), deal.end())
    start = max(text.rfind(mark, 0, low) for mark in CLAUSE_ENDS) + 1
    ends = [found for mark in CLAUSE_ENDS if (found := text.find(mark, high)) >= 0]
    end = min(ends, default=len(text))
    lead = list(WORD.finditer(text, start, low))
    at = next((i for i, t in enumerate(lead) if not _np_word(t.group(0))), None)
    if at is not None:
        articles = {word for lang in LANGUAGES for word in requests["articles"][lang]}
        after_article = at > 0 and lead[at - 1].group(0) in articles
        asked = _starts_with(text[lead[at].start() :], requests["openers"]) and not after_article
        # "give me a tip for the biggest deals" asks for a tip
        other = any(_starts_with(text[t.start() :], requests["not_biggest"]) for t in lead)
        return asked and not other
    if "?" in text[:start] + text[end + 1 :]:  # "biggest deal: customer wants 20% off. advice?"
        return False
    return _noun_phrase_tail(text, max(hit.end(), deal.start()), end)


def _noun_phrase_tail(text: str, at: int, end: int) -> bool:
    """After the deals named, only what says which deals: free words, a short phrase opened by a link
    ("in my team", "over 50k", "closing this month"), or a relative or further request ("that slipped",
    "and how many…"); a verb of the clause ("closes", „wackelt“, „gehört“) says something about them."""
    requests = _terms()["requests"]
    budget = 0  # words left in the phrase a link opened
    for token in WORD.finditer(text, at, end):
        word, rest = token.group(0), text[token.start() :]
        if _starts_with(rest, requests["np_clauses"]):
            return True
        if _starts_with(rest, requests["deal_words"]):
            continue
        if _starts_with(rest, requests["np_links"]) or (word.endswith("ing") and len(word) > 4):
            budget = LINKED_WORDS
        elif not (_np_word(word) or word.isdecimal()):
            if budget == 0:
                return False
            budget -= 1
    return True


def _np_word(word: str) -> bool:
    """A word free before or after the deals named: a filler, a count, a greeting or a please."""
    requests = _terms()["requests"]
    return _free(word) or any(word in requests["np_words"][lang] for lang in LANGUAGES)
