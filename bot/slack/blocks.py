"""Pure renderers: domain objects -> slack_sdk Block Kit models (validated on to_dict)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.coaching.coach import CoachAnswer
from bot.crm.base import ManagerStats
from bot.formatting import format_int, format_money, truncate
from bot.i18n import Language, t, tn
from bot.render.kit import (
    FIELD_TEXT_LIMIT,
    HEADER_TEXT_LIMIT,
    MESSAGE_BLOCK_LIMIT,
    SECTION_TEXT_LIMIT,
    escape,
    inert,
    slack_date,
    to_message,
)
from bot.slack import ids

# Kept importable from here: the surface's renderers build on the same basics as delivery's.
__all__ = [
    "FIELD_TEXT_LIMIT",
    "HEADER_TEXT_LIMIT",
    "MESSAGE_BLOCK_LIMIT",
    "SECTION_TEXT_LIMIT",
    "answer_blocks",
    "escape",
    "help_blocks",
    "inert",
    "slack_date",
    "stats_blocks",
    "text_blocks",
    "to_message",
]


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
            value=format_money(stats.open_value, stats.currency, language),
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
    if not stats.attention:
        return SectionBlock(text=MarkdownTextObject(text=t(language, "stats.no_attention")))
    lines = [t(language, "stats.attention_title")]
    for deal in stats.attention:
        reasons = ", ".join(
            t(language, f"reasons.{reason}", days=stats.stale_days) for reason in deal.reasons
        )
        lines.append(
            t(
                language,
                "stats.attention_item",
                name=truncate(_escape(deal.name), 80),
                owner=truncate(_escape(deal.owner_name), 60),
                amount=format_money(deal.amount, stats.currency, language),
                reasons=reasons,
            )
        )
    return SectionBlock(
        block_id=ids.BLOCK_STATS_ATTENTION,
        text=MarkdownTextObject(text=truncate("\n".join(lines), SECTION_TEXT_LIMIT)),
    )


def _fetched_line(stats: ManagerStats, language: Language) -> str:
    return t(language, "stats.fetched", crm=stats.source, when=slack_date(stats.fetched_at, language))


def _escape(text: str) -> str:
    """CRM text is data: Slack's control characters must not turn it into mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def answer_blocks(answer: CoachAnswer, language: Language, *, with_source: bool = True) -> list[Block]:
    """A coaching answer: its paragraphs as sections (each within Slack's 3,000 characters)."""
    sections: list[Block] = []
    current = ""
    for paragraph in answer.text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > SECTION_TEXT_LIMIT and current:
            sections.append(SectionBlock(text=MarkdownTextObject(text=current)))
            candidate = paragraph
        current = truncate(candidate, SECTION_TEXT_LIMIT)
    if current:
        sections.append(SectionBlock(text=MarkdownTextObject(text=current)))
    if not with_source:
        return sections[:MESSAGE_BLOCK_LIMIT]
    source = t(language, f"ask.source_{answer.source}")
    return [*sections[: MESSAGE_BLOCK_LIMIT - 1], ContextBlock(elements=[MarkdownTextObject(text=source)])]
