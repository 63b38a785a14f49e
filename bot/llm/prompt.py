"""The prompt the coach's LLM writer sends: what reaches the model is deliberately narrow, the asker's
own numbers (deal and people names replaced by neutral labels unless CRMCOACH_LLM_SEND_NAMES), the
retrieved lessons and the question, fenced as data, within a token budget. Nothing else is ever in the
prompt, so no instruction in a question can pull anyone else's numbers out.
"""

from __future__ import annotations

import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from string import Template

from bot.coaching.kinds import Kind
from bot.coaching.lessons import Lesson
from bot.coaching.numbers import Grounding, fact_sentences, goal_sentence, ground
from bot.coaching.retrieval import Hit
from bot.crm.base import ManagerStats
from bot.formatting import format_money, truncate
from bot.i18n import Language, t
from bot.llm.client import ChatMessage
from bot.paths import PROMPTS_DIR

COACH_PROMPTS_DIR = PROMPTS_DIR / "coach"
# Per process: seeing it in an answer proves the model repeated its system prompt.
CANARY = f"CC-{secrets.token_hex(8)}"
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
LABELS: dict[Language, tuple[str, str, str]] = {  # deal, rep, the asker
    "en": ("Deal", "Rep", "you"),
    "de": ("Deal", "Mitarbeiter:in", "du"),
}
FENCE = re.compile(r"</?\s*question\b[^>]*>", re.IGNORECASE)


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


def _lesson_block(lesson: Lesson, template: Template, body_words: int | None) -> str:
    body = lesson.body
    if body_words is not None:
        body = " ".join(body.split()[:body_words]) + " …"
    return template.substitute(
        id=lesson.id, title=lesson.title, body=body, practice=lesson.practice, reflection=lesson.reflection
    )


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
