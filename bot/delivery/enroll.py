"""Enrollment: every CRM owner with direct reports, found in Slack by e-mail, gets coaching messages.

People Slack reports as deleted (deactivated) are not enrolled; an enrolled manager who is deactivated
is marked unreachable (nothing new is planned) and comes back when Slack finds them active again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.crm.aggregate import managers_of
from bot.crm.base import CRMConnector, Owner
from bot.delivery.planner import plan_welcome
from bot.slack_gateway import SlackCallFailed, SlackProfiles, SlackUser
from bot.store.delivery_models import Subscription
from bot.store.managers import (
    ensure_workspace,
    find_manager,
    get_or_create_manager,
    mark_reachable,
    mark_unreachable,
)
from bot.store.models import Manager

log = logging.getLogger(__name__)
PROFILE_REFRESH = timedelta(days=7)
DEACTIVATED = "deactivated"


@dataclass(frozen=True, slots=True)
class EnrollReport:
    enrolled: int
    already: int
    not_in_slack: list[str]
    deactivated: list[str] = field(default_factory=list)  # e-mails of people Slack reports as deleted


def enroll_from_crm(
    *,
    sessions: sessionmaker[Session],
    crm: CRMConnector,
    profiles: SlackProfiles,
    settings: Settings,
    team_id: str,
    now: datetime,
) -> EnrollReport:
    """Enroll every owner with direct reports (CRMCOACH_AUTO_ENROLL); re-running changes nothing.

    Profiles of enrolled managers are refreshed weekly, not daily (users.lookupByEmail is Tier 3), and a
    Slack error for one owner is logged and skipped rather than ending the run.
    """
    owners = crm.list_owners()
    teams = managers_of(owners)
    fresh = _recently_refreshed(sessions, team_id, now)
    enrolled, already, missing, deactivated = 0, 0, [], []
    for owner in (o for o in owners if o.crm_id in teams):
        if owner.crm_id in fresh:
            already += 1
            continue
        if not owner.email:  # some CRMs (HubSpot) have active owners without an e-mail: link them by hand
            missing.append(f"{owner.name} (no e-mail in the CRM)")
            continue
        try:
            user = profiles.user_by_email(owner.email)
        except SlackCallFailed as exc:
            log.warning("enrolling %s: Slack said %s; trying again next run", owner.email, exc.error)
            continue
        if user is None:
            missing.append(owner.email)
            continue
        if user.deleted:
            deactivated.append(owner.email)
            note_slack_user(sessions=sessions, team_id=team_id, slack_user_id=user.id, deleted=True, now=now)
            continue
        if enroll(
            sessions=sessions,
            settings=settings,
            team_id=team_id,
            owner=owner,
            slack_user=user,
            now=now,
            source="auto",
        ):
            enrolled += 1
        else:
            already += 1
    if missing:
        log.info("%s manager(s) not found in Slack by e-mail: %s", len(missing), ", ".join(missing))
    if deactivated:
        log.info(
            "%s manager(s) deactivated in Slack, not enrolled: %s", len(deactivated), ", ".join(deactivated)
        )
    return EnrollReport(enrolled, already, missing, deactivated)


def _recently_refreshed(sessions: sessionmaker[Session], team_id: str, now: datetime) -> set[str]:
    """CRM owner ids of enrolled managers whose Slack profile was read within PROFILE_REFRESH."""
    with sessions() as session:
        rows = session.execute(
            select(Manager.crm_owner_id, Manager.profile_refreshed_at)
            .join(Subscription, Subscription.manager_id == Manager.id)
            .where(Manager.team_id == team_id, Manager.crm_owner_id.is_not(None))
            # The unreachable are asked every run: they come back as soon as Slack finds them again.
            .where(Subscription.unreachable_reason.is_(None))
        ).all()
    return {str(owner) for owner, refreshed in rows if refreshed and now - refreshed < PROFILE_REFRESH}


def enroll(
    *,
    sessions: sessionmaker[Session],
    settings: Settings,
    team_id: str,
    owner: Owner,
    slack_user: SlackUser,
    now: datetime,
    source: str,
) -> bool:
    """Link the Slack user to the owner and subscribe them; True if they were not enrolled before."""
    with sessions() as session:
        ensure_workspace(session, team_id)
        manager = get_or_create_manager(session, team_id, slack_user.id)
        _update_profile(manager, owner, slack_user, now)
        mark_reachable(session, manager.id, now=now)  # Slack found them, active
        is_new = start_subscription(session, manager, settings, now=now, source=source)
        session.commit()
        return is_new


def start_subscription(
    session: Session, manager: Manager, settings: Settings, *, now: datetime, source: str
) -> bool:
    """Subscribe a manager and plan their welcome; False (and nothing changes) if already subscribed."""
    if session.get(Subscription, manager.id) is not None:
        return False
    session.add(
        Subscription(manager_id=manager.id, team_id=manager.team_id, enrolled_by=source, enrolled_at=now)
    )
    session.flush()
    plan_welcome(session, manager, settings, now)
    return True


def _update_profile(manager: Manager, owner: Owner, user: SlackUser, now: datetime) -> None:
    if manager.link_source != "admin":
        manager.crm_owner_id, manager.link_source = owner.crm_id, "email"
    manager.email = owner.email
    manager.display_name = user.real_name or user.profile_real_name or owner.name
    manager.tz = user.tz or manager.tz or "UTC"
    manager.slack_locale = user.locale or manager.slack_locale or None
    manager.profile_refreshed_at = now


def note_slack_user(
    *, sessions: sessionmaker[Session], team_id: str, slack_user_id: str, deleted: bool, now: datetime
) -> str | None:
    """What Slack says about a person (users.info, a `user_change` event): deleted marks an enrolled
    manager unreachable, active again makes them reachable. Returns "unreachable", "reachable" or None
    (no change, or not an enrolled manager)."""
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        if manager is None:
            return None
        if deleted:
            changed = mark_unreachable(session, manager.id, reason=DEACTIVATED, now=now)
        else:
            changed = mark_reachable(session, manager.id, now=now)
        session.commit()
    if not changed:
        return None
    state = "unreachable" if deleted else "reachable"
    log.info("Slack user %s in %s is %s now", slack_user_id, team_id, state)
    return state
