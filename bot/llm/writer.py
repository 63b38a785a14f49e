"""The coach's LLM writer: phrases an answer from the retrieved lessons, or returns None to fall back.

What reaches the model is deliberately narrow: the asker's own numbers (deal and people names replaced by
neutral labels unless CRMCOACH_LLM_SEND_NAMES), the retrieved lessons and the question, fenced as data.
Nothing else is ever in the prompt, so no instruction in a question can pull anyone else's numbers out.
An answer is used only if it cites a lesson we sent and does not leak the system prompt.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from string import Template

from bot.coaching.coach import CoachAnswer
from bot.coaching.kinds import Kind
from bot.coaching.lessons import Lesson
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
from bot.formatting import format_int, format_money, truncate
from bot.i18n import Language, t
from bot.llm.client import ChatMessage, LLMClient, LLMError
from bot.paths import PROMPTS_DIR

log = logging.getLogger(__name__)

COACH_PROMPTS_DIR = PROMPTS_DIR / "coach"
# Per process: seeing it in an answer proves the model repeated its system prompt.
CANARY = f"CC-{secrets.token_hex(8)}"
ANSWER_MAX_TOKENS = 600
MAX_ANSWER_CHARS = 2800  # Slack section text takes 3,000; the lessons line follows
MAX_QUESTION_CHARS = 600
MAX_ATTENTION_DEALS = 3
# The prompt keeps two lessons as long as a shortened body of the second still fits (issue 9: at least
# two lessons with the numbers and the goal in 1,500 tokens, in German too).
MIN_LESSONS = 2
# No tokenizer without downloads: 3 characters per token overestimates English and German prose
# (real tokenizers average about 4), plus a few tokens of framing per message.
CHARS_PER_TOKEN = 3
MESSAGE_OVERHEAD_TOKENS = 8
MIN_BODY_WORDS = 15
LEAK_WORDS = 10  # this many consecutive words of the system prompt in an answer count as a leak
LABELS: dict[Language, tuple[str, str, str]] = {  # deal, rep, the asker
    "en": ("Deal", "Rep", "you"),
    "de": ("Deal", "Mitarbeiter:in", "du"),
}
CITATION = re.compile(r"\s*\[lesson:\s*([^\]]*)\]", re.IGNORECASE)
FENCE = re.compile(r"</?\s*question\b[^>]*>", re.IGNORECASE)
WORDS = re.compile(r"\w+")


def estimate_tokens(messages: list[ChatMessage]) -> int:
    """A conservative token count for the whole prompt, computed offline."""
    return sum(math.ceil(len(m.content) / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS for m in messages)


@dataclass(frozen=True, slots=True)
class Templates:
    system: Template
    user: Template
    lesson: Template
    brief: Template  # lessons after the first: the practice and goal come from the first one


@cache
def templates(language: Language) -> Templates:
    def read(name: str) -> Template:
        return Template((COACH_PROMPTS_DIR / f"{name}.{language}.md").read_text(encoding="utf-8").strip())

    return Templates(read("system"), read("user"), read("lesson"), read("lesson_brief"))


class Pseudonyms:
    """Real deal and people names <-> neutral labels, for one asker's numbers."""

    def __init__(self, stats: ManagerStats | None, language: Language, *, send_names: bool) -> None:
        deal, rep, asker = LABELS[language]
        self.labels: dict[str, str] = {}  # real name -> label
        self._restorable: dict[str, str] = {}  # label -> real name, for the answer the asker reads
        self.quoted: tuple[str, ...] = ()
        if stats is None:
            return
        if stats.owner.email:
            self.labels[stats.owner.email] = "[e-mail]"  # never sent, even with send_names
        owners = dict.fromkeys(d.owner_name for d in stats.attention if d.owner_name != stats.owner.name)
        # The CRM names an answer can hold as written: restored from labels, or sent and echoed.
        self.quoted = tuple(name for name in (*owners, *(d.name for d in stats.attention)) if name)
        if send_names:
            return
        self.labels[stats.owner.name] = asker
        for index, name in enumerate(owners, start=1):
            self._add(name, f"{rep} {index}")
        for index, item in enumerate(stats.attention):
            self._add(item.name, f"{deal} {_letters(index)}")

    def _add(self, name: str, label: str) -> None:
        if name and name not in self.labels:
            self.labels[name] = label
            self._restorable[label] = name

    def hide(self, text: str) -> str:
        """Every known name in `text` replaced by its label (longest names first)."""
        for name in sorted(self.labels, key=len, reverse=True):
            if len(name) >= 3:  # a two-letter deal name would mangle ordinary words
                text = re.sub(re.escape(name), _literal(self.labels[name]), text, flags=re.IGNORECASE)
        return text

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def restore(self, mrkdwn: str) -> str:
        """Labels in an answer back to the real names, as the CRM has them (Slack's escaping is the
        render's: the CLI shows them as written)."""
        for label in sorted(self._restorable, key=len, reverse=True):
            name = _literal(self._restorable[label])
            mrkdwn = re.sub(rf"(?<!\w){re.escape(label)}(?!\w)", name, mrkdwn)
        return mrkdwn


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


