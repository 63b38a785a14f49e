"""The answers `/crmcoach` and direct messages get: help, a plain text, the stats card, a coaching answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.coaching.ask import AskResult
from bot.coaching.kind_answers import attention_text
from bot.coaching.listed_names import listed_names
from bot.coaching.pipeline_value import pipeline_value_text
from bot.crm.base import ManagerStats
from bot.formatting import format_int, truncate
from bot.i18n import Language, language_for, t, tn
from bot.render import ids
from bot.render.kit import (
    FIELD_TEXT_LIMIT,
    HEADER_TEXT_LIMIT,
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    escape,
    inert,
    literal,
    slack_date,
    to_message,
    unstyled_names,
)


def help_message(language: Language, *, coach: bool, unknown_command: str | None = None) -> dict[str, Any]:
    """The overview of commands; after a word the bot does not know, that word comes first."""
    blocks = help_blocks(language, unknown_command=unknown_command, coach=coach)
    if unknown_command is None:
        return to_message(blocks, t(language, "help.intro"))
    return to_message(blocks, t(language, "unknown.hint", command=escape(unknown_command[:60])))


def text_message(text: str) -> dict[str, Any]:
    return to_message(text_blocks(text), text)


def stats_message(stats: ManagerStats, language: Language) -> dict[str, Any]:
    fallback = t(language, "stats.title", name=literal(stats.owner.name))  # notifications read mrkdwn
    return to_message(stats_blocks(stats, language), fallback)


def help_blocks(
    language: Language, *, unknown_command: str | None = None, coach: bool = False
) -> list[Block]:
    """The overview of commands; coaches also see theirs."""
    blocks: list[Block] = []
    if unknown_command is not None:
        hint = t(language, "unknown.hint", command=escape(truncate(unknown_command, 60)))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=hint)))
    blocks += [
        HeaderBlock(text=t(language, "help.title")),
        SectionBlock(text=MarkdownTextObject(text=t(language, "help.intro"))),
        SectionBlock(text=MarkdownTextObject(text=t(language, "help.commands"))),
        *([SectionBlock(text=MarkdownTextObject(text=t(language, "help.coach_commands")))] if coach else []),
        ContextBlock(elements=[MarkdownTextObject(text=t(language, "help.privacy"))]),
    ]
    return blocks


def text_blocks(text: str) -> list[Block]:
    return [SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT)))]


def stats_blocks(stats: ManagerStats, language: Language) -> list[Block]:
    first_name = stats.owner.name.split(" ")[0]
    scope = (
        tn(language, "stats.scope_team", stats.team_size, team_size=stats.team_size)
        if stats.team_size
        else t(language, "stats.scope_alone")
    )
    blocks: list[Block] = [
        HeaderBlock(text=truncate(t(language, "stats.title", name=first_name), HEADER_TEXT_LIMIT)),
        ContextBlock(elements=[MarkdownTextObject(text=scope)]),
    ]
    if stats.open_deals == 0:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=t(language, "stats.no_deals", crm=stats.source)))
        )
    else:
        blocks.append(_stats_fields(stats, language))
        blocks.append(DividerBlock())
        blocks.append(_attention_section(stats, language))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_fetched_line(stats, language))]))
    return blocks


def _stats_fields(stats: ManagerStats, language: Language) -> SectionBlock:
    def n(value: int) -> str:
        return format_int(value, language)

    fields = [
        t(
            language,
            "stats.open_deals",
            count=n(stats.open_deals),
            value=pipeline_value_text(stats, language),
        ),
        t(language, "stats.stale", days=stats.stale_days, count=n(stats.stale_deals)),
        t(language, "stats.no_next_step", count=n(stats.deals_without_next_step)),
        t(language, "stats.overdue", count=n(stats.overdue_close_dates)),
        t(
            language,
            "stats.activities",
            mine=n(stats.activities_7d_manager),
            team=n(stats.activities_7d_team),
        ),
        t(language, "stats.closed", won=n(stats.won_90d), lost=n(stats.lost_90d)),
    ]
    return SectionBlock(
        block_id=ids.BLOCK_STATS_FIELDS,
        fields=[MarkdownTextObject(text=truncate(field, FIELD_TEXT_LIMIT)) for field in fields],
    )


def _attention_section(stats: ManagerStats, language: Language) -> SectionBlock:
    # deal and owner names are CRM text
    text = inert(unstyled_names(attention_text(stats, language), listed_names(stats)))
    if not stats.attention:
        return SectionBlock(text=MarkdownTextObject(text=text))
    return SectionBlock(
        block_id=ids.BLOCK_STATS_ATTENTION, text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT))
    )


def _fetched_line(stats: ManagerStats, language: Language) -> str:
    return t(language, "stats.fetched", crm=stats.source, when=slack_date(stats.fetched_at, language))


@dataclass(frozen=True, slots=True)
class Answer:
    """What an answer message shows: plain values, so an answer can wait in the outbox as data."""

    text: str  # Slack mrkdwn as the coach wrote it; made inert when rendered
    source: str  # which ask.source_* line names where it came from
    language: Language
    kind: str  # coaching, or a kind of message that is not a lesson (thanks, a greeting, ...)
    quoted: tuple[str, ...] = ()  # CRM names the text quotes as written

    @classmethod
    def of(cls, result: AskResult) -> Answer:
        answer = result.answer
        return cls(
            text=answer.text,
            source=answer.source,
            language=result.language,
            kind=result.kind,
            quoted=answer.quoted,
        )


def answer_record(answer: Answer) -> dict[str, Any]:
    """The answer as an outbox row keeps it until it is sent: plain JSON values, rendered at send time."""
    return {"answer": asdict(answer)}


def stored_answer(message: Mapping[str, Any]) -> dict[str, Any]:
    """The message an outbox row of kind "answer" holds: an answer record, rendered now, or a message
    rendered when it was recorded (rows from before answers were kept as data, and failure notes)."""
    record = message.get("answer")
    if not isinstance(record, Mapping):
        return dict(message)
    answer = Answer(
        text=str(record["text"]),
        source=str(record["source"]),
        language=language_for(str(record["language"]), None),
        kind=str(record["kind"]),
        quoted=tuple(str(name) for name in record.get("quoted", ())),  # none in rows from before
    )
    return answer_message(answer)


def answer_message(answer: Answer) -> dict[str, Any]:
    """Every answer the bot posts (`/crmcoach ask` and DMs) passes here: whatever wrote it, no Slack
    control sequence from the question survives, and no CRM name restyles the text around it."""
    text = inert(unstyled_names(answer.text, answer.quoted))
    # "Answered from the lessons and your numbers" only fits an answer that is a lesson.
    source = t(answer.language, f"ask.source_{answer.source}") if answer.kind == "coaching" else None
    return to_message(answer_blocks(text, source=source), text)


def answer_blocks(text: str, *, source: str | None) -> list[Block]:
    """A coaching answer: its paragraphs as sections (each within Slack's 3,000 characters)."""
    sections: list[Block] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > SECTION_TEXT_LIMIT and current:
            sections.append(SectionBlock(text=MarkdownTextObject(text=current)))
            candidate = paragraph
        current = truncate(candidate, SECTION_TEXT_LIMIT)
    if current:
        sections.append(SectionBlock(text=MarkdownTextObject(text=current)))
    if source is None:
        return sections[:MESSAGE_BLOCK_LIMIT]
    return [*sections[: MESSAGE_BLOCK_LIMIT - 1], ContextBlock(elements=[MarkdownTextObject(text=source)])]
