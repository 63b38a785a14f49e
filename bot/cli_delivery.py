"""`crmcoach clock | worker | run | tick`, `deliveries [requeue]` and `managers enroll`: the delivery
processes and the outbox's admin commands."""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings

STATUSES = ["pending", "claimed", "sent", "failed", "skipped"]


def register(commands: Any, managers: Any, *, team_id_type: Any) -> None:
    team_help = "Slack team id (default: every workspace this install serves)"
    clock = commands.add_parser("clock", help="the one planner process: plans due messages every minute")
    clock.add_argument("--team", type=team_id_type, help=team_help)
    clock.set_defaults(run=_clock)
    worker = commands.add_parser("worker", help="sends planned messages (run as many as you like)")
    worker.add_argument("--team", type=team_id_type, help="Slack team id (default: every workspace)")
    worker.set_defaults(run=_worker)
    run = commands.add_parser("run", help="serve + clock + worker in one process (small installs)")
    run.add_argument("--team", type=team_id_type, help=team_help)
    run.set_defaults(run=_run)
    tick = commands.add_parser("tick", help="plan and send everything due at one instant, then exit")
    tick.add_argument("--now", type=_instant, help="ISO 8601 instant, e.g. 2026-11-30T08:00Z (default: now)")
    tick.add_argument(
        "--max-seconds",
        type=_seconds,
        default=300.0,
        help="keep sending what is due (waiting out rate limits) for at most this long (default: 300)",
    )
    tick.add_argument("--team", type=team_id_type, help="Slack team id (default: every workspace)")
    tick.set_defaults(run=_tick)
    report = commands.add_parser(
        "deliveries", help="what the outbox holds: counts by status with the commonest reasons"
    )
    report.add_argument("--status", choices=STATUSES, help="also list the messages with this status")
    report.add_argument("--limit", type=int, default=50)
    report.set_defaults(run=_deliveries)
    actions = report.add_subparsers(dest="action", metavar="ACTION")
    requeue = actions.add_parser("requeue", help="plan failed messages again (still within their rules)")
    requeue.add_argument("--status", choices=["failed", "skipped"], default="failed")
    requeue.add_argument("--since", type=_instant, help="only messages due at or after this ISO 8601 instant")
    requeue.set_defaults(run=_requeue)
    enroll = managers.add_parser("enroll", help="subscribe managers to coaching messages")
    enroll.add_argument(
        "--all", action="store_true", help="every CRM owner with direct reports, found in Slack"
    )
    enroll.add_argument(
        "--crm-email", help="one manager: their CRM e-mail (found in Slack by the same e-mail)"
    )
    enroll.add_argument("--team", type=team_id_type, help=team_help)
    enroll.set_defaults(run=_enroll)


def _clock(args: argparse.Namespace, settings: Settings) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from bot.cli_support import clock_jobs, open_container, served_teams
    from bot.delivery.clock import add_jobs

    settings.slack.require()
    container = open_container(args, settings)
    scheduler = BlockingScheduler(timezone=UTC)
    add_jobs(scheduler, jobs=clock_jobs(container), team_ids=served_teams(container, args.team))
    scheduler.start()
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import open_container
    from bot.delivery.worker import run_worker
    from bot.slack.home import with_home_refresh

    settings.slack.require()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    container = with_home_refresh(open_container(args, settings))
    run_worker(delivery=container.delivery, stop=stop, team_ids=_only(args.team))
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    serve(settings, with_clock_and_worker=True, team=args.team)
    return 0


def _tick(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import open_container
    from bot.delivery.worker import run_tick
    from bot.slack.home import with_home_refresh

    settings.slack.require()
    container = with_home_refresh(open_container(args, settings))
    report = run_tick(
        delivery=container.delivery,
        now=args.now or datetime.now(UTC),
        max_seconds=args.max_seconds,
        team_ids=_only(args.team),
    )
    outcomes = report.outcomes
    summary = (
        ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items())) or "nothing to send"
    )
    left = f" {report.left} still due: the next tick or a worker sends them." if report.left else ""
    print(f"Planned {report.planned} message(s); {summary}.{left}")
    return 1 if outcomes.get("failed") else 0


def _only(team: str | None) -> tuple[str, ...] | None:
    """`--team T…`: only that workspace's messages; without it, every workspace's."""
    return (team,) if team else None


