"""After a lesson's reflection question: does a reply with a question in it ask the coach something new,
or answer the lesson (term lists [reflection] in prompts/kinds/<lang>.toml)?

A question mark alone does not tell: "most of them, if I'm honest? two were real" answers the lesson,
"why would they stop if I keep asking for it?" after a story is said to oneself, "funny, isn't it?" asks
nothing. A reply asks when one of its questions opens with a question or request word ("how do I get them
to log calls?"), or asks for help, or is a question alone with no answer around it ("and for Nordbank?").
"""

from __future__ import annotations

import re

from bot.coaching.kind_asking import follow_up_question, sentences, without_echo
from bot.coaching.kind_lists import TermLists
from bot.coaching.kind_terms import LETTERS

# A question's clauses: "she was quiet for a long time, never thought about it, apparently?"
CLAUSE = re.compile(r"\s*[,;:–—]\s*|\s+-\s+")
# A question quoted ("'what does the customer lose?' – she was quiet") is told, not asked.
QUOTED = re.compile(r"(?<!\w)'.+?'(?!\w)|[\"“„«].+?[\"”“»]")
# Words told before the asking clause of the same sentence that make it a story, not a lone question
# ("I keep changing the stages every quarter, why would anyone trust them?").
MIN_TOLD_WORDS = 4


def asks_after_lesson(terms: TermLists, message: str, text: str) -> bool:
    """Whether a reply right after a lesson asks the coach something (else it reflects)."""
    if "?" not in message:
        return follow_up_question(terms, message, text) and not _tells_like_question(terms, text)
    unquoted = QUOTED.sub(" ", text)
    parts = sentences(without_echo(unquoted))
    # "ok? so how do I bring that up" asks without a mark of its own
    questions = [part for part in parts if part.endswith("?") or _opens(terms, part)]
    # statements or a quote around the questions: the reply tells something
    told = len(questions) < len(parts) or unquoted != text
    for part in questions:
        clauses = [clause for clause in CLAUSE.split(part.rstrip("?")) if clause]
        # „Wer im Team das nicht macht, was mache ich mit dem?“ asks in its later clause
        rhetorical = terms.rhetorical.first(part) and not _later_clause_asks(terms, part)
        if not clauses or rhetorical or _tag(terms, clauses[-1]):
            continue
        before = 0
        for clause in clauses:
            words = _without_fillers(terms, LETTERS.findall(clause))
            # "…, why would they?" after a story is said to oneself; alone it may ask
            said_to_oneself = (told or before >= MIN_TOLD_WORDS) and terms.rhetorical_told.first(clause)
            if _opens_asking(terms, words) and not said_to_oneself:
                return True
            before += len(words)
        if terms.help.first(part) or terms.tool_strict_asks.first(part):
            return True
        if not told and before < 2 * MIN_TOLD_WORDS and len(questions) == len(parts):
            return True  # a short question alone ("and for the deals without a next step?")
    return False


def _without_fillers(terms: TermLists, words: list[str]) -> list[str]:
    while words and terms.fillers.covers(words[0]):
        words = words[1:]
    return words


def _opens(terms: TermLists, part: str) -> bool:
    return _opens_asking(terms, _without_fillers(terms, LETTERS.findall(part)))


def _tells_like_question(terms: TermLists, text: str) -> bool:
    """Opens like a question without a mark, but tells: „ist doch klar, dass …“, „wer hat das nicht
    schon erlebt. bei mir ständig“."""
    opening = next(iter(sentences(text)), "")
    if _later_clause_asks(terms, opening):  # „Kann ja sein, aber wie mach ich das bei 40 Deals“
        return False
    words = _without_fillers(terms, LETTERS.findall(opening))
    return _particle_after_verb(terms, words) or bool(terms.rhetorical.first(opening))


def _later_clause_asks(terms: TermLists, part: str) -> bool:
    """A clause after the first opens with a question word, asking nothing rhetorically ("can you believe
    it", „was soll's“)."""
    clauses = [clause for clause in CLAUSE.split(part.rstrip("?")) if clause]
    return any(
        _opens(terms, clause) and not (terms.rhetorical.first(clause) or terms.rhetorical_told.first(clause))
        for clause in clauses[1:]
    )


def _particle_after_verb(terms: TermLists, words: list[str]) -> bool:
    return len(words) > 1 and terms.particles.covers(words[1])


def _opens_asking(terms: TermLists, words: list[str]) -> bool:
    """Opens with a question word, unless a statement's particle follows the verb: „ist ja klar oder?“,
    „ist doch kein Wunder, dass …?“ tell; „ist das normal?“ asks."""
    return bool(words) and _opens_question(terms, words[0]) and not _particle_after_verb(terms, words)


def _tag(terms: TermLists, clause: str) -> bool:
    found = terms.tags.find(clause)
    return found is not None and found.start == 0 and found.end == len(clause)


def _opens_question(terms: TermLists, word: str) -> bool:
    return terms.question_words.covers(word) or terms.request_words.covers(word)
