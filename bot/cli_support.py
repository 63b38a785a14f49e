"""What the CLI commands and the server share: opening the container, the workspaces this install
serves, the clock's jobs, and the error a person at the terminal can fix."""

from __future__ import annotations

import argparse

from sqlalchemy import Engine

from bot.config import Settings
from bot.container import Container, build_container
from bot.delivery.clock import ClockJobs
from bot.store.db import make_engine
from bot.store.migrations import ensure_schema


class UserError(Exception):
    """A problem the person at the terminal can fix; printed without a traceback."""


def open_engine(args: argparse.Namespace, settings: Settings) -> Engine:
    engine = make_engine(settings.database.url)
    args.resources.callback(engine.dispose)
    return engine


def open_container(args: argparse.Namespace, settings: Settings) -> Container:
    container = build_container(settings, engine=open_engine(args, settings))
    ensure_schema(container.engine)
    return container


def clock_jobs(container: Container) -> ClockJobs:
    """What the clock process's jobs need, from the app's container."""
    return ClockJobs(
        sessions=container.sessions,
        crm=container.crm,
        profiles=container.gateway,
        settings=container.settings,
        now=container.clock,
    )


def default_team(container: Container) -> str:
    """The bot token's workspace (auth.test): where a command without --team acts."""
    return served_teams(container, None)[0]


def served_teams(container: Container, team: str | None) -> tuple[str, ...]:
    """`--team`, else every workspace this install serves: the bot token's and SLACK_TEAM_IDS."""
    if team:
        return (team,)
    if container.settings.slack.bot_token is None and not container.settings.slack.team_ids:
        raise UserError(
            "no workspace is known yet: pass --team T… (your Slack team id) or set SLACK_BOT_TOKEN."
        )
    teams = container.workspaces.all()
    if not teams:
        raise UserError("could not ask Slack for the bot's workspace (auth.test failed); pass --team T….")
    return teams
