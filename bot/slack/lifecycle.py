"""The workspace leaves: `app_uninstalled` and `tokens_revoked` stop all sending to it at once; its data is
purged after CRMCOACH_RETENTION_DAYS (`crmcoach workspaces purge`). A request from it before the purge
means it installed the app again: sending resumes. Deactivated users: user_events.py."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse

from bot.container import Container
from bot.slack.caller_memory import CallerMemory
from bot.store.workspace_lifecycle import LEAVING_EVENTS, mark_reinstalled, mark_uninstalled

log = logging.getLogger(__name__)


def register(app: App, container: Container, memory: CallerMemory) -> None:
    @app.middleware
    def back_after_leaving(
        context: BoltContext, body: dict[str, Any], next: Callable[[], None]
    ) -> BoltResponse | None:
        # Slack delivers nothing to an uninstalled app: any other request means it was installed again.
        event_type = (body.get("event") or {}).get("type") if isinstance(body.get("event"), dict) else None
        team_id = context.team_id
        if team_id and event_type not in LEAVING_EVENTS:
            # Read once a minute per workspace, not on every request; an uninstall this process
            # records counts at once (caller_memory.py).
            memory.ensure_installed(team_id, lambda: _mark_reinstalled(container, team_id))
        next()
        return None

    @app.event("app_uninstalled")
    def on_uninstalled(body: dict[str, Any]) -> None:
        _leave(container, str(body.get("team_id") or ""), "app_uninstalled")

    @app.event("tokens_revoked")
    def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        # Only a revoked bot token ends our access; a user token (we hold none) would not.
        if (event.get("tokens") or {}).get("bot"):
            _leave(container, str(body.get("team_id") or ""), "tokens_revoked")


def _mark_reinstalled(container: Container, team_id: str) -> None:
    if mark_reinstalled(container.sessions, team_id=team_id):
        log.warning("workspace %s: installed again; its data stays and sending resumes", team_id)


def _leave(container: Container, team_id: str, reason: str) -> None:
    if not team_id:
        return
    left = mark_uninstalled(
        container.sessions,
        team_id=team_id,
        reason=reason,
        retention_days=container.settings.database.retention_days,
        now=container.clock(),
    )
    log.warning(
        "workspace %s: %s; %d waiting messages stopped, data purged after %s",
        team_id,
        reason,
        left.messages_stopped,
        left.purge_after.isoformat(),
    )
