"""The team progress view coaches get from `/crmcoach team` (broadcast exercises: bot/render/outbound.py)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.coaching.team import ManagerProgress
from bot.formatting import truncate
from bot.i18n import Language, t
from bot.render.kit import literal, slack_date, to_message

TEAM_PAGE_SIZE = 10
REFLECTION_CHARS = 300  # the latest reflection, quoted under the manager's line


def team_message(progress: list[ManagerProgress], *, page: int, language: Language) -> dict[str, Any]:
    if not progress:
        text = t(language, "team.empty")
        return to_message([SectionBlock(text=MarkdownTextObject(text=text))], text)
    pages = max(1, math.ceil(len(progress) / TEAM_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = progress[(page - 1) * TEAM_PAGE_SIZE : page * TEAM_PAGE_SIZE]
    blocks: list[Block] = [HeaderBlock(text=t(language, "team.title"))]
    blocks += [SectionBlock(text=MarkdownTextObject(text=team_line(p, language))) for p in shown]
    footer = (
        t(language, "team.page", page=page, pages=pages, next=page + 1)
        if page < pages
        else t(language, "team.last_page", page=page, pages=pages)
    )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=footer)]))
    return to_message(blocks, t(language, "team.title"))


def team_line(progress: ManagerProgress, language: Language) -> str:
    line = _progress_line(progress, language)
    reflection = progress.latest_reflection
    if reflection is None:
        return line
    quoted = t(
        language,
        "reflections.team_line",
        lesson=reflection.lesson_id,
        when=_when(reflection.created_at, language),
        text=literal(truncate(" ".join(reflection.text.split()), REFLECTION_CHARS)),
    )
    return f"{line}\n_{quoted}_"


def _progress_line(progress: ManagerProgress, language: Language) -> str:
    return t(
        language,
        "team.line",
        name=literal(truncate(progress.name, 80)),  # a Slack or CRM name: data
        lessons=progress.lessons_completed,
        tasks=progress.tasks_done,
        broadcasts=progress.broadcasts_done,
        streak=progress.streak_weeks,
        stale=_trend(progress.stale_now, progress.stale_before, language),
        no_step=_trend(progress.no_step_now, progress.no_step_before, language),
        last=_when(progress.last_interaction, language),
    )


def _trend(now: int | None, before: int | None, language: Language) -> str:
    unknown = t(language, "team.unknown")
    return f"{unknown if now is None else now} vs {unknown if before is None else before}"


def _when(moment: datetime | None, language: Language) -> str:
    return slack_date(moment, language) if moment else t(language, "team.never")
