"""Pure renderers for App Home: a manager's dashboard and a coach's team view (Block Kit, validated)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.coaching.dashboard import ManagerDashboard
from bot.coaching.team import ManagerProgress
from bot.crm.base import ManagerStats
from bot.formatting import truncate
from bot.i18n import Language, t
from bot.render import home_ids
from bot.render.charts import ChartImage, image_block
from bot.render.kit import SECTION_TEXT_LIMIT, slack_date
from bot.render.team import TEAM_PAGE_SIZE, team_line

__all__ = [  # View too: the surface annotates with it and imports no Block Kit model itself
    "Schedule",
    "View",
    "change",
    "coach_home",
    "delete_modal",
    "deleted_home",
    "manager_home",
    "personal_buttons",
]
VIEW_BLOCK_LIMIT = 100
MAX_TASKS_SHOWN = 10  # each takes two blocks; the Home view holds 100


class Schedule(Protocol):
    """What comes next for an enrolled manager (bot/delivery/upcoming.py works it out)."""

    @property
    def subscribed(self) -> bool: ...
    @property
    def paused_until(self) -> datetime | None: ...
    @property
    def unreachable(self) -> str | None: ...
    @property
    def next_nudge(self) -> datetime | None: ...
    @property
    def next_lesson(self) -> datetime | None: ...


COUNT_ROWS = (
    ("open_deals", "own_open_deals"),
    ("stale_deals", "own_stale_deals"),
    ("deals_without_next_step", "own_deals_without_next_step"),
    ("overdue_close_dates", "own_overdue_close_dates"),
)


def manager_home(
    board: ManagerDashboard,
    *,
    schedule: Schedule | None,
    charts: Sequence[ChartImage],
    commands_text: str,
    crm_name: str,
) -> View:
    language = board.language
    blocks: list[Block] = [HeaderBlock(text=t(language, "dashboard.title"))]
    if board.identity_problem is not None:
        blocks += _unlinked(board, crm_name)
    else:
        if board.crm_problem is not None:
            blocks.append(
                _section(t(language, "dashboard.crm_problem", error=board.crm_problem.user_message))
            )
        if board.stats is not None:
            blocks += _numbers(board.stats, board.previous, language)
        blocks += [image_block(chart) for chart in charts] or [_context(t(language, "dashboard.no_chart"))]
        blocks.append(DividerBlock())
        blocks += _tasks(board, language)
        blocks.append(_context(_streak(board.streak_weeks, language)))
    blocks.append(DividerBlock())
    blocks += _schedule(schedule, language)
    blocks.append(_buttons(schedule, language))
    if board.identity_problem is not None:
        blocks += [DividerBlock(), _section(t(language, "dashboard.commands_title") + "\n" + commands_text)]
    return _view(blocks)


def coach_home(
    *,
    language: Language,
    progress: Sequence[ManagerProgress],
    page: int,
    chart: ChartImage | None,
    schedules: Sequence[tuple[int, str, str, str, datetime]],  # id, channel, title, repeat, next run
    personal: Sequence[Block] = (),
) -> View:
    blocks: list[Block] = [HeaderBlock(text=t(language, "dashboard.coach_title"))]
    blocks.append(
        image_block(chart) if chart is not None else _context(t(language, "dashboard.team_no_chart"))
    )
    blocks += _team_table(progress, page, language)
    blocks.append(DividerBlock())
    blocks.append(_section(t(language, "dashboard.broadcasts_title")))
    if not schedules:
        blocks.append(_context(t(language, "dashboard.broadcasts_none")))
    for number, channel, title, repeat, run in schedules[:20]:
        line = t(
            language,
            "dashboard.broadcast_line",
            id=number,
            channel=f"<#{channel}>",
            title=truncate(title, 80),
            repeat=t(language, f"composer.repeat_{repeat}"),
            when=slack_date(run, language),
        )
        button = ButtonElement(
            text=t(language, "dashboard.cancel"),
            action_id=home_ids.ACTION_CANCEL_BROADCAST,
            value=str(number),
            style="danger",
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line), accessory=button))
    new = ButtonElement(
        text=t(language, "dashboard.new_broadcast"), action_id=home_ids.ACTION_NEW_BROADCAST, style="primary"
    )
    blocks.append(ActionsBlock(elements=[new]))
    if personal:
        blocks += [DividerBlock(), *personal]
    return _view(blocks)


def personal_buttons(language: Language, *, enrolled: bool, paused: bool) -> ActionsBlock:
    elements: list[ButtonElement] = []
    if enrolled:
        elements.append(
            ButtonElement(text=t(language, "dashboard.settings"), action_id=home_ids.ACTION_OPEN_SETTINGS)
        )
        pause_key, pause_action = (
            ("dashboard.resume", home_ids.ACTION_RESUME)
            if paused
            else ("dashboard.pause", home_ids.ACTION_PAUSE)
        )
        elements.append(ButtonElement(text=t(language, pause_key), action_id=pause_action))
    elements.append(ButtonElement(text=t(language, "dashboard.export"), action_id=home_ids.ACTION_EXPORT))
    # Deleting asks first, in a modal (delete_modal) that says what goes.
    elements.append(
        ButtonElement(text=t(language, "dashboard.delete"), action_id=home_ids.ACTION_DELETE, style="danger")
    )
    return ActionsBlock(block_id="home_personal", elements=elements)


def delete_modal(language: Language) -> View:
    return View(
        type="modal",
        callback_id=home_ids.DELETE_CALLBACK,
        title=t(language, "privacy.delete_title"),
        submit=t(language, "privacy.delete_submit"),
        close=t(language, "settings_modal.close"),
        blocks=[_section(t(language, "privacy.delete_confirm"))],
    )


def deleted_home(language: Language, rows: int) -> View:
    """What the Home shows right after a delete: nothing about the person is read (or stored) again."""
    return _view(
        [
            HeaderBlock(text=t(language, "dashboard.title")),
            _section(t(language, "privacy.deleted", rows=rows)),
        ]
    )


def change(now: float, before: float | None, language: Language) -> str:
    """'12 (−3)', '12 (+2)', '12 (±0)', or '12' when there is nothing to compare with."""
    number = _number(now, language)
    if before is None:
        return number
    delta = now - before
    sign = "±" if delta == 0 else ("+" if delta > 0 else "−")
    return f"{number} ({sign}{_number(abs(delta), language)})"


def _numbers(stats: ManagerStats, previous: ManagerStats | None, language: Language) -> list[Block]:
    title = t(language, "dashboard.numbers_title" if previous else "dashboard.numbers_no_previous")
    team_label, you_label = t(language, "dashboard.team"), t(language, "dashboard.you")
    fields = []
    for team_metric, own_metric in COUNT_ROWS:
        team_value = getattr(stats, team_metric)
        own_value = getattr(stats, own_metric)
        fields.append(
            t(
                language,
                "dashboard.row",
                label=_first_upper(t(language, f"metric_labels.{team_metric}")),
                team_label=team_label,
                team=change(team_value, getattr(previous, team_metric) if previous else None, language),
                you_label=you_label,
                you=change(own_value, getattr(previous, own_metric) if previous else None, language),
            )
        )
    fields.append(
        t(
            language,
            "dashboard.activities",
            team_label=team_label,
            team=change(
                stats.activities_7d_team, previous.activities_7d_team if previous else None, language
            ),
            you_label=you_label,
            you=change(
                stats.activities_7d_manager, previous.activities_7d_manager if previous else None, language
            ),
        )
    )
    return [
        _section(title),
        SectionBlock(fields=[MarkdownTextObject(text=field) for field in fields]),
        _context(t(language, "dashboard.refreshed", when=slack_date(stats.fetched_at, language))),
    ]


def _tasks(board: ManagerDashboard, language: Language) -> list[Block]:
    blocks: list[Block] = [_section(t(language, "dashboard.tasks_title"))]
    if not board.tasks:
        return [*blocks, _context(t(language, "dashboard.tasks_none"))]
    for task in board.tasks[:MAX_TASKS_SHOWN]:
        values = {"title": truncate(task.title, 200), "deadline": slack_date(task.deadline, language)}
        text = (
            t(language, "dashboard.task_snoozed", until=slack_date(task.snoozed_until, language), **values)
            if task.snoozed_until
            else t(language, "dashboard.task_line", **values)
        )
        blocks.append(_section(text))
        blocks.append(
            ActionsBlock(
                block_id=f"home_task_{task.id}",
                elements=[
                    ButtonElement(
                        text=t(language, f"buttons.{key}"), action_id=action, value=str(task.id), style=style
                    )
                    for key, action, style in (
                        ("done", home_ids.ACTION_HOME_TASK_DONE, "primary"),
                        ("snooze", home_ids.ACTION_HOME_TASK_SNOOZE, None),
                        ("not_relevant", home_ids.ACTION_HOME_TASK_NOT_RELEVANT, None),
                    )
                ],
            )
        )
    return blocks


def _schedule(schedule: Schedule | None, language: Language) -> list[Block]:
    if schedule is None:
        return [_context(t(language, "dashboard.not_enrolled"))]
    lines = []
    if not schedule.subscribed:
        lines.append(t(language, "dashboard.unsubscribed"))
    elif schedule.unreachable:
        lines.append(t(language, "dashboard.unreachable", reason=schedule.unreachable))
    if schedule.paused_until is not None:
        lines.append(t(language, "dashboard.paused", date=slack_date(schedule.paused_until, language)))
    never = t(language, "dashboard.not_planned")
    nudge = slack_date(schedule.next_nudge, language) if schedule.next_nudge else never
    lesson = slack_date(schedule.next_lesson, language) if schedule.next_lesson else never
    lines += [
        t(language, "dashboard.next_nudge", when=nudge),
        t(language, "dashboard.next_lesson", when=lesson),
    ]
    return [_section("\n".join(lines))]


def _buttons(schedule: Schedule | None, language: Language) -> ActionsBlock:
    return personal_buttons(
        language,
        enrolled=schedule is not None,
        paused=schedule is not None and schedule.paused_until is not None,
    )


def _unlinked(board: ManagerDashboard, crm_name: str) -> list[Block]:
    language, problem = board.language, board.identity_problem
    assert problem is not None
    reason = t(
        problem.language,
        f"identity.{problem.kind}",
        crm=crm_name,
        user_id=board.slack_user_id,
        email=problem.email,
        error=problem.error,
    )
    how = t(language, "dashboard.link_how", user_id=board.slack_user_id)
    return [_section(t(language, "dashboard.link_title") + "\n" + reason), _context(how)]


def _team_table(progress: Sequence[ManagerProgress], page: int, language: Language) -> list[Block]:
    if not progress:
        return [_context(t(language, "team.empty"))]
    pages = max(1, math.ceil(len(progress) / TEAM_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = progress[(page - 1) * TEAM_PAGE_SIZE : page * TEAM_PAGE_SIZE]
    blocks: list[Block] = [_section(f"*{t(language, 'team.title')}*")]
    blocks += [_section(team_line(p, language)) for p in shown]
    buttons = []
    if page > 1:
        buttons.append(_page_button(t(language, "dashboard.page_previous"), page - 1))
    if page < pages:
        buttons.append(_page_button(t(language, "dashboard.page_next"), page + 1))
    blocks.append(_context(f"{page}/{pages}"))
    if buttons:
        blocks.append(ActionsBlock(block_id="home_team_pages", elements=buttons))
    return blocks


def _page_button(text: str, page: int) -> ButtonElement:
    return ButtonElement(text=text, action_id=f"{home_ids.ACTION_TEAM_PAGE}_{page}", value=str(page))


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _streak(weeks: int, language: Language) -> str:
    return t(language, "dashboard.streak", weeks=weeks) if weeks else t(language, "dashboard.streak_none")


def _number(value: float, language: Language) -> str:
    text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if language == "de" else text


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT)))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT))])


def _view(blocks: list[Block]) -> View:
    if len(blocks) > VIEW_BLOCK_LIMIT:
        blocks = blocks[: VIEW_BLOCK_LIMIT - 1] + blocks[-1:]
    return View(type="home", blocks=blocks)
