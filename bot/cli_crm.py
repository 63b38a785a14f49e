"""`crmcoach crm …`: check the connection, refresh every manager's numbers, import a CSV export."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from bot.config import Settings
from bot.crm.aggregate import managers_of
from bot.crm.base import CRMError
from bot.crm.mirror import RefreshInfo

MAX_ERRORS_SHOWN = 50
ROSTER_HINT = "Set CRMCOACH_ROSTER_CSV (email,manager_email) to define the teams."


def register(commands: Any, *, team_id_type: Any) -> None:
    crm = commands.add_parser("crm", help="the CRM connection").add_subparsers(
        title="crm commands", metavar="ACTION"
    )
    crm.add_parser("check", help="connect and show which owners and teams the coach sees").set_defaults(
        run=_check
    )
    refresh = crm.add_parser("refresh", help="fetch every manager's numbers in one pass and cache them")
    refresh.add_argument("--team", type=team_id_type, help="Slack team id (default: the bot's workspace)")
    refresh.set_defaults(run=_refresh)
    load = crm.add_parser("import-csv", help="replace the local CRM (CRM_CONNECTOR=csv) with a CRM export")
    load.add_argument("--owners", type=Path, required=True, help="users: id,email,name[,manager_email]")
    load.add_argument("--deals", type=Path, required=True, help="deals: see docs/csv-import.md")
    load.add_argument("--activities", type=Path, help="calls, meetings, e-mails, tasks (optional)")
    load.add_argument("--mapping", type=Path, help="TOML file renaming columns and status values")
    load.set_defaults(run=_import_csv)


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import open_container

    console = Console()
    container = open_container(args, settings)
    crm = container.crm
    try:
        owners = crm.list_owners()
    except CRMError as error:
        console.print(f"[red]Cannot read users from {crm.display_name}:[/red] {error.user_message}")
        return 1
    teams = managers_of(owners)
    names = {owner.crm_id: owner for owner in owners}
    console.print(f"Connected to {crm.display_name} (CRM_CONNECTOR={settings.crm.connector}).")
    console.print(f"Owners: {len(owners)}, of whom {len(teams)} have direct reports (they get coached).")
    for manager_id, reports in sorted(
        teams.items(), key=lambda item: names[item[0]].name if item[0] in names else ""
    ):
        manager = names.get(manager_id)
        label = f"{manager.name} <{manager.email}>" if manager else f"{manager_id} (not an active owner)"
        console.print(f"  • {label}: {len(reports)} direct reports")
    if not teams:
        console.print(f"[yellow]No teams found.[/yellow] {ROSTER_HINT}")
        return 1
    sample = next(iter(sorted(teams)))
    try:
        stats = crm.manager_stats(sample, now=datetime.now(UTC))
    except CRMError as error:
        console.print(f"[red]Cannot read deals or activities:[/red] {error.user_message}")
        return 1
    console.print(
        f"Reading deals and activities works: {stats.owner.name}'s team has {stats.open_deals} open deals "
        f"and logged {stats.activities_7d_manager + stats.activities_7d_team} activities in 7 days."
    )
    return 0


def _refresh(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import default_team, open_container

    container = open_container(args, settings)
    team_id = args.team or default_team(container)
    sent_before = getattr(container.crm, "requests_made", None)
    try:
        # Owners first (the connector caches them for the refresh): without a team there is
        # nothing to refresh, and reading every deal would only spend the CRM's request budget.
        if not managers_of(container.crm.list_owners()):
            print(f"crmcoach: {container.crm.display_name}: no owner has direct reports. {ROSTER_HINT}")
            return 1
        report = container.stats.refresh_all(team_id=team_id, now=datetime.now(UTC))
    except CRMError as error:
        print(f"crmcoach: {container.crm.display_name}: {error.user_message}")
        return 1
    sent_after = getattr(container.crm, "requests_made", None)
    sent = (
        sent_after - sent_before
        if isinstance(sent_before, int) and isinstance(sent_after, int)
        else report.requests
    )
    per_manager = f" ({sent / report.managers:.2f} per manager)" if sent and report.managers else ""
    requests = f" with {sent} API requests{per_manager}" if sent is not None else ""
    print(f"Refreshed {report.managers} managers in {report.seconds:.1f} s{requests}.")
    read = getattr(container.crm, "last_refresh", None)
    if isinstance(read, RefreshInfo):
        print(
            f"Full read: {read.records} deals and activities."
            if read.kind == "full"
            else f"Incremental read: {read.records} deals and activities changed since the last refresh."
        )
    return 0


def _import_csv(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_support import open_engine
    from bot.crm.csv_import import CsvImportError, Mapping, import_csv
    from bot.store.migrations import ensure_schema

    engine = open_engine(args, settings)
    ensure_schema(engine)
    try:
        mapping = Mapping.load(args.mapping)
        result = import_csv(
            engine, owners=args.owners, deals=args.deals, activities=args.activities, mapping=mapping
        )
    except CsvImportError as exc:
        # Plain lines, never wrapped: editors and grep understand file:line.
        for problem in exc.errors[:MAX_ERRORS_SHOWN]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.errors) > MAX_ERRORS_SHOWN:
            print(f"  … and {len(exc.errors) - MAX_ERRORS_SHOWN} more", file=sys.stderr)
        print(f"{exc}. Fix the rows above and run the import again.", file=sys.stderr)
        return 2
    print(f"Imported {result.owners} owners, {result.deals} deals and {result.activities} activities.")
    if settings.crm.connector != "csv":
        print("Set CRM_CONNECTOR=csv to coach from this data.")
    return 0
