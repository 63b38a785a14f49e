"""The `crmcoach` subcommands. Each builds what it needs from Settings and calls one service."""

from __future__ import annotations

import argparse
import re
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from bot.cli_support import default_team, open_container, open_engine
from bot.config import Settings
from bot.store.migrations import ensure_schema

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
SLACK_TEAM_ID = re.compile(r"^[TE][A-Z0-9]{2,}$")


def register_all(commands: Any) -> None:
    db = commands.add_parser("db", help="database schema").add_subparsers(
        title="db commands", metavar="ACTION"
    )
    db.add_parser("upgrade", help="apply all migrations").set_defaults(run=_db_upgrade)
    db.add_parser("current", help="print the schema revision").set_defaults(run=_db_current)

    seed = commands.add_parser("seed-demo", help="fill the demo CRM with a fictional sales org")
    seed.add_argument("--managers", type=_positive, default=3)
    seed.add_argument("--reps-per-manager", type=_non_negative, default=4)
    seed.add_argument("--deals", type=_non_negative, default=240)
    seed.add_argument("--seed", type=int, default=42)
    seed.set_defaults(run=_seed_demo)

    managers = commands.add_parser("managers", help="Slack users and their CRM owners")
    actions = managers.add_subparsers(title="managers commands", metavar="ACTION")
    link = actions.add_parser("link", help="link a Slack user to a CRM owner by the owner's CRM e-mail")
    link.add_argument("--slack", required=True, type=_slack_user_id, help="Slack user id, e.g. U012AB3CD")
    link.add_argument("--crm-email", required=True, help="the e-mail of the owner in the CRM")
    link.add_argument("--team", type=_slack_team_id, help="Slack team id (default: the bot's workspace)")
    link.set_defaults(run=_managers_link)
    listing = actions.add_parser("list", help="list known managers and their CRM links")
    listing.add_argument("--team", type=_slack_team_id)
    listing.set_defaults(run=_managers_list)

    from bot import cli_ask, cli_config, cli_crm, cli_delivery, cli_lessons, cli_preview, cli_privacy

    cli_delivery.register(commands, actions, team_id_type=_slack_team_id)
    cli_crm.register(commands, team_id_type=_slack_team_id)
    cli_lessons.register(commands)
    cli_privacy.register(commands, actions, slack_user_type=_slack_user_id, team_id_type=_slack_team_id)
    cli_ask.register(commands)
    cli_preview.register(commands)
    cli_config.register(commands)

    commands.add_parser("serve", help="run the Slack app (HTTP on $PORT, or Socket Mode)").set_defaults(
        run=_serve
    )
    demo = commands.add_parser("demo", help="show the bot end to end against a local Slack stand-in")
    demo.add_argument("--keep", action="store_true", help="keep the demo database in .demo/")
    demo.set_defaults(run=_demo)


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.migrations import current_revision, upgrade

    engine = open_engine(args, settings)
    upgrade(engine)
    print(f"Database is at revision {current_revision(engine)}.")
    return 0


def _db_current(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.migrations import current_revision, head_revision

    engine = open_engine(args, settings)
    current, head = current_revision(engine), head_revision(engine)
    print(f"current: {current or 'empty database'}; code expects: {head}")
    return 0 if current == head else 1


def _seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.crm.demo_seed import seed_demo

    engine = open_engine(args, settings)
    ensure_schema(engine)
    with Progress(transient=True, disable=args.deals < 50_000) as progress:
        task = progress.add_task("Writing deals and activities", total=args.deals)
        result = seed_demo(
            engine,
            managers=args.managers,
            reps_per_manager=args.reps_per_manager,
            deals=args.deals,
            seed=args.seed,
            on_progress=lambda done: progress.update(task, completed=done),
        )
    print(
        f"Demo CRM seeded: {result.managers} managers, {result.reps} reps, {result.deals} deals, "
        f"{result.activities} activities."
    )
    return 0


def _managers_link(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import UserError
    from bot.coaching.identity import link_manager

    container = open_container(args, settings)
    team_id = args.team or default_team(container)
    try:
        manager = link_manager(
            sessions=container.sessions,
            crm=container.crm,
            team_id=team_id,
            slack_user_id=args.slack,
            crm_email=args.crm_email,
        )
    except LookupError as exc:
        raise UserError(f"{exc} Check the spelling, or look the user up in the CRM.") from None
    print(
        f"Linked Slack user {manager.slack_user_id} in {team_id} to {container.crm.display_name} "
        f"owner {manager.crm_owner_id} ({args.crm_email})."
    )
    return 0


def _managers_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.managers import list_managers, unreachable_reasons

    container = open_container(args, settings)
    with container.sessions() as session:
        managers = list_managers(session, args.team)
        unreachable = unreachable_reasons(session, args.team)
    table = Table("team", "slack user", "name", "e-mail", "CRM owner", "linked by", "tz", "Slack")
    for m in managers:
        table.add_row(
            m.team_id,
            m.slack_user_id,
            m.display_name or "",
            m.email or "",
            m.crm_owner_id or "– not linked –",
            m.link_source or "",
            m.tz,
            f"unreachable: {unreachable[m.id]}" if m.id in unreachable else "ok",
        )
    Console().print(table if managers else "No managers yet: they appear when they first use /crmcoach.")
    return 0


def _serve(_args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    serve(settings)
    return 0


def _demo(args: argparse.Namespace, _settings: Settings) -> int:
    from bot.demo.run import run_demo

    return run_demo(keep=args.keep)


def _positive(text: str) -> int:
    value = _non_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


def _slack_user_id(text: str) -> str:
    if not SLACK_USER_ID.match(text.strip()):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a Slack user id (like U012AB3CD): open the user's profile, "
            "⋮ More → Copy member ID"
        )
    return text.strip()


def _slack_team_id(text: str) -> str:
    if not SLACK_TEAM_ID.match(text.strip()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Slack team id (like T012AB3CD)")
    return text.strip()
