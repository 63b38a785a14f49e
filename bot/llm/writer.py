"""The coach's LLM writer: phrases an answer from the retrieved lessons (the prompt: bot/llm/prompt.py),
or returns None to fall back. An answer is used only if it cites a lesson we sent and does not leak the
system prompt; the number and goal it leaves out are added.
"""

from __future__ import annotations

import logging
import re
import time

from bot.coaching.coach import CoachAnswer
from bot.coaching.kinds import Kind
from bot.coaching.numbers import (
    Grounding,
    NumberFact,
    fact_sentences,
    goal_sentence,
    ground,
    stated_figures,
)
from bot.coaching.retrieval import Hit
from bot.crm.base import ManagerStats
from bot.formatting import format_int, truncate
from bot.i18n import Language, t
from bot.llm.client import LLMClient, LLMError
from bot.llm.prompt import CANARY, Pseudonyms, build_prompt

log = logging.getLogger(__name__)

ANSWER_MAX_TOKENS = 600
MAX_ANSWER_CHARS = 2800  # Slack section text takes 3,000; the lessons line follows
LEAK_WORDS = 10  # this many consecutive words of the system prompt in an answer count as a leak
CITATION = re.compile(r"\s*\[lesson:\s*([^\]]*)\]", re.IGNORECASE)
WORDS = re.compile(r"\w+")


class LLMAnswerWriter:
    """The AnswerWriter the Coach uses when an LLM is configured."""

    def __init__(
        self, client: LLMClient, *, model: str, max_prompt_tokens: int = 1500, send_names: bool = False
    ) -> None:
        self.client = client
        self.model = model
        self.max_prompt_tokens = max_prompt_tokens
        self.send_names = send_names

    def write(
        self,
        *,
        question: str,
        language: Language,
        stats: ManagerStats | None,
        hits: list[Hit],
        grounding: Grounding | None = None,
        kind: Kind = "coaching",
    ) -> CoachAnswer | None:
        if not hits:
            return None
        grounding = grounding or ground(hits[0].lesson, stats)
        names = Pseudonyms(stats, language, send_names=self.send_names)
        built = build_prompt(
            question=question,
            kind=kind,
            language=language,
            stats=stats,
            hits=hits,
            names=names,
            max_prompt_tokens=self.max_prompt_tokens,
            grounding=grounding,
        )
        if built is None:
            log.warning("LLM answer skipped: no prompt fits in %d tokens", self.max_prompt_tokens)
            return None
        messages, lessons = built
        started = time.monotonic()
        try:
            reply = self.client.chat(messages, model=self.model, max_tokens=ANSWER_MAX_TOKENS)
        except LLMError as error:
            log.warning("LLM answer failed after %.1f s (%s); answering offline", _since(started), error)
            return None
        problem = _reply_problem(reply.text, reply.refused, reply.finish_reason, messages[0].content)
        if problem is not None:
            level, reason = problem
            log.log(level, "LLM answer not used (%s); answering offline", reason)
            return None
        cited = {lesson_id for ids in CITATION.findall(reply.text) for lesson_id in _split_ids(ids)}
        used = tuple(lesson for lesson in lessons if lesson.id in cited)  # best first; unknown ids ignored
        if not used:
            log.info(
                "LLM answer not used (cites none of the %d lessons sent); answering offline", len(lessons)
            )
            return None
        text = names.restore(to_mrkdwn(CITATION.sub("", reply.text)))
        text = truncate(text + _missing_grounding(text, grounding, stats, language), MAX_ANSWER_CHARS)
        footer = "_" + t(language, "answer.lessons_used", ids=", ".join(x.id for x in used)) + "_"
        log.info("LLM answer in %.1f s citing %s", _since(started), ", ".join(x.id for x in used))
        return CoachAnswer(
            text=f"{text}\n\n{footer}",
            lessons=used,
            source="llm",
            language=language,
            numbers=grounding.numbers,
            goal=grounding.goal,
            quoted=names.quoted,  # Slack's render unstyles them: "Q4_Renewal_EU" stays upright
        )


def _missing_grounding(
    text: str, grounding: Grounding, stats: ManagerStats | None, language: Language
) -> str:
    """The number and goal sentences a reply left out, so no LLM answer states less than offline."""
    if stats is None:
        return ""
    missing = []
    if grounding.numbers and not _states(text, grounding.numbers[0], stats, language):
        missing += fact_sentences(grounding.numbers[:1], stats, language)
    goal = grounding.goal
    if goal and not (_says(text, goal.start, language) and _says(text, goal.target, language)):
        missing.append(goal_sentence(goal, language, stale_days=stats.stale_days))
    return "".join("\n\n" + sentence for sentence in missing)


def _states(text: str, fact: NumberFact, stats: ManagerStats, language: Language) -> bool:
    """Every figure the fact's sentence shows; a reply that drops a pipeline value's other currencies, or
    adds them into one figure, gets the sentence."""
    return all(_says(text, float(figure), language) for figure in stated_figures(fact, stats))


def _says(text: str, value: float, language: Language) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(format_int(round(value), language))}(?![\d])", text) is not None


def _reply_problem(
    text: str, refused: bool, finish_reason: str | None, system_prompt: str
) -> tuple[int, str] | None:
    """Why a reply cannot be shown, with the log level that deserves; None if it can."""
    if refused:
        return logging.INFO, "refused"
    if finish_reason == "length":
        return logging.INFO, "cut off at the token limit"
    if not text.strip():
        return logging.INFO, "empty"
    # A leak means an injection got through the prompt's rules: worth a warning.
    if CANARY.lower() in text.lower():
        return logging.WARNING, "repeats the canary"
    if _shingles(text) & _shingles(system_prompt):
        return logging.WARNING, "repeats the system prompt"
    return None


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = WORDS.findall(text.lower())
    return {tuple(words[i : i + LEAK_WORDS]) for i in range(len(words) - LEAK_WORDS + 1)}


def _split_ids(raw: str) -> list[str]:
    return [part.strip().lower() for part in re.split(r"[,;\s]+", raw) if part.strip()]


def to_mrkdwn(text: str) -> str:
    """Markdown as models write it -> Slack mrkdwn; <, > and & are left as written: every answer is made
    inert once, where its Slack message is built, so no mention or link is injected there."""
    text = re.sub(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", r"*\1*", text, flags=re.MULTILINE)
    text = re.sub(r"^([ \t]*)[-*+][ \t]+", r"\1• ", text, flags=re.MULTILINE)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: f"*{m.group(1) or m.group(2)}*", text)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)  # where a citation marker was removed
    text = re.sub(r"(?<=\S)[ \t]{2,}", " ", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _since(started: float) -> float:
    return time.monotonic() - started
