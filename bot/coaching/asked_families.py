"""Which metric families a question's text names, in the order the answer takes them: the word lists of
prompts/coach/metric_terms.toml matched family by family (each word counting for one family), situations
that lead, figures only stated as context left out, and typos in metric words tried last. asked.py turns
these families into metrics, own or team."""

from __future__ import annotations

import re

from bot.coaching.asked_terms import COMPOUNDING, found, metric_terms, term_pattern
from bot.coaching.asked_typos import corrected
from bot.i18n import Language

SENTENCE_END = re.compile(r"[.?!;]")  # a situation's sentence; a comma or colon may stand inside it
CLAUSE_END = re.compile(r"[.?!;,:]")  # a situation's clause, for the deal words it must stand beside
CUT = "\x00"  # where one clause ends and the next begins
Named = tuple[str, str, dict[str, list[str]]]  # family, the term that names it, the family's words


def first_term(words: dict[str, list[str]], within: str, order: list[Language]) -> str | None:
    return next(
        (hit for lang in order if (hit := found(within, words[lang], lang in COMPOUNDING, True))), None
    )


def _families(text: str, order: list[Language]) -> list[Named]:
    """The families the text names, in the data file's order, each word counting for one family; a
    situation of [leading] names its family before any other ("deals from last month still sitting
    there" is overdue, not stale), some only beside a word of [leading_when]; those of [told] (beside a
    word of [told_when]), [alone] and [stated] only when no other family is named."""
    terms = metric_terms()
    text = _unsituated(text, order)
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
            if unless and first_term(unless, text, order) is None:
                continue
            within = _whole_counts(rest, order) if section is terms["stated"] else rest
            family_term = None if known else first_term(words, within, order)
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


def _unsituated(text: str, order: list[Language]) -> str:
    """The text with each phrase of [situated] blanked in a sentence without a word of its `when`, or in
    a message without a word of its `about`; of a group with `keeps_unless`, in a message without a
    word of it, all but its last word („null Aktivitäten“ of a rep names activities)."""
    for group in metric_terms()["situated"].values():
        about = group.get("about")
        unrelated = about is not None and first_term(about, text, order) is None
        for lang in order:
            for word in group[lang]:
                for hit in term_pattern(word, lang in COMPOUNDING, True).finditer(text):
                    near = group.get("near")
                    if (
                        unrelated
                        or not _beside(group.get("when"), text, hit, order)
                        or (near is not None and not _near(near, text, hit, order))
                    ):
                        kept = hit.group(0).rstrip().rfind(" ") + 1 if _keeps(group, text, order) else None
                        blanked = len(hit.group(0)) if kept is None else kept
                        text = text[: hit.start()] + " " * blanked + text[hit.start() + blanked :]
    return text


def _keeps(group: dict[str, dict[str, list[str]]], text: str, order: list[Language]) -> bool:
    """Whether a group's phrase keeps its last word: the message names none of its `keeps_unless`."""
    unless = group.get("keeps_unless")
    return unless is not None and first_term(unless, text, order) is None


def _near(near: dict[str, list[str]], text: str, hit: re.Match[str], order: list[Language]) -> bool:
    """Whether the clause holding `hit` (to , : . ? ! ;) names a word of `near` as a word of its own:
    the phrase is about those deals, not „kein Task-Feld“ or „die neuen Deal-Felder“ (hyphen compounds)."""
    if text[hit.end() : hit.end() + 1] == "-":
        return False
    start = max((end.end() for end in CLAUSE_END.finditer(text, 0, hit.start())), default=0)
    after = CLAUSE_END.search(text, hit.end())
    clause = text[start : after.start() if after else len(text)]
    words = "|".join(re.escape(word) for lang in order for word in near[lang])
    named = re.compile(rf"(?:{words})(?![\w-])")  # „Verkaufschancen“ too, not „Deal-Felder“
    if named.search(clause):
        return True
    sentence = max((end.end() for end in SENTENCE_END.finditer(text, 0, start)), default=0)
    return _points_back(clause, order) and named.search(text[sentence:start]) is not None


def _points_back(clause: str, order: list[Language]) -> bool:
    """Whether the clause speaks of the deals of the clause before: a relative clause („Deals, de seit
    Wochn koa Aktivität ham“) or a pronoun („a Drittl davo hat koa Aktivität“)."""
    back = metric_terms()["points_back"]
    opening = clause.split()[:1]
    return bool(opening and opening[0] in {w for lang in order for w in back["opening"][lang]}) or any(
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", clause) for lang in order for word in back[lang]
    )


def _beside(when: dict[str, list[str]] | None, text: str, hit: re.Match[str], order: list[Language]) -> bool:
    """Whether the sentence holding `hit` has a word of `when` (always, without a `when`)."""
    if when is None:
        return True
    start = max((end.end() for end in SENTENCE_END.finditer(text, 0, hit.start())), default=0)
    after = SENTENCE_END.search(text, hit.end())
    return first_term(when, text[start : after.start() if after else len(text)], order) is not None


def _whole_counts(text: str, order: list[Language]) -> str:
    """The text with only the numbers of a whole set of deals, after a word of [stated_whole] ("all 120
    opps", "he owns 25 deals"), the others blanked ("17 deals still say they'll close in march"); none
    in a one-on-one (one rep's deals gone through)."""
    whole = metric_terms()["stated_whole"]
    if first_term(whole["one_on_one"], text, order):
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
        if first_term(closed["open"], clause, order) or _closing_to_come(clause, order):
            still_open = True
        elif closing is None:
            closing = first_term(closed["words"], clause, order)
    if closing is None:
        return named
    won_words = metric_terms()["families"]["won_lost"]
    if not named:
        return [("won_lost", closing, won_words)] if first_term(closed["asks"], text, order) else []
    leading = metric_terms()["leading"]
    turned = [
        item  # a situation of [leading] holds its own closing word ("add deals only once they're closed")
        for item in named
        if item[0] in closed["families"]
        and not any(item[1] in leading.get(item[0], {}).get(lang, []) for lang in order)
    ]
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


def asked_families(text: str, order: list[Language]) -> list[Named]:
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


def misspelt(text: str, order: list[Language], named: list[Named]) -> list[Named]:
    """The families a question names with a typo in a metric word, when no family's term matched as
    written ("how many deals" alone may have: „wie viele Deals sind überfälig?“); else none."""
    alone = metric_terms()["alone"]
    alone_terms = {word for words in alone.values() for lang in order for word in words[lang]}
    if any(term not in alone_terms for _, term, _ in named):
        return []
    fixed = corrected(text)
    return asked_families(fixed, order) if fixed != text else []


def _clauses(text: str, breaks: list[str]) -> list[str]:
    """The text cut after each break (a comma, "but", „aber“ …), each clause keeping its break."""
    pattern = "|".join(re.escape(b) for b in sorted(breaks, key=len, reverse=True))
    marked = re.sub(pattern, lambda hit: hit.group(0) + CUT, text)
    return [f" {clause.strip()} " for clause in marked.split(CUT) if clause.strip()]
