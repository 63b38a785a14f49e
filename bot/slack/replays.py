"""A captured request sent again: Slack's signature stays valid for five minutes, so a replayed
`broadcast` would post twice. Requests that change something are carried out once per signature."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse

from bot.container import Container
from bot.slack.commands import ROUTER
from bot.slack.router import parse
from bot.store.events import first_delivery

log = logging.getLogger(__name__)
CHANGING_INTERACTIONS = frozenset({"view_submission", "block_actions"})
KEY_PREFIX = "sig:"
KEY_LENGTH = 64  # the column's width


def register(app: App, container: Container) -> None:
    @app.middleware
    def once_per_signature(
        req: BoltRequest, body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> BoltResponse | None:
        signature = _signature(req)
        if signature and _changes_something(body):
            key = (KEY_PREFIX + signature.removeprefix("v0="))[:KEY_LENGTH]
            now = container.clock()
            if not first_delivery(container.sessions, team_id=context.team_id or "", event_id=key, now=now):
                log.warning("ignored a replayed request from %s/%s", context.team_id, context.user_id)
                return BoltResponse(status=200, body="")
        next()
        return None


def _signature(req: BoltRequest) -> str:
    values = req.headers.get("x-slack-signature") or []
    return str(values[0]) if values else ""


def _changes_something(body: dict[str, Any]) -> bool:
    if "command" in body:
        return ROUTER.route_for(parse(str(body.get("text", "")))[0]).once
    return body.get("type") in CHANGING_INTERACTIONS
