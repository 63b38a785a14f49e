"""`crmcoach clock | worker | run | tick` and `managers enroll`: the delivery processes."""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings


def register(commands: Any, managers: Any, *, team_id_type: Any) -> None:
    commands.add_parser(
        "clock", help="the one planner process: plans due messages every minute"
    ).set_defaults(run=_clock)
    commands.add_parser("worker", help="sends planned messages (run as many as you like)").set_defaults(
        run=_worker
    )
    commands.add_parser("run", help="serve + clock + worker in one process (small installs)").set_defaults(
        run=_run
    )
    tick = commands.add_parser("tick", help="plan and send everything due at one instant, then exit")
    tick.add_argument("--now", type=_instant, help="ISO 8601 instant, e.g. 2026-11-30T08:00Z (default: now)")
    tick.set_defaults(run=_tick)
    report = commands.add_parser("deliveries", help="what the outbox holds: pending, sent, failed")
    report.add_argument(
        "--status", choices=["pending", "claimed", "sent", "failed", "skipped"], default="failed"
    )
    report.add_argument("--limit", type=int, default=50)
    report.set_defaults(run=_deliveries)
    enroll = managers.add_parser("enroll", help="subscribe managers to coaching messages")
    enroll.add_argument(
        "--all", action="store_true", help="every CRM owner with direct reports, found in Slack"
    )
    enroll.add_argument(
        "--crm-email", help="one manager: their CRM e-mail (found in Slack by the same e-mail)"
    )
    enroll.add_argument("--team", type=team_id_type, help="Slack team id (default: the bot's workspace)")
    enroll.set_defaults(run=_enroll)


def _clock(args: argparse.Namespace, settings: Settings) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.cli_commands import default_team, open_container
    from bot.delivery.clock import add_jobs

    settings.require_slack()
    container = open_container(args, settings)
    scheduler = BlockingScheduler(timezone=UTC)
    add_jobs(scheduler, container=container, team_id=default_team(container))
    scheduler.start()
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_commands import open_container
    from bot.delivery.worker import run_worker

    settings.require_slack()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    run_worker(container=open_container(args, settings), stop=stop)
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    serve(settings, with_clock_and_worker=True)
    return 0


def _tick(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_commands import open_container
    from bot.delivery.worker import tick

    settings.require_slack()
    container = open_container(args, settings)
    planned, outcomes = tick(container=container, now=args.now or datetime.now(UTC))
    summary = (
        ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items())) or "nothing to send"
    )
    print(f"Planned {planned} message(s); {summary}.")
    return 1 if outcomes.get("failed") else 0


def _enroll(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import UserError
    from bot.cli_commands import default_team, open_container
    from bot.delivery.enroll import enroll, enroll_from_crm, find_slack_user

    if not args.all and not args.crm_email:
        raise UserError("say whom to enroll: --all, or --crm-email person@company.com")
    settings.require_slack()
    container = open_container(args, settings)
    team_id, client, now = args.team or default_team(container), container.slack, datetime.now(UTC)
    if args.all:
        report = enroll_from_crm(container=container, team_id=team_id, client=client, now=now)
        print(f"Enrolled {report.enrolled} new manager(s); {report.already} already enrolled.")
        for email in report.not_in_slack:
            print(f"  not found in Slack: {email}")
        return 0
    owner = container.crm.find_owner_by_email(args.crm_email)
    if owner is None:
        raise UserError(f"{container.crm.display_name} has no user with the e-mail {args.crm_email}.")
    user = find_slack_user(client, owner.email)
    if user is None:
        raise UserError(f"Slack has no user with the e-mail {owner.email}; they need a Slack account first.")
    fresh = enroll(
        container=container, team_id=team_id, owner=owner, slack_user=user, now=now, source="admin"
    )
    print(
        f"{owner.name} {'enrolled' if fresh else 'was already enrolled'}; the welcome message goes out next."
    )
    return 0


def _instant(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 instant like 2026-11-30T08:00Z"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _deliveries(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import func, select

    from bot.cli_commands import open_container
    from bot.store.delivery_models import OutboxMessage
    from bot.store.models import Manager

    container = open_container(args, settings)
    with container.sessions() as session:
        counts = dict(
            session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        )
        rows = session.execute(
            select(OutboxMessage, Manager.slack_user_id)
            .join(Manager, Manager.id == OutboxMessage.manager_id)
            .where(OutboxMessage.status == args.status)
            .order_by(OutboxMessage.next_attempt_at.desc())
            .limit(args.limit)
        ).all()
    print("Outbox: " + (", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "empty"))
    table = Table("manager", "kind", "period", "due / last try (UTC)", "attempts", "note")
    for message, user in rows:
        table.add_row(
            user,
            message.kind,
            message.period,
            f"{message.next_attempt_at:%Y-%m-%d %H:%M}",
            str(message.attempts),
            message.last_error or "",
        )
    Console().print(table if rows else f"No {args.status} deliveries.")
    return 0