def _enroll(args: argparse.Namespace, settings: Settings) -> int:
    from slack_sdk.errors import SlackApiError

    from bot.cli_support import UserError, default_team, open_container, served_teams
    from bot.crm.base import CRMError
    from bot.slack_gateway import SlackCallFailed

    if not args.all and not args.crm_email:
        raise UserError("say whom to enroll: --all, or --crm-email person@company.com")
    settings.slack.require()
    container = open_container(args, settings)
    try:
        teams = served_teams(container, args.team) if args.all else (args.team or default_team(container),)
        return max(_enroll_in(args, container, team_id=team_id) for team_id in teams)
    except CRMError as exc:
        raise UserError(
            f"{container.crm.display_name} is not available ({exc.user_message}); nobody was enrolled. "
            "Try again later, or run `crmcoach crm check`."
        ) from None
    except (SlackApiError, SlackCallFailed, OSError) as exc:
        reason = (
            exc.error
            if isinstance(exc, SlackCallFailed)
            else exc.response.get("error")
            if isinstance(exc, SlackApiError)
            else exc
        )
        raise UserError(f"Slack is not available ({reason}); try again later.") from None


def _enroll_in(args: argparse.Namespace, container: Any, *, team_id: str) -> int:
    from bot.cli_support import UserError
    from bot.delivery.enroll import enroll, enroll_from_crm

    now = datetime.now(UTC)
    if args.all:
        report = enroll_from_crm(
            sessions=container.sessions,
            crm=container.crm,
            profiles=container.gateway,
            settings=container.settings,
            team_id=team_id,
            now=now,
        )
        print(f"{team_id}: enrolled {report.enrolled} new manager(s); {report.already} already enrolled.")
        for email in report.not_in_slack:
            print(f"  not found in Slack: {email}")
        for email in report.deactivated:
            print(f"  deactivated in Slack, not enrolled: {email}")
        return 0
    owner = container.crm.find_owner_by_email(args.crm_email)
    if owner is None:
        raise UserError(f"{container.crm.display_name} has no user with the e-mail {args.crm_email}.")
    user = container.gateway.user_by_email(owner.email)
    if user is None:
        raise UserError(f"Slack has no user with the e-mail {owner.email}; they need a Slack account first.")
    if user.deleted:
        raise UserError(f"{owner.email} is deactivated in Slack; they cannot get messages.")
    fresh = enroll(
        sessions=container.sessions,
        settings=container.settings,
        team_id=team_id,
        owner=owner,
        slack_user=user,
        now=now,
        source="admin",
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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


def _deliveries(args: argparse.Namespace, settings: Settings) -> int:
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import func, select

    from bot.cli_support import open_container
    from bot.store.delivery_models import OutboxMessage
    from bot.store.models import Manager

    container = open_container(args, settings)
    with container.sessions() as session:
        reasons = session.execute(
            select(OutboxMessage.status, OutboxMessage.last_error, func.count()).group_by(
                OutboxMessage.status, OutboxMessage.last_error
            )
        ).all()
        rows: Any = []
        if args.status:
            rows = session.execute(
                select(OutboxMessage, Manager.slack_user_id)
                .join(Manager, Manager.id == OutboxMessage.manager_id)
                .where(OutboxMessage.status == args.status)
                .order_by(OutboxMessage.next_attempt_at.desc())
                .limit(args.limit)
            ).all()
    _print_summary(reasons)
    if not args.status:
        return 0
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


def _print_summary(reasons: Any) -> None:
    """Counts by status, each with its three commonest reasons."""
    by_status: dict[str, dict[str, int]] = {}
    for status, reason, count in reasons:
        by_status.setdefault(status, {})
        by_status[status][reason or ""] = by_status[status].get(reason or "", 0) + count
    counts = {status: sum(found.values()) for status, found in by_status.items()}
    print("Outbox: " + (", ".join(f"{counts[s]} {s}" for s in STATUSES if s in counts) or "empty"))
    for status in (s for s in STATUSES if s in by_status):
        common = sorted(((n, r) for r, n in by_status[status].items() if r), reverse=True)[:3]
        for count, reason in common:
            print(f"  {status}: {count} × {reason}")


def _requeue(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import open_container
    from bot.delivery.outbox import requeue

    container = open_container(args, settings)
    count = requeue(container.sessions, status=args.status, since=args.since, now=datetime.now(UTC))
    since = f" due since {args.since:%Y-%m-%d %H:%M} UTC" if args.since else ""
    print(
        f"Requeued {count} {args.status} message(s){since}. Workers send them at the next moment "
        "each manager's rules allow, within a day; a message already in Slack is not sent again."
    )
    return 0
