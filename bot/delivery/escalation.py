"""A manager's focus number has not moved for three weekly nudges: the coaches hear about it, with the trend.

Only where the workspace turned it on (CRMCOACH_TELL_COACH_ON_STALL) and only to the coaches named in
CRMCOACH_COACHES; a Slack failure is logged and never stops the manager's own nudge.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError

from bot.container import Container
from bot.i18n import Language, t

log = logging.getLogger(__name__)


def tell_coaches(
    container: Container,
    *,
    manager_user_id: str,
    metric: str,
    trend: Sequence[float],
    topic: str | None,
    language: Language = "en",
) -> int:
    """DM every coach in CRMCOACH_COACHES; returns how many were told."""
    settings = container.settings
    coaches = [coach.user for coach in settings.coaching.coaches]
    if not settings.coaching.tell_coach_on_stall or not coaches:
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
    told = 0
    for coach in coaches:
        try:
            container.slack.chat_postMessage(channel=coach, text=text)
            told += 1
        except SlackApiError as error:
            log.warning("could not tell coach %s about a stall: %s", coach, error.response.get("error"))
    return told
