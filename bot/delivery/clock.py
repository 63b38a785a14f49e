"""`crmcoach clock`: the one planner process. APScheduler ticks every minute and plans into the outbox.

Exactly one clock may run (an APScheduler job store must not be shared). Its jobs are idempotent: the
planner looks back 24 hours and keys every message, so coalescing missed ticks into one run loses
nothing, and a long misfire grace lets a late tick still run instead of being dropped silently.
Expected outages (the database, the CRM) are logged once per state change; a failed enrollment run is
tried again within the hour instead of the next day.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.crm.base import CRMConnector, CRMError
from bot.delivery.availability import CRM, DATABASE, is_database_outage
from bot.delivery.enroll import enroll_from_crm
from bot.delivery.planner import plan_due
from bot.slack_gateway import SlackProfiles

log = logging.getLogger(__name__)
PLAN_JOB_ID = "plan-deliveries"
ENROLL_JOB_ID = "enroll-managers"
ENROLL_RETRY_JOB_ID = "enroll-managers-retry"
MISFIRE_GRACE_SECONDS = 15 * 60
ENROLL_RETRY = timedelta(minutes=15)  # a failed enrollment run is tried again this soon


@dataclass(frozen=True, slots=True)
class ClockJobs:
    """What the clock's jobs work with: the outbox's database, the CRM and Slack to enroll from."""

    sessions: sessionmaker[Session]
    crm: CRMConnector
    profiles: SlackProfiles
    settings: Settings
    now: Callable[[], datetime]


def add_jobs(scheduler: BaseScheduler, *, jobs: ClockJobs, team_ids: Sequence[str]) -> None:
    """Planning (for every workspace at once) and, with auto-enroll, one enrollment job per workspace."""
    scheduler.add_job(
        plan_once,
        IntervalTrigger(minutes=1),
        kwargs={"jobs": jobs},
        id=PLAN_JOB_ID,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        next_run_time=datetime.now(UTC),
    )
    if not jobs.settings.schedule.auto_enroll:
        return
    for team_id in team_ids:
        scheduler.add_job(
            enroll_once,
            CronTrigger(hour=5, minute=30, timezone=UTC),
            kwargs={"jobs": jobs, "team_id": team_id, "scheduler": scheduler},
            id=f"{ENROLL_JOB_ID}:{team_id}",
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=6 * 3600,
            next_run_time=datetime.now(UTC),
        )


def plan_once(*, jobs: ClockJobs) -> None:
    try:
        with jobs.sessions() as session:
            plan_due(session=session, settings=jobs.settings, now=jobs.now())
    except Exception as exc:
        if is_database_outage(exc):
            DATABASE.down(exc)  # logged once; the next tick (a minute later) tries again
            return
        # A bug: the scheduler would only log this too; saying which job failed helps.
        log.exception("planning deliveries failed; the next tick tries again")
        return
    DATABASE.up()


def enroll_once(*, jobs: ClockJobs, team_id: str, scheduler: BaseScheduler | None = None) -> bool:
    """One enrollment run; when the CRM, Slack or the database is unavailable, another run is scheduled
    within the hour (ENROLL_RETRY). True when the run went through."""
    try:
        report = enroll_from_crm(
            sessions=jobs.sessions,
            crm=jobs.crm,
            profiles=jobs.profiles,
            settings=jobs.settings,
            team_id=team_id,
            now=jobs.now(),
        )
    except CRMError as exc:
        CRM.down(exc.user_message)
        return _retry_enrollment(scheduler, jobs=jobs, team_id=team_id)
    except Exception as exc:
        if is_database_outage(exc):
            DATABASE.down(exc)
        else:
            log.exception("enrolling managers from the CRM failed")
        return _retry_enrollment(scheduler, jobs=jobs, team_id=team_id)
    CRM.up()
    log.info(
        "enrollment: %s new, %s already, %s not in Slack",
        report.enrolled,
        report.already,
        len(report.not_in_slack),
    )
    return True


def _retry_enrollment(scheduler: BaseScheduler | None, *, jobs: ClockJobs, team_id: str) -> bool:
    if scheduler is not None:
        at = datetime.now(UTC) + ENROLL_RETRY
        log.info("enrollment tries again at %s", f"{at:%H:%M} UTC")
        scheduler.add_job(
            enroll_once,
            DateTrigger(at),
            kwargs={"jobs": jobs, "team_id": team_id, "scheduler": scheduler},
            id=f"{ENROLL_RETRY_JOB_ID}:{team_id}",
            replace_existing=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )
    return False
