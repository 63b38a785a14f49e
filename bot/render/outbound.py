"""Block Kit for every message the outbox posts: the welcome, the weekly nudge, the micro-lessons, a
coach's broadcast exercise and a plain notice. Services hand plain data; bot/delivery posts the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

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

from bot.coaching.broadcasts import Exercise
from bot.coaching.curriculum import Focus
from bot.coaching.goals import GoalPlan
from bot.coaching.lessons import Lesson
from bot.coaching.metrics import metric_value
from bot.coaching.numbers import goal_sentence, goal_unit, number_sentences
from bot.coaching.tasks import TaskCheck
from bot.crm.base import ManagerStats
from bot.formatting import format_int, truncate
from bot.i18n import Language, t, tn
from bot.render import ids
from bot.render.charts import ChartImage, image_block
from bot.render.kit import (
    HEADER_TEXT_LIMIT,
    SECTION_TEXT_LIMIT,
    escape,
    literal,
    slack_date,
    to_message,
)

# (metric, label key) shown in "what changed", in this order
CHANGE_METRICS = (
    ("open_deals", "metric_labels.open_deals"),
    ("stale_deals", "metric_labels.stale_deals"),
    ("deals_without_next_step", "metric_labels.deals_without_next_step"),
    ("overdue_close_dates", "metric_labels.overdue_close_dates"),
    ("activities_7d_manager", "metric_labels.activities_7d_manager"),
)


@dataclass(frozen=True, slots=True)
class TaskInfo:
    task_id: int
    deadline: datetime
    goal: GoalPlan | None = None


def welcome_message(
    *,
    language: Language,
    name: str,
    crm: str,
    nudge_day: str,
    nudge_time: str,
    lesson_days: str,
    tz: str,
    coach_told: bool = False,
) -> dict[str, Any]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(t(language, "welcome.title", name=name), HEADER_TEXT_LIMIT)),
        _section(
            t(
                language,
                "welcome.what",
                nudge_day=nudge_day,
                nudge_time=nudge_time,
                lesson_days=lesson_days,
                tz=tz,
            )
        ),
        _section(t(language, "welcome.data", crm=crm)),
        *([_section(t(language, "welcome.coach_told"))] if coach_told else []),
        ContextBlock(elements=[MarkdownTextObject(text=t(language, "welcome.controls"))]),
    ]
    return to_message(blocks, t(language, "welcome.title", name=literal(name)))


def nudge_message(
    *,
    language: Language,
    stats: ManagerStats,
    previous: ManagerStats | None,
    focus: Focus | None,
    lesson: Lesson | None,
    task: TaskInfo | None,
    checks: Sequence[tuple[str, TaskCheck]] = (),
    escalated: bool = False,
    still_open: Sequence[str] = (),
) -> dict[str, Any]:
    blocks: list[Block] = [
        HeaderBlock(text=truncate(t(language, "nudge.title", crm=stats.source), HEADER_TEXT_LIMIT))
    ]
    blocks.append(_section(_changes(language, stats, previous)))
    if checks:
        lines = [t(language, "nudge.results_title")]
        for title, check in checks:
            lines.append(_result_line(language, title, check, stale_days=stats.stale_days))
        blocks.append(_section("\n".join(lines)))
    blocks.append(DividerBlock())
    if focus is not None:
        why = t(
            language,
            "nudge.why",
            metric=t(language, f"metric_labels.{focus.metric}"),
            value=_metric_text(focus.metric, focus.value, language),
            comparison=t(language, f"comparisons.{focus.comparison}"),
            threshold=_metric_text(focus.metric, focus.threshold, language),
        )
        blocks.append(_section(t(language, "nudge.focus_title") + "\n" + why))
    else:
        blocks.append(_section(t(language, "nudge.no_focus")))
    if escalated:
        blocks.append(_section(t(language, "nudge.new_approach")))
    if still_open:
        titles = "\n".join(f"• {title}" for title in still_open)
        blocks.append(_section(tn(language, "nudge.finish_first", len(still_open)) + "\n" + titles))
    if lesson is not None and task is not None:
        deadline = slack_date(task.deadline, language)
        practice = _practice(lesson, task, language, stats.stale_days)
        blocks.append(_section(t(language, "nudge.task_title", deadline=deadline) + "\n" + practice))
        blocks.append(_section(t(language, "nudge.lesson_title", title=lesson.title) + "\n" + lesson.body))
        blocks.append(task_buttons(language, task.task_id))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=t(
                        language,
                        "stats.fetched",
                        crm=stats.source,
                        when=slack_date(stats.fetched_at, language),
                    )
                )
            ]
        )
    )
    return to_message(blocks, t(language, "nudge.title", crm=stats.source))


def lesson_message(
    *, language: Language, lesson: Lesson, stats: ManagerStats | None, task: TaskInfo | None
) -> dict[str, Any]:
    """A micro-lesson; without `task` it is a reflection (no practice task, no buttons)."""
    topic = t(language, f"topics.{lesson.topic}").split(":")[0]
    blocks: list[Block] = [
        HeaderBlock(text=truncate(t(language, "lesson.title", title=lesson.title), HEADER_TEXT_LIMIT)),
        ContextBlock(
            elements=[
                MarkdownTextObject(text=t(language, "lesson.minutes", minutes=lesson.minutes, topic=topic))
            ]
        ),
        _section(lesson.body),
    ]
    if stats is not None:
        blocks.append(
            _section(
                t(language, "answer.numbers_title")
                + "\n"
                + " ".join(number_sentences(lesson, stats, language))
            )
        )
    if task is not None:
        deadline = slack_date(task.deadline, language)
        practice = _practice(lesson, task, language, stats.stale_days if stats else 14)
        blocks.append(_section(t(language, "lesson.task_title", deadline=deadline) + "\n" + practice))
    blocks.append(_section(t(language, "lesson.reflection_title") + "\n" + lesson.reflection))
    if task is not None:
        blocks.append(task_buttons(language, task.task_id))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"_{lesson.id}_")]))
    return to_message(blocks, t(language, "lesson.title", title=lesson.title))


def broadcast_message(
    exercise: Exercise, *, language: Language, coach_id: str, broadcast_id: int
) -> dict[str, Any]:
    """A coach's exercise for a channel; its buttons carry the broadcast's id."""
    if exercise.lesson_id is None:  # the coach's own text: posted as written, never as pings or links
        exercise = replace(exercise, title=escape(exercise.title), task=escape(exercise.task))
    blocks: list[Block] = [
        HeaderBlock(text=truncate(t(language, "broadcast.header", title=exercise.title), HEADER_TEXT_LIMIT)),
        _section(t(language, "broadcast.task_title") + "\n" + exercise.task),
    ]
    if exercise.reflection:
        blocks.append(_section(t(language, "broadcast.reflection_title") + "\n" + exercise.reflection))
    value = str(broadcast_id)
    blocks.append(
        ActionsBlock(
            block_id=ids.BLOCK_BROADCAST_ACTIONS,
            elements=[
                ButtonElement(
                    text=t(language, "broadcast.done"),
                    action_id=ids.ACTION_BROADCAST_DONE,
                    value=value,
                    style="primary",
                ),
                ButtonElement(
                    text=t(language, "broadcast.help"), action_id=ids.ACTION_BROADCAST_HELP, value=value
                ),
            ],
        )
    )
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=t(language, "broadcast.footer", coach=coach_id))])
    )
    return to_message(blocks, t(language, "broadcast.header", title=exercise.title))


def notice_message(text: str) -> dict[str, Any]:
    """A short notice to one person (a coach told about a stall, an outcome): text only, as it was written."""
    return {"text": text}


def with_chart(message: dict[str, Any], chart: ChartImage | None) -> dict[str, Any]:
    """The nudge with its chart under "what changed" (the header and that section come first)."""
    if chart is None:
        return message
    blocks = list(message.get("blocks") or [])
    return {**message, "blocks": [*blocks[:2], image_block(chart).to_dict(), *blocks[2:]]}


def answered_task(message: dict[str, Any], note: str) -> dict[str, Any]:
    """The task's message as posted, its buttons replaced by what the click recorded."""
    kept = [block for block in message.get("blocks", []) if block.get("block_id") != ids.BLOCK_TASK_ACTIONS]
    outcome = ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict()
    return {"text": message.get("text", note), "blocks": [*kept, outcome]}


