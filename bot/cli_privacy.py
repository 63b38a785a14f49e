"""`crmcoach managers forget` (delete everything about one person) and `crmcoach workspaces purge`."""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Settings


def register(commands: Any, managers: Any, *, slack_user_type: Any, team_id_type: Any) -> None:
    forget = managers.add_parser(
        "forget", help="delete every row about one Slack user (their data request, or they left)"
    )
    forget.add_argument("--slack", required=True, type=slack_user_type, help="Slack user id, e.g. U012AB3CD")
    forget.add_argument("--team", type=team_id_type, help="Slack team id (default: the bot's workspace)")
    forget.set_defaults(run=_forget)

    workspaces = commands.add_parser("workspaces", help="workspaces that uninstalled the app")
    actions = workspaces.add_subparsers(title="workspaces commands", metavar="ACTION")
    purge = actions.add_parser(
        "purge",
        help="delete the data of uninstalled workspaces whose retention (CRMCOACH_RETENTION_DAYS) has passed",
    )
    purge.add_argument(
        "--all-uninstalled",
        action="store_true",
        help="also those still within the retention period",
    )
    purge.set_defaults(run=_purge)


def _forget(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import default_team, open_container
    from bot.store.personal_data import forget_person

    container = open_container(args, settings)
    team_id = args.team or default_team(container)
    report = forget_person(container.sessions, team_id=team_id, slack_user_id=args.slack)
    if not report.deleted:
        print(f"Nothing stored about {args.slack} in {team_id}.")
        return 0
    tables = ", ".join(f"{name} {count}" for name, count in sorted(report.deleted.items()))
    print(f"Deleted {report.total} rows about {args.slack} in {team_id}: {tables}.")
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import open_container
    from bot.store.workspace_lifecycle import purge_workspaces

    container = open_container(args, settings)
    purged = purge_workspaces(
        container.sessions, now=container.clock(), everything_uninstalled=args.all_uninstalled
    )
    if not purged:
        print("No workspace is due for purging.")
    for workspace in purged:
        print(f"Purged workspace {workspace.team_id}: {workspace.rows} rows deleted.")
    return 0
