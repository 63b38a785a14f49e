"""`crmcoach clock`: the one planner process. APScheduler ticks every minute and plans into the outbox.

Exactly one clock may run (an APScheduler job store must not be shared). Its jobs are idempotent: the
planner looks back 24 hours and keys every message, so coalescing missed ticks into one run loses
nothing, and a long misfire grace lets a late tick still run instead of being dropped silently.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.container import Container
from bot.delivery.enroll import enroll_from_crm
from bot.delivery.planner import plan_due

log = logging.getLogger(__name__)
PLAN_JOB_ID = "plan-deliveries"
ENROLL_JOB_ID = "enroll-managers"
MISFIRE_GRACE_SECONDS = 15 * 60


def add_jobs(scheduler: BaseScheduler, *, container: Container, team_id: str | None) -> None:
    scheduler.add_job(
        plan_once,
        IntervalTrigger(minutes=1),
        kwargs={"container": container},
        id=PLAN_JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        next_run_time=datetime.now(UTC),
    )
    if container.settings.crmcoach_auto_enroll and team_id:
        scheduler.add_job(
            enroll_once,
            CronTrigger(hour=5, minute=30, timezone=UTC),
            kwargs={"container": container, "team_id": team_id},
            id=ENROLL_JOB_ID,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=6 * 3600,
            next_run_time=datetime.now(UTC),
        )


def plan_once(*, container: Container) -> None:
    try:
        with container.sessions() as session:
            plan_due(session=session, settings=container.settings, now=container.clock())
    except Exception:
        # The scheduler would only log this too; saying which job failed helps, and the next tick retries.
        log.exception("planning deliveries failed; the next tick tries again")


def enroll_once(*, container: Container, team_id: str) -> None:
    try:
        report = enroll_from_crm(
            container=container, team_id=team_id, client=container.slack, now=container.clock()
        )
        log.info(
            "enrollment: %s new, %s already, %s not in Slack",
            report.enrolled,
            report.already,
            len(report.not_in_slack),
        )
    except Exception:
        log.exception("enrolling managers from the CRM failed; it runs again tomorrow")
