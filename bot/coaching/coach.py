"""The coach: retrieves the lessons that fit a question and the asker's numbers, then answers.

The offline answer is always available; an LLM (when configured) may phrase a better one, and any
failure there falls back to the offline answer, never to an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from bot.coaching.kinds import Kind, MessageClassifier
from bot.coaching.lessons import Check, Lesson, LessonLibrary
from bot.coaching.metrics import SAME_AS
from bot.coaching.retrieval import Hit, LessonIndex
from bot.crm.base import ManagerStats
from bot.formatting import format_int, format_money
from bot.i18n import LANGUAGES, Language, t

Source = Literal["offline", "llm"]
DEFAULT_METRICS = ("open_deals", "stale_share")
MAX_NUMBER_SENTENCES = 2
RETRIEVED_LESSONS = 3


@dataclass(frozen=True, slots=True)
class CoachAnswer:
    text: str  # Slack mrkdwn
    lessons: tuple[Lesson, ...]  # best first
    source: Source


class AnswerWriter(Protocol):
    """Something that can phrase an answer from the retrieved lessons (the LLM); None means 'fall back'."""

    def write(
        self,
        *,
        question: str,
        language: Language,
        stats: ManagerStats | None,
        hits: list[Hit],
        kind: Kind = "coaching",
    ) -> CoachAnswer | None: ...


class Coach:
    def __init__(self, *, library: LessonLibrary, writer: AnswerWriter | None = None) -> None:
        self.library = library
        self.writer = writer
        self._indexes = {
            language: LessonIndex(library.in_language(language), language) for language in LANGUAGES
        }
        # Built with the indexes, not on the first message: its word lists take a moment to load.
        self.classifier = MessageClassifier.for_library(library)

    def related_lesson(self, question: str, *, language: Language) -> Lesson | None:
        """The lesson that best matches the words of `question`, if any does."""
        hits = self._indexes[language].search(question, k=1)
        return hits[0].lesson if hits and hits[0].score > 0 else None

    def answer(
        self, question: str, *, language: Language, stats: ManagerStats | None, offline: bool = False
    ) -> CoachAnswer:
        """The coaching path: a lesson, with the asker's numbers and practice task."""
        hits = self._indexes[language].search(question, k=RETRIEVED_LESSONS, stats=stats)
        if not hits:
            raise LookupError(f"no {language} lessons are installed")
        if self.writer is not None and not offline:
            written = self.writer.write(
                question=question, language=language, stats=stats, hits=hits, kind="coaching"
            )
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
    if stats is not None:
        parts.append(
            t(language, "answer.numbers_title") + "\n" + " ".join(number_sentences(best, stats, language))
        )
    else:
        parts.append(t(language, "answer.no_numbers"))
    practice = best.practice
    if best.check is not None:
        practice += " " + check_sentence(best.check, language)
    parts.append(t(language, "answer.practice_title") + "\n" + practice)
    used = tuple(hit.lesson for hit in hits if hit.score > 0) or (best,)
    parts.append("_" + t(language, "answer.lessons_used", ids=", ".join(lesson.id for lesson in used)) + "_")
    return CoachAnswer(text="\n\n".join(parts), lessons=used, source="offline")


def check_sentence(check: Check, language: Language) -> str:
    """'Goal within 7 days: share of deals without a next step at most 10%.'"""
    if check.metric.endswith("_share"):
        target = format_int(Decimal(str(check.target * 100)), language) + (" %" if language == "de" else "%")
    else:
        target = format_int(Decimal(str(check.target)), language)
    return t(
        language,
        "answer.check_note",
        days=check.deadline_days,
        metric=t(language, f"metric_labels.{check.metric}"),
        comparison=t(language, f"comparisons.{check.comparison}"),
        target=target,
    )


def number_sentences(lesson: Lesson, stats: ManagerStats, language: Language) -> list[str]:
    """One or two sentences with the asker's numbers for the metrics this lesson is about."""
    metrics = [c.metric for c in lesson.triggers] + ([lesson.check.metric] if lesson.check else [])
    preferred = [SAME_AS.get(metric, metric) for metric in metrics or DEFAULT_METRICS]
    chosen = list(dict.fromkeys(preferred))[:MAX_NUMBER_SENTENCES]
    values = stats_values(stats, language)
    return [t(language, f"metric_sentences.{metric}", **values) for metric in chosen]


def stats_values(stats: ManagerStats, language: Language) -> dict[str, str]:
    def n(value: int) -> str:
        return format_int(value, language)

    def pct(part: int) -> str:
        share = format_int(Decimal(100 * part) / stats.open_deals, language) if stats.open_deals else "0"
        return f"{share} %" if language == "de" else f"{share}%"

    return {
        "open": n(stats.open_deals),
        "value": format_money(stats.open_value, stats.currency, language),
        "stale": n(stats.stale_deals),
        "no_step": n(stats.deals_without_next_step),
        "overdue": n(stats.overdue_close_dates),
        "mine": n(stats.activities_7d_manager),
        "team": n(stats.activities_7d_team),
        "won": n(stats.won_90d),
        "lost": n(stats.lost_90d),
        "team_size": n(stats.team_size),
        "days": n(stats.stale_days),
        "stale_pct": pct(stats.stale_deals),
        "no_step_pct": pct(stats.deals_without_next_step),
        "overdue_pct": pct(stats.overdue_close_dates),
    }
