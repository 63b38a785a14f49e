"""What kind of message is it? Rules over term lists (prompts/kinds/<lang>.toml), explainable by design.

Each result says which rule and which term decided, so a wrong kind can be fixed in the data file, not
in code. Both languages' lists always apply: managers mix languages, and a term is a term. Where the
rules only guess (no rule fired, or "nothing about sales"), a model learned from example messages
(kind_model.py) may decide instead, and then the reason says "model:" and both its scores.
The rules of one kind that need no more than the term lists live beside this module: kind_numbers.py
(a figure asked for), kind_controls.py (the coach's own messages), kind_asking.py (does it ask, what for),
kind_aside.py (names the work but asks nothing the coach coaches: good news, a product choice, small talk),
kind_hostile.py (rules changed, others' data, insults), kind_words.py (gibberish: which words are words).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from bot.coaching.kind_aside import (
    bet,
    business_time,
    errand,
    everyday_fault,
    hardware_choice,
    pay,
    product_choice,
    shares_news,
    small_talk_around_work,
    work_beside_small_talk,
    writes_other_work,
)
from bot.coaching.kind_asking import (
    asking_part,
    asks,
    asks_advice,
    asks_meaning,
    is_question,
)
from bot.coaching.kind_biggest import asks_for_biggest
from bot.coaching.kind_controls import about_coach
from bot.coaching.kind_hostile import hostile
from bot.coaching.kind_lists import term_lists
from bot.coaching.kind_model import KindModel, trained_model
from bot.coaching.kind_numbers import (
    asks_for_figure,
    deals_by_stage,
    figure_over_period,
    figures_only,
    repair_asking,
)
from bot.coaching.kind_reflection import asks_after_lesson
from bot.coaching.kind_terms import LETTERS, normalise
from bot.coaching.kind_words import MIN_COMPOUND_PART, KnownWords
from bot.coaching.lessons import LessonLibrary
from bot.coaching.spelling import Dictionaries

log = logging.getLogger(__name__)
Kind = Literal[
    "coaching", "numbers", "controls", "tool_howto", "reflection", "off_topic", "gibberish", "hostile"
]
KINDS: tuple[Kind, ...] = (
    "coaching",
    "numbers",
    "controls",
    "tool_howto",
    "reflection",
    "off_topic",
    "gibberish",
    "hostile",
)
MAX_GREETING_WORDS = 5

NO_RULE = "a question about working with the CRM"
# A coaching answer sets no goal when the model finds these kinds together likelier than coaching, by more
# than MIN_DOUBT probability points (a near tie, „Vertriebsteam trägt nix ein“ 0.47 to 0.47, keeps it).
NO_GOAL_KINDS = frozenset({"off_topic", "hostile", "gibberish", "controls"})
MIN_DOUBT = 0.05
# The model overrules the rules only with at least this probability: below it, "can you explain how to
# set a good next step?" went to off-topic (0.58 before the polite coaching examples); every overrule on
# the dev sets scores above it.
MIN_OVERRULE = 0.5
# The rules' guesses the model may overrule: with which kinds, and how far ahead of the runner-up the
# model must be (probability points); further for coaching: a lesson for a message the rules found nothing
# of the work in. Never hostile: the model takes "where is your server located?" or "are you a real person?"
# for it, and a hostile answer to a harmless question is the worst mistake (hostile needs a term).
NOT_THE_WORK = {"coaching": 0.5, "numbers": 0.1, "controls": 0.1}
OPEN_TO: dict[str, dict[str, float]] = {
    NO_RULE: {"numbers": 0.1, "tool_howto": 0.1, "off_topic": 0.1, "controls": 0.1},
    "nothing about sales, the team or the CRM": NOT_THE_WORK,
    "only everyday words, nothing of the work": NOT_THE_WORK,
}


@dataclass(frozen=True, slots=True)
class Classification:
    kind: Kind
    reason: str  # the rule and the term that decided, for logs and the evaluation


class MessageClassifier:
    """Built once (the word lists take a moment to load); classify() is read-only and thread-safe."""

    def __init__(
        self,
        *,
        vocabulary: Iterable[str],
        model: KindModel | None = None,
        dictionaries: Dictionaries | None = None,
    ) -> None:
        self.terms = term_lists()
        self.model = model
        self.dictionaries = dictionaries or Dictionaries.load()
        known = {word.lower() for word in vocabulary} | self.terms.all_words()
        self.words = KnownWords(self.terms, known, self.dictionaries)

    @classmethod
    def for_library(cls, library: LessonLibrary) -> MessageClassifier:
        """The lessons' own words count as known words (CRM jargon is in no dictionary)."""
        texts = (" ".join((x.title, x.body, x.practice, x.reflection)) for x in library.lessons)
        questions = (question for x in library.lessons for question in (*x.asked_as, *x.training))
        return cls(
            vocabulary={word for text in texts for word in LETTERS.findall(normalise(text))},
            model=trained_model(questions, KINDS),
        )

    def classify(self, message: str, *, reflection_pending: bool = False) -> Classification:
        """The kind of `message`; `reflection_pending`: a lesson asked the sender a question < 48 h ago.

        The rules run in this order and the first that fires decides; coaching is what is left. Where
        no rule fired or only a weak one did, the model learned from examples may overrule it (OPEN_TO).
        """
        text = repair_asking(normalise(message), self.dictionaries)
        words = LETTERS.findall(text)
        rules: list[tuple[Kind, Callable[[], str | None]]] = [
            ("gibberish", lambda: self.words.gibberish(message, text, words)),
            ("hostile", lambda: hostile(self.terms, message, text)),
            ("controls", lambda: about_coach(self.terms, text, words)),
            ("reflection", lambda: self._reflection(message, text, reflection_pending)),
            ("off_topic", lambda: self._other_work(text)),
            ("off_topic", lambda: errand(self.terms, text)),
            ("off_topic", lambda: self._sales_craft(text)),
            ("off_topic", lambda: pay(self.terms, text)),
            ("off_topic", lambda: product_choice(self.terms, text)),
            ("off_topic", lambda: hardware_choice(self.terms, text)),
            ("off_topic", lambda: bet(self.terms, message, text)),
            ("tool_howto", lambda: self._tool(text)),
            ("off_topic", lambda: shares_news(self.terms, message, text)),
            ("off_topic", lambda: small_talk_around_work(self.terms, message, text)),
            ("coaching", lambda: self._meaning(text)),
            ("numbers", lambda: figures_only(self.terms, text)),
            ("numbers", lambda: asks_for_figure(self.terms, text)),
            ("numbers", lambda: figure_over_period(self.terms, text)),
            ("numbers", lambda: deals_by_stage(self.terms, text)),
            ("numbers", lambda: asks_for_biggest(self.terms, text)),
            ("off_topic", lambda: self._leisure(message, text, reflection_pending)),
            ("off_topic", lambda: self._off_topic(message, text, words, reflection_pending)),
            ("off_topic", lambda: self._everyday(message, text, words, reflection_pending)),
        ]
        for kind, rule in rules:
            if (reason := rule()) is not None:
                ruled = Classification(kind, reason)
                break
        else:
            ruled = Classification("coaching", NO_RULE)
        # right after a lesson, the rules know what the model cannot: the message may be about the lesson
        return ruled if reflection_pending else self._reviewed(ruled, message, text, words)

    def _reviewed(self, ruled: Classification, message: str, text: str, words: list[str]) -> Classification:
        """The rules' decision, or the model's where the rules only guessed and the model is sure."""
        open_to = OPEN_TO.get(ruled.reason)
        if self.model is None or open_to is None:
            return ruled
        predicted = self.model.predict(message)
        if predicted.score < MIN_OVERRULE or predicted.margin < open_to.get(predicted.kind, 1.0):
            return ruled
        if not self._plausible(predicted.kind, message, text, words):
            return ruled
        kind = next(kind for kind in KINDS if kind == predicted.kind)
        return Classification(kind, f"model: {predicted.summary()} (rules: {ruled.reason})")

    def _plausible(self, kind: str, message: str, text: str, words: list[str]) -> bool:
        """The model's kind must not contradict what the message plainly says."""
        if kind == "numbers":
            # "12 of my deals have no next step" states a figure; "why so many overdue?" asks for advice
            statement = "?" not in message and self.terms.numbers_verbs.first(text)
            advice = self.terms.numbers_coaching.first(text) or asks_advice(self.terms, words, text)
            return self.work_evidence(message) is not None and not statement and not advice
        if kind == "tool_howto":
            product = self.terms.vendors.first(text) or self.terms.ui.first(text)
            # "how do I…", "where is…" asks how exactly, "…in hubspot einrichten" asks to do something in it
            # ("which criteria…" asks for advice)
            asks = self.terms.tool_strict_asks.first(text) or self.terms.tool_setup.first(text)
            return bool(product and asks) and not self.terms.habit.first(text) and not self._own_way(text)
        if kind == "controls":
            # the coach's messages, the coaching or when it writes ("tuesdays only from now on pls");
            # "explain how deals go stale" names none of them
            terms = self.terms
            about_coach = (
                terms.controls_alone,
                terms.controls,
                terms.controls_soft,
                terms.controls_coach,
                terms.controls_objects,
                terms.controls_stoppable,
                terms.controls_when,
            )
            return any(listed.first(text) for listed in about_coach)
        return True

    def _reflection(self, message: str, text: str, pending: bool) -> str | None:
        # "for Nordbank? nobody." repeats the question before answering it
        if pending and not asks_after_lesson(self.terms, message, text):
            return "a statement after a lesson's reflection question"
        return None

    def _tool(self, text: str) -> str | None:
        """A screen or setting asked how or where, or a named product asked how exactly; not a habit."""
        # "give my reps access to my salesforce dashboard, where is that setting": the setting asked for
        # in a product outweighs the people named
        setting = self.terms.setting_asks.first(text)
        if setting and (self.terms.vendors.first(text) or self.terms.ui.first(text)):
            return f"asks for a product's setting: '{setting}'"
        # "how do I teach the team to write a real next step in pipedrive" asks about the asker's own way
        if self.terms.habit.first(text) or self._own_way(text):
            return None
        # "the director only asks for excel exports" says something, asks nothing; "the coffee machine is
        # broken" tells a fault of nothing of the product
        asked = is_question(self.terms, text, text) or self.terms.tool_asks.first(text)
        if not asked or everyday_fault(self.terms, text):
            return None
        # "one rep refuses to use salesforce. how do I handle him": the product is in the story, not
        # in what is asked
        text = asking_part(self.terms, text)
        screen = self.terms.ui.first(text)
        if screen and (self.terms.vendors.first(text) or self.terms.tool_asks.first(text)):
            return f"about the product, not the habit: '{screen}'"
        vendor = self.terms.vendors.first(text)
        if vendor and self.terms.tool_strict_asks.first(text):
            return f"how exactly in a product: '{vendor}'"
        return None

    def _own_way(self, text: str) -> str | None:
        """The asker's own way asked ("how do I teach the team…", "I forget half of what the client said…"):
        a habit, whatever product it names, unless the message asks to do something in the product ("how do
        I create a sandbox in salesforce to train my team?"): an own way told as the reason beside a click
        path does not make it a habit question."""
        own = self.terms.own_way.find(text)
        if own is None:
            return None
        # "how do I teach the team to create real next steps": the verb right after is the habit taught
        rest = text[own.end :].split()
        if rest and self.terms.own_way_taught.covers(rest[0]):
            rest = rest[2:]
        return None if self.terms.tool_setup.first(f"{text[: own.end]} {' '.join(rest)}") else own.term

    def _meaning(self, text: str) -> str | None:
        """Asks what a term of the work means ("can you explain what a stale deal is?"): coaching, the
        rules are sure of it (the model took it for small talk)."""
        term = asks_meaning(self.terms, text)
        return f"asks what a term of the work means: '{term}'" if term and self.work_evidence(text) else None

    def _off_topic(self, message: str, text: str, words: list[str], pending: bool) -> str | None:
        """Small talk without a strong subject word, or nothing about the subject at all."""
        strong = self.terms.strong_domain.first(text)
        greeting = self.terms.greetings.first(text) if len(words) <= MAX_GREETING_WORDS else None
        if greeting and not strong:
            return f"a greeting: '{greeting}'"
        if strong or self.terms.vendors.first(text):
            return None
        chat = business_time(self.terms, text)  # "before the christmas season starts" beside the work
        if (term := self.terms.small_talk.first(chat)) and not work_beside_small_talk(self.terms, chat):
            return f"small talk: '{term}'"
        # "ok, but how do I do that when everyone works remotely?" right after a lesson asks about it
        if pending and asks(self.terms, message, text):
            return None
        if self.terms.domain.first(text) or any(
            self.words.near_domain(word) for word in words if len(word) >= 5
        ):
            return None
        return "nothing about sales, the team or the CRM"

    def _leisure(self, message: str, text: str, pending: bool) -> str | None:
        """Colleagues' food, drinks, festivals or sport ("wer geht mit auf d'Wiesn am Samstag?") naming
        nothing of the work: the model took such plans for coaching ("anyone know", "wer", "Samstag")."""
        term = self.terms.leisure.first(text)
        if term is None or self.terms.strong_domain.first(text) or self.terms.vendors.first(text):
            return None
        if (pending and asks(self.terms, message, text)) or self.work_evidence(message):
            return None
        return f"colleagues' leisure: '{term}'"

    def _everyday(self, message: str, text: str, words: list[str], pending: bool) -> str | None:
        """Only everyday words of the subject ("the team lunch", "Termin morgen in der Werkstatt"):
        coaching needs evidence of the work, or a request for advice ("how should I…", "wie soll ich…")."""
        if self.terms.strong_domain.first(text) or self.terms.vendors.first(text):
            return None
        if (pending and asks(self.terms, message, text)) or asks_advice(self.terms, words, text):
            return None
        return None if self.work_evidence(message) else "only everyday words, nothing of the work"

    def _other_work(self, text: str) -> str | None:
        if term := self.terms.other_work.first(text):
            return f"asks for other work: '{term}'"
        if term := self._formula(text):
            return f"asks for a spreadsheet formula: '{term}'"
        # "can you write an email to the customer…", "draft me a post": asked of the coach, writing is other
        # work unless what is written is the CRM work ("draft me an agenda for my pipeline review")
        if writing := writes_other_work(self.terms, text):
            return f"asks the coach to write something: '{writing}'"
        return None

    def _formula(self, text: str) -> str | None:
        """ "excel formula to count unique values?": other work where it names nothing of the work; "we track
        deals in a spreadsheet with countifs, should we move to the CRM?" and "count unique values in a
        HubSpot report" are about it (the spreadsheet itself names no work)."""
        formula = self.terms.formulas.first(text)
        if formula is None:
            return None
        rest = self.terms.spreadsheets.without(self.terms.formulas.without(text))
        terms = self.terms
        work = terms.work_domain.first(rest) or terms.crm_work.first(rest) or terms.vendors.first(rest)
        return None if work else formula

    def _sales_craft(self, text: str) -> str | None:
        """Negotiating, pay, careers: selling, but not the CRM work the coach coaches."""
        craft = self.terms.craft.first(text)
        return (
            f"sales craft, not the CRM work: '{craft}'"
            if craft and not self.terms.crm_work.first(text)
            else None
        )

    def goal_evidence(self, message: str) -> str | None:
        """What lets a coaching answer to `message` set a goal, or None.

        Coaching is what no other rule claims, so a new wording of small talk or a complaint can land
        there; only when it names the work, and the model does not take it for a message that gets no
        goal, does the lesson come with a goal (a goal on a misread message is a target nobody asked for)."""
        evidence = self.work_evidence(message)
        if evidence is None or self.model is None:
            return evidence
        if asks_meaning(self.terms, normalise(message)):  # what a term of the work means: the rules are sure
            return evidence
        predicted = self.model.predict(message)
        # together, the kinds without a goal may outweigh coaching though none of them alone leads;
        # a near tie keeps the goal (MIN_DOUBT)
        doubt = predicted.probability_of(NO_GOAL_KINDS) - predicted.probability_of({"coaching"})
        if doubt > MIN_DOUBT:
            log.debug("goal withheld, the model reads it as %s: %r", predicted.summary(), message)
            return None
        return evidence

    def work_evidence(self, message: str) -> str | None:
        """What makes `message` a question about managing sales with a CRM, or None."""
        text = repair_asking(normalise(message), self.dictionaries)
        if term := self.terms.evidence.first(text):
            return f"names the work: '{term}'"
        evidence = self.terms.evidence
        for word in LETTERS.findall(text):
            if len(word) <= MIN_COMPOUND_PART:
                continue
            # "Vertriebsteam", "Kundentermin": a compound with a subject word in it
            if any(len(stem) >= MIN_COMPOUND_PART and stem in word[1:] for stem in evidence.stems):
                return f"a compound of a subject word: '{word}'"
            # "pipline", "forcast": one slip in a subject word
            if not self.dictionaries.known(word) and any(
                evidence.covers(edit) for edit in self.dictionaries.single_edits(word)
            ):
                return f"a typo of a subject word: '{word}'"
        return None