def build_prompt(
    *,
    question: str,
    kind: Kind = "coaching",
    language: Language,
    stats: ManagerStats | None,
    hits: list[Hit],
    names: Pseudonyms,
    max_prompt_tokens: int,
    grounding: Grounding | None = None,
) -> tuple[list[ChatMessage], list[Lesson]] | None:
    """The messages within the token budget and the lessons in them; None if not even one lesson fits."""
    lessons = [hit.lesson for hit in hits]
    fixed = {
        **_user_values(question, language, stats, names, grounding or ground(lessons[0], stats)),
        "kind": kind,
    }

    def render(chosen: list[Lesson], body_words: int | None = None) -> list[ChatMessage]:
        """body_words shortens the last lesson's body."""
        parts = templates(language)
        blocks = "\n\n".join(
            _lesson_block(
                lesson,
                parts.lesson if index == 0 else parts.brief,
                body_words if index == len(chosen) - 1 else None,
            )
            for index, lesson in enumerate(chosen)
        )
        return [
            ChatMessage("system", parts.system.substitute(canary=CANARY)),
            ChatMessage("user", parts.user.substitute(fixed, lessons=blocks)),
        ]

    while lessons:
        messages = render(lessons)
        if estimate_tokens(messages) <= max_prompt_tokens:
            return messages, lessons
        if len(lessons) <= MIN_LESSONS and (shortened := _shortened(render, lessons, max_prompt_tokens)):
            return shortened, lessons
        lessons = lessons[:-1]  # the weakest match goes first
    return None


def _shortened(
    render: Callable[[list[Lesson], int | None], list[ChatMessage]], lessons: list[Lesson], budget: int
) -> list[ChatMessage] | None:
    """The prompt with as many words of the last lesson's body as fit, or None if too few do."""
    low, high = MIN_BODY_WORDS, len(lessons[-1].body.split()) - 1
    best: list[ChatMessage] | None = None
    while low <= high:
        middle = (low + high) // 2
        candidate = render(lessons, middle)
        if estimate_tokens(candidate) <= budget:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _user_values(
    question: str, language: Language, stats: ManagerStats | None, names: Pseudonyms, grounding: Grounding
) -> dict[str, str]:
    # The fence cannot be closed from inside: tags like </question> are removed from the question.
    fenced = names.hide(FENCE.sub("", truncate(question.strip(), MAX_QUESTION_CHARS)))
    if stats is None:
        none = t(language, "answer.no_numbers")
        return {"crm": "–", "as_of": "–", "numbers": none, "goal": none, "attention": "–", "question": fenced}
    # Exactly the number and goal the offline answer states: both surfaces say the same.
    numbers = "\n".join(fact_sentences(grounding.numbers, stats, language))
    goal = (
        goal_sentence(grounding.goal, language, stale_days=stats.stale_days)
        if grounding.goal
        else t(language, "answer.no_goal")
    )
    attention = [
        t(
            language,
            "stats.attention_item",
            name=names.label(deal.name),
            owner=names.label(deal.owner_name),
            amount=format_money(deal.amount, deal.currency, language),
            reasons=", ".join(t(language, f"reasons.{r}", days=stats.stale_days) for r in deal.reasons),
        )
        for deal in stats.attention[:MAX_ATTENTION_DEALS]
    ]
    return {
        "crm": stats.source,
        "as_of": stats.fetched_at.date().isoformat(),
        "numbers": numbers,
        "goal": goal,
        "attention": "\n".join(attention) or t(language, "stats.no_attention"),
        "question": fenced,
    }


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


def _lesson_block(lesson: Lesson, template: Template, body_words: int | None) -> str:
    body = lesson.body
    if body_words is not None:
        body = " ".join(body.split()[:body_words]) + " …"
    return template.substitute(
        id=lesson.id, title=lesson.title, body=body, practice=lesson.practice, reflection=lesson.reflection
    )


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


def _literal(replacement: str) -> str:
    """A re.sub replacement that inserts the text as is (a name may contain a backslash)."""
    return replacement.replace("\\", "\\\\")


def _letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(ord("A") + rest) + label
    return label


def _since(started: float) -> float:
    return time.monotonic() - started
