"""The coach: retrieves the lessons that fit a question and the asker's numbers, then answers.

The offline answer is always available; an LLM (when configured) may phrase a better one, and any
failure there falls back to the offline answer, never to an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.coaching.goals import GoalPlan
from bot.coaching.lessons import Lesson, LessonLibrary
from bot.coaching.numbers import NumberFact, fact_sentences, goal_sentence, lesson_goal, number_facts
from bot.coaching.retrieval import Hit, LessonIndex
from bot.crm.base import ManagerStats
from bot.i18n import LANGUAGES, Language, t

Source = Literal["offline", "llm"]
RETRIEVED_LESSONS = 3


@dataclass(frozen=True, slots=True)
class CoachAnswer:
    text: str  # Slack mrkdwn
    lessons: tuple[Lesson, ...]  # best first
    source: Source
    numbers: tuple[NumberFact, ...] = ()  # first: the metric the question names, else the lesson's
    goal: GoalPlan | None = None  # the practice goal the answer sets, on the lesson's metric


class AnswerWriter(Protocol):
    """Something that can phrase an answer from the retrieved lessons (the LLM); None means 'fall back'."""

    def write(
        self, *, question: str, language: Language, stats: ManagerStats | None, hits: list[Hit]
    ) -> CoachAnswer | None: ...


class Coach:
    def __init__(self, *, library: LessonLibrary, writer: AnswerWriter | None = None) -> None:
        self.library = library
        self.writer = writer
        self._indexes = {
            language: LessonIndex(library.in_language(language), language) for language in LANGUAGES
        }

    def answer(
        self, question: str, *, language: Language, stats: ManagerStats | None, offline: bool = False
    ) -> CoachAnswer:
        hits = self._indexes[language].search(question, k=RETRIEVED_LESSONS, stats=stats)
        if not hits:
            raise LookupError(f"no {language} lessons are installed")
        if self.writer is not None and not offline:
            written = self.writer.write(question=question, language=language, stats=stats, hits=hits)
            if written is not None:
                return written
        return offline_answer(language=language, stats=stats, hits=hits)


def offline_answer(*, language: Language, stats: ManagerStats | None, hits: list[Hit]) -> CoachAnswer:
    """The best lesson's advice, made concrete with the asker's own numbers and practice task."""
    best = hits[0].lesson
    parts: list[str] = []
    if hits[0].score <= 0:
        parts.append(t(language, "answer.nothing_found"))
    parts += [f"*{best.title}*", best.body]
    facts: tuple[NumberFact, ...] = ()
    if stats is not None:
        facts = number_facts([best.metric], stats)
        parts.append(
            t(language, "answer.numbers_title") + "\n" + " ".join(fact_sentences(facts, stats, language))
        )
    else:
        parts.append(t(language, "answer.no_numbers"))
    practice = best.practice
    goal = lesson_goal(best, stats)
    if goal is not None and stats is not None:
        practice += " " + goal_sentence(goal, language, stale_days=stats.stale_days)
    parts.append(t(language, "answer.practice_title") + "\n" + practice)
    used = tuple(hit.lesson for hit in hits if hit.score > 0) or (best,)
    parts.append("_" + t(language, "answer.lessons_used", ids=", ".join(lesson.id for lesson in used)) + "_")
    return CoachAnswer(text="\n\n".join(parts), lessons=used, source="offline", numbers=facts, goal=goal)
