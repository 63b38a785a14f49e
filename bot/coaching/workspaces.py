"""The workspaces this install serves: the bot token's own (auth.test) and those in SLACK_TEAM_IDS.

A request from any other workspace is not ours to answer: it would be served with this install's CRM.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from bot.slack_gateway import SlackCallFailed, SlackWorkspace

log = logging.getLogger(__name__)


class Workspaces:
    def __init__(self, *, slack: SlackWorkspace, listed: Iterable[str] = ()) -> None:
        self._slack = slack
        self._listed = tuple(dict.fromkeys(listed))
        self._home: str | None = None
        self._lock = threading.Lock()

    def home(self) -> str | None:
        """The bot token's workspace, asked once (None while Slack cannot say)."""
        with self._lock:
            if self._home is None:
                try:
                    self._home = self._slack.bot_team_id()
                except (SlackCallFailed, OSError) as exc:
                    log.warning("auth.test failed, the bot token's workspace is unknown for now: %s", exc)
            return self._home

    def all(self) -> tuple[str, ...]:
        """Every workspace served: the token's first, then the listed ones."""
        home = self.home()
        return tuple(dict.fromkeys([*([home] if home else []), *self._listed]))

    def serves(self, team_id: str | None) -> bool:
        return bool(team_id) and team_id in self.all()
