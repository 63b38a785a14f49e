"""`/crmcoach stats`: the asking manager's own pipeline numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.coaching.identity import Identities, ManagerIdentity
from bot.coaching.pipeline import PipelineStats
from bot.crm.base import ManagerStats


@dataclass(frozen=True, slots=True)
class StatsReport:
    identity: ManagerIdentity
    stats: ManagerStats


def my_stats(
    *, identities: Identities, stats: PipelineStats, team_id: str, slack_user_id: str, now: datetime
) -> StatsReport:
    """Raises IdentityProblem when the user is not linked to the CRM, CRMError when the CRM fails."""
    identity = identities.identify(team_id=team_id, slack_user_id=slack_user_id, now=now)
    numbers = stats.current(team_id=team_id, crm_owner_id=identity.crm_owner_id, now=now)
    return StatsReport(identity=identity, stats=numbers)
