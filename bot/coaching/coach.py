"""The coach: retrieves the lessons that fit a question and the asker's numbers, then answers.

The offline answer is always available; an LLM (when configured) may phrase a better one, and any
failure there falls back to the offline answer, never to an error.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from bot.coaching.asked import asked_metric, same_family, same_scope
from bot.coaching.asked_model import metric_model
from bot.coaching.goals import GOAL_METRICS, GoalPlan, scope_of
from bot.coaching.kinds import Kind, MessageClassifier
from bot.coaching.language import answer_language, warm_up
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.numbers import Grounding, NumberFact, fact_sentences, goal_sentence, ground, offerable
from bot.coaching.retrieval import Hit, LessonIndex, distinct_topics_first
from bot.coaching.vocabulary import Vocabulary
from bot.crm.base import ManagerStats
from bot.i18n import LANGUAGES, Language, t

Source = Literal["offline", "llm"]
RETRIEVED_LESSONS = 3
# A lesson on the asked metric leads only with at least this share of the best lesson's score. One of
# the best lesson's topic needs less than one of another topic: a change of subject must fit nearly as
# well (0.4 for both put 1:1 questions that quote an activity count under personal-crm; 0.7 for other
# topics: +12 dev questions of topic top-1, and the goal is dropped rather than set on another number).
ASKED_METRIC_LEAD_FLOOR = 0.4
OTHER_TOPIC_LEAD_FLOOR = 0.7
# Asked about their own number ("my own deals"), when the best lesson sets no goal on it (reflective, or
# its task moves another number), a lesson of another topic with a goal on the asker's own number leads
# from this share (metric_blind16/18/19 dev: +15 answers with the goal on the asked metric; questions dev:
# two personal-crm questions of topic top-1 lost, batches 18 and 19 none).
OWN_METRIC_LEAD_FLOOR = 0.4
# A count a task can move either way (open deals, own or team): its number in a question does not say which
# way the manager wants it, so a lesson that lowers it leads only when its words fit nearly as well as the
# best lesson's ("we go through all 80 deals in the review" is about the review, not about closing deals;
# batches 11-18 left out one at a time: lesson top-1 -9 with the floors above, -4 with this one). Lessons
# that add deals keep the floors above, as measured before a lesson lowered the count.
FEWER_OF_EITHER_WAY_LEAD_FLOOR = 0.8


@dataclass(frozen=True, slots=True)
class CoachAnswer:
    text: str  # Slack mrkdwn
    lessons: tuple[Lesson, ...]  # best first
    source: Source
    language: Language  # the question's language when it is clear, else the asker's profile language
    numbers: tuple[NumberFact, ...] = ()  # first: the metric the question names, else the lesson's
    goal: GoalPlan | None = None  # the practice goal the answer sets, on the lesson's metric
    quoted: tuple[str, ...] = ()  # CRM names the text quotes as written (Slack's render unstyles them)


class AnswerWriter(Protocol):
    """Something that can phrase an answer from the retrieved lessons (the LLM); None means 'fall back'.
    `grounding` is the number and goal the answer must state (those of the offline answer)."""

    def write(
        self,
        *,
        question: str,
        language: Language,
        stats: ManagerStats | None,
        hits: list[Hit],
        grounding: Grounding | None = None,
        kind: Kind = "coaching",
    ) -> CoachAnswer | None: ...


class Coach:
    def __init__(
        self,
        *,
        library: LessonLibrary,
        writer: AnswerWriter | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.library = library
        self.writer = writer
        vocabulary = vocabulary if vocabulary is not None else Vocabulary.load()
        self._indexes = {
            language: LessonIndex(library.in_language(language), language, vocabulary=vocabulary)
            for language in LANGUAGES
        }
        warm_up()
        # Built with the indexes, not on the first message: its word lists take a moment to load.
        self.classifier = MessageClassifier.for_library(library)
        metric_model()  # likewise the asked-metric model (built once per process)

    def with_writer(self, writer: AnswerWriter | None) -> Coach:
        """This coach answering through `writer`, sharing its read-only lessons, indexes and classifier."""
        other = copy.copy(self)
        other.writer = writer
        return other

    def related_lesson(self, question: str, *, language: Language) -> Lesson | None:
        """The lesson that best matches the words of `question`, if any does."""
        hits = self._indexes[language].search(question, k=1)
        return hits[0].lesson if hits and hits[0].score > 0 else None

    def answer(
        self,
        question: str,
        *,
        language: Language,
        stats: ManagerStats | None,
        offline: bool = False,
        with_goal: bool = True,
    ) -> CoachAnswer:
        """The coaching path: a lesson, with the asker's numbers and practice task.

        `language` is the profile language; a question clearly in the other one is answered in it.
        Without `with_goal` the task comes without a target (the message may not be a coaching question)."""
        language = answer_language(question, profile=language)
        index = self._indexes[language]
        ranked = index.search(question, k=len(index.lessons), stats=stats)
        if not ranked:
            raise LookupError(f"no {language} lessons are installed")
        asked = asked_metric(question, language)
        hits = focus_hits(ranked, asked=asked, stats=stats)
        grounding = ground(hits[0].lesson, stats, asked=asked)
        if not with_goal or (asked is not None and not same_family(hits[0].lesson.metric, asked)):
            # Asked about a number the best-fitting lesson's task does not move (won/lost deals and the
            # pipeline's value no task moves): a goal on another number would answer a question nobody
            # asked. The task stays, without a target.
            grounding = replace(grounding, goal=None)
        if self.writer is not None and not offline:
            written = self.writer.write(
                question=question,
                language=language,
                stats=stats,
                hits=hits,
                grounding=grounding,
                kind="coaching",
            )
            if written is not None:
                return replace(written, language=language)
        return offline_answer(language=language, stats=stats, hits=hits, grounding=grounding)


def focus_hits(
    ranked: list[Hit], *, asked: str | None, stats: ManagerStats | None, k: int = RETRIEVED_LESSONS
) -> list[Hit]:
    """The retrieved lessons to answer from, best first. Lessons whose goal the asker has already met
    are not offered; when the question names a metric, the best lesson whose task moves that metric
    leads (one with a goal before a reflective one, own or team as asked before the other), so the
    goal is on the number the manager asked about."""
    offered = [hit for hit in ranked if offerable(hit.lesson, stats)] or ranked
    lead = offered[0]
    # Won and lost deals are counts no task moves (no goal on them): the number is quoted anyway, and
    # the lesson that fits the question best still leads ("we lost to a competitor, move on?"), goalless.
    if asked is not None and asked in GOAL_METRICS:
        best = lead
        # ... unless it fits the question far worse than the best lesson (a passing mention of the metric).
        matching = [
            hit
            for hit in offered
            if same_family(hit.lesson.metric, asked)
            and hit.score >= _lead_floor(hit, best, asked) * best.score
        ]
        # A question about a number deserves a goal on it: lessons with a goal before reflective ones, the
        # best lesson's topic before others, own or team as asked before the other.
        matching.sort(
            key=lambda hit: (
                hit.lesson.reflective,
                hit.lesson.topic != best.lesson.topic,
                not same_scope(hit.lesson.metric, asked),
            )
        )
        lead = next(iter(matching), lead)
    # The alternatives after the lead come from other topics, in case the lead's topic is the wrong one.
    alternatives = distinct_topics_first([lead, *(hit for hit in offered if hit is not lead)])[1:]
    return [lead, *alternatives[: k - 1]]


def _lead_floor(hit: Hit, best: Hit, asked: str) -> float:
    goal = hit.lesson.goal
    if goal is not None and goal.change < 0 and GOAL_METRICS.get(scope_of(hit.lesson.metric)[0]) == "either":
        return FEWER_OF_EITHER_WAY_LEAD_FLOOR
    if hit.lesson.topic == best.lesson.topic:
        return ASKED_METRIC_LEAD_FLOOR
    best_sets_no_goal_on_it = best.lesson.reflective or not same_family(best.lesson.metric, asked)
    if (
        best_sets_no_goal_on_it
        and scope_of(asked)[1] == "own"
        and not hit.lesson.reflective
        and same_scope(hit.lesson.metric, asked)
    ):
        return OWN_METRIC_LEAD_FLOOR
    return OTHER_TOPIC_LEAD_FLOOR


def offline_answer(
    *, language: Language, stats: ManagerStats | None, hits: list[Hit], grounding: Grounding | None = None
) -> CoachAnswer:
    """The best lesson's advice, made concrete with the asker's own numbers and practice task."""
    best = hits[0].lesson
    grounding = grounding or ground(best, stats)
    parts: list[str] = []
    if all(hit.score <= 0 for hit in hits):
        parts.append(t(language, "answer.nothing_found"))
    parts += [f"*{best.title}*", best.body]
    facts: tuple[NumberFact, ...] = grounding.numbers
    if stats is not None:
        parts.append(
            t(language, "answer.numbers_title") + "\n" + " ".join(fact_sentences(facts, stats, language))
        )
    else:
        parts.append(t(language, "answer.no_numbers"))
    practice = best.practice
    goal = grounding.goal
    if goal is not None and stats is not None:
        practice += " " + goal_sentence(goal, language, stale_days=stats.stale_days)
    parts.append(t(language, "answer.practice_title") + "\n" + practice)
    used = (best, *(hit.lesson for hit in hits[1:] if hit.score > 0))
    parts.append("_" + t(language, "answer.lessons_used", ids=", ".join(lesson.id for lesson in used)) + "_")
    return CoachAnswer(
        text="\n\n".join(parts), lessons=used, source="offline", language=language, numbers=facts, goal=goal
    )