def task_buttons(language: Language, task_id: int) -> ActionsBlock:
    value = str(task_id)
    return ActionsBlock(
        block_id=ids.BLOCK_TASK_ACTIONS,
        elements=[
            ButtonElement(
                text=t(language, "buttons.done"), action_id=ids.ACTION_TASK_DONE, value=value, style="primary"
            ),
            ButtonElement(text=t(language, "buttons.snooze"), action_id=ids.ACTION_TASK_SNOOZE, value=value),
            ButtonElement(
                text=t(language, "buttons.not_relevant"), action_id=ids.ACTION_TASK_NOT_RELEVANT, value=value
            ),
        ],
    )


def _practice(lesson: Lesson, task: TaskInfo, language: Language, stale_days: int) -> str:
    if task.goal is None:
        return lesson.practice
    return lesson.practice + " " + goal_sentence(task.goal, language, stale_days=stale_days)


def _start_now_target(check: TaskCheck) -> tuple[float, float, float]:
    return check.start, check.value, check.target


def _result_line(language: Language, title: str, check: TaskCheck, *, stale_days: int) -> str:
    """'✅ Go first: 4 → 1 of your own deals without a next step – goal of at most 1 reached.'"""
    if check.metric.endswith("_share"):  # a task given before goals were counts
        start, now, target = (
            _metric_text(check.metric, v, language) for v in (check.start, check.value, check.target)
        )
        unit = t(language, f"metric_labels.{check.metric}")
    else:
        start, now, target = (
            format_int(round(v), language) for v in (check.start, check.value, check.target)
        )
        unit = goal_unit(check.metric, check.value, language, stale_days=stale_days)
    return t(
        language,
        f"nudge.result_{check.standing}",
        title=title,
        start=start,
        now=now,
        unit=unit,
        comparison=t(language, "comparisons.<=" if check.target < check.start else "comparisons.>="),
        target=target,
    )


def _changes(language: Language, stats: ManagerStats, previous: ManagerStats | None) -> str:
    if previous is None:
        return t(language, "nudge.changes_title") + "\n" + t(language, "nudge.first_week")
    lines = [t(language, "nudge.changes_title")]
    for metric, label in CHANGE_METRICS:
        now_value, before = metric_value(stats, metric), metric_value(previous, metric)
        difference = now_value - before
        if difference > 0:
            delta = t(language, "nudge.delta_up", value=format_int(int(difference), language))
        elif difference < 0:
            delta = t(language, "nudge.delta_down", value=format_int(int(-difference), language))
        else:
            delta = t(language, "nudge.delta_same")
        lines.append(
            t(
                language,
                "nudge.change_line",
                label=t(language, label),
                now=format_int(int(now_value), language),
                delta=delta,
            )
        )
    return "\n".join(lines)


def _metric_text(metric: str, value: float, language: Language) -> str:
    if metric.endswith("_share"):
        number = format_int(round(value * 100), language)
        return f"{number} %" if language == "de" else f"{number}%"
    return format_int(round(value), language)


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=truncate(text, SECTION_TEXT_LIMIT)))
