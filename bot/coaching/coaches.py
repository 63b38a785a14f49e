"""Who is a coach: entries of CRMCOACH_COACHES (`T…:U…`, or a bare `U…` in the bot token's workspace)
and members of CRMCOACH_COACH_GROUP (cached; a user group belongs to the bot token's workspace)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.config import Settings
from bot.slack_gateway import SlackCallFailed, SlackGroups

log = logging.getLogger(__name__)
GROUP_CACHE_SECONDS = 600.0  # usergroups.users.list is Tier 2: ask at most every ten minutes


class CoachDirectory:
    def __init__(
        self, settings: Settings, slack: SlackGroups, *, home_team: Callable[[], str | None]
    ) -> None:
        # team "" stands for the bot token's workspace, known once Slack has told us which it is
        self._ids = frozenset((coach.team, coach.user) for coach in settings.coaching.coaches)
        self._group = settings.coaching.coach_group
        self._slack = slack
        self._home_team = home_team
        self._members: frozenset[str] = frozenset()
        self._fetched_at = -GROUP_CACHE_SECONDS
        self._lock = threading.Lock()

    @property
    def group(self) -> str | None:
        return self._group

    def is_coach(self, team_id: str, user_id: str) -> bool:
        """A coach of `team_id`; a user id alone says nothing, ids of two workspaces may coincide."""
        if (team_id, user_id) in self._ids:
            return True
        if team_id != self._home_team():
            return False
        return ("", user_id) in self._ids or user_id in self.group_members()

    def group_members(self) -> frozenset[str]:
        """Members of the coach group (empty without one); a Slack failure keeps the last known list."""
        if not self._group:
            return frozenset()
        with self._lock:
            if time.monotonic() - self._fetched_at >= GROUP_CACHE_SECONDS:
                try:
                    self._members = self._slack.group_members(self._group)
                    self._fetched_at = time.monotonic()
                except SlackCallFailed as exc:
                    log.warning("usergroups.users.list failed: %s", exc.error)
            return self._members
