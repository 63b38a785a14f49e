"""`crmcoach preview --user EMAIL --weeks 8 [--behaviour …]`: week by week, what a manager would receive.

Runs the real planner and composer against a copy of the data (bot/delivery/preview.py): nothing is
sent to Slack and nothing is stored. Coaches use it to see the curriculum before they trust it.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings

BEHAVIOURS = ("done", "ignore", "snooze", "not-relevant")
MAX_WEEKS = 26


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "preview", help="what a manager would receive over the next weeks (nothing is sent or stored)"
    )
    parser.add_argument("--user", required=True, metavar="EMAIL", help="the manager's e-mail")
    parser.add_argument("--weeks", type=_weeks, default=8, help=f"1 to {MAX_WEEKS} (default 8)")
    parser.add_argument(
        "--behaviour",
        choices=BEHAVIOURS,
        default="ignore",
        help="how the manager answers each practice task (default: ignore)",
    )
    parser.add_argument("--now", type=_instant, help="start at this ISO instant (default: now)")
    parser.set_defaults(run=_preview)


def _preview(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    from bot.cli_support import UserError, open_container
    from bot.crm.base import CRMError
    from bot.delivery.preview import PreviewError, preview

    container = open_container(args, settings)
    logging.getLogger("bot").setLevel(logging.WARNING)  # the preview shows messages, not our logs
    try:
        result = preview(
            delivery=container.delivery,
            email=args.user,
            weeks=args.weeks,
            behaviour=args.behaviour,
            now=args.now or datetime.now(UTC),
        )
    except PreviewError as error:
        raise UserError(str(error)) from error
    except CRMError as error:
        raise UserError(f"the CRM did not answer: {error.user_message}") from error
    print(_render(result, behaviour=args.behaviour, weeks=args.weeks))
    return 0


def _render(result: Any, *, behaviour: str, weeks: int) -> str:
    from bot.coaching.numbers import goal_sentence

    lines = [
        f"Preview for {result.email} – {weeks} week(s), the manager answers: {behaviour}. "
        "Nothing is sent or stored.",
    ]
    if not result.enrolled:
        lines.append("(Not enrolled yet: shown as if they were enrolled now.)")
    week = 0
    for item in result.items:
        received = item.received
        if received.week != week:
            week = received.week
            lines.append(f"\nWeek {week}")
        when = received.at.strftime("%a %Y-%m-%d %H:%M UTC")
        lines.append(f"  {when}  {received.kind}")
        if received.kind == "welcome":
            continue
        lines.append(f"    focus:  {received.focus or '–'}")
        for result_line in item.results:
            lines.append(f"    result: {result_line}")
        if item.title is None:
            lines.append(
                "    lesson: – (no new practice task: open tasks first, or nothing new on the focus)"
            )
        else:
            again = "  [sent before]" if received.resend else ""
            lines.append(f"    lesson: {item.title} ({received.lesson_id}){again}")
        if item.practice:
            lines.append(f"    task:   {item.practice}")
        if item.goal is not None:
            lines.append(f"    goal:   {goal_sentence(item.goal, result.language)}")
        elif item.title is not None and received.task_id is None:
            lines.append("    task:   – (a reflection, no practice task)")
        if received.escalated:
            lines.append("    change of approach: another topic, a 1:1 or a small-circle session offered")
    if len(lines) == 1:
        lines.append("Nothing would be sent (unsubscribed, paused or no numbers).")
    return "\n".join(lines)


def _weeks(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--weeks must be a whole number, not {text!r}") from None
    if not 1 <= value <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"--weeks must be from 1 to {MAX_WEEKS}")
    return value


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            "--now must be an ISO date and time, e.g. 2026-12-07T08:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
