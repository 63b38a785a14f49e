"""A manager's focus number has not moved for three weekly nudges: the coaches hear about it, with the trend.

Only where the workspace turned it on (CRMCOACH_TELL_COACH_ON_STALL) and only to the coaches named in
CRMCOACH_COACHES. Each coach's notice is an outbox row due now, sent right after the nudge; a Slack
failure there never stops the manager's own nudge.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.config_groups import CoachingSettings
from bot.delivery.notices import record_notice
from bot.i18n import Language, t


def tell_coaches(
    *,
    sessions: sessionmaker[Session],
    coaching: CoachingSettings,
    team_id: str,
    nudge_key: str,
    manager_user_id: str,
    metric: str,
    trend: Sequence[float],
    topic: str | None,
    language: Language = "en",
    now: datetime,
) -> int:
    """Record a DM to every coach in CRMCOACH_COACHES (once per nudge); returns how many."""
    coaches = [coach.user for coach in coaching.coaches]
    if not coaching.tell_coach_on_stall or not coaches:
        return 0
    shares = metric.endswith("_share")
    points = " → ".join(f"{round(v * 100)} %" if shares else f"{round(v)}" for v in trend)
    text = t(
        language,
        "escalation.coach_dm",
        manager=f"<@{manager_user_id}>",
        metric=t(language, f"metric_labels.{metric}"),
        trend=points,
        weeks=len(trend) - 1,
        topic=t(language, f"topics.{topic}").split(":")[0] if topic else "–",
    )
    for coach in coaches:
        record_notice(sessions, team_id=team_id, user_id=coach, text=text, now=now, key=f"{nudge_key}:stall")
    return len(coaches)
