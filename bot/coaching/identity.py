"""Who is asking: Slack user -> manager row -> CRM owner, matched by e-mail and remembered."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.crm.base import CRMConnector
from bot.i18n import Language, language_for
from bot.slack_gateway import SlackCallFailed, SlackProfiles
from bot.store.managers import ensure_workspace, find_manager, get_or_create_manager
from bot.store.models import Manager

log = logging.getLogger(__name__)

PROFILE_MAX_AGE = timedelta(hours=24)
ProblemKind = Literal["no_email", "no_owner", "slack_unavailable"]


@dataclass(frozen=True, slots=True)
class ManagerIdentity:
    team_id: str
    slack_user_id: str
    crm_owner_id: str
    display_name: str | None
    tz: str
    language: Language


@dataclass(frozen=True, slots=True)
class LinkedManager:
    """What an admin's link stored."""

    team_id: str
    slack_user_id: str
    crm_owner_id: str
    display_name: str | None


class IdentityProblem(Exception):
    """The user cannot be matched to a CRM owner; carries what the reply needs."""

    def __init__(self, kind: ProblemKind, *, language: Language, email: str = "", error: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.language = language
        self.email = email
        self.error = error


def stored_language(sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str) -> Language | None:
    """The language we already know for a user, None for a stranger; no Slack call.

    A database error counts as English: the language is a nicety and must not cost the reply.
    """
    try:
        return recorded_language(sessions, team_id=team_id, slack_user_id=slack_user_id)
    except SQLAlchemyError as exc:
        log.warning("stored language unavailable for %s/%s: %s", team_id, slack_user_id, exc)
        return "en"


def recorded_language(
    sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str
) -> Language | None:
    """Like stored_language, but a database error is raised (so that nobody remembers a stand-in)."""
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        if manager is None or manager.profile_refreshed_at is None:
            return None
        return language_for(manager.preferred_language, manager.slack_locale)


def profile_language(
    *,
    sessions: sessionmaker[Session],
    profiles: SlackProfiles,
    team_id: str,
    slack_user_id: str,
    now: datetime,
) -> Language:
    """The user's language after a first look at their Slack profile (English if Slack fails)."""
    _ensure_manager(sessions, team_id=team_id, slack_user_id=slack_user_id)
    with sessions() as session:
        manager = get_or_create_manager(session, team_id, slack_user_id)
        if manager.profile_refreshed_at is None or now - manager.profile_refreshed_at > PROFILE_MAX_AGE:
            try:
                _refresh_profile(manager, profiles, now)
            except IdentityProblem as problem:
                return problem.language
        session.commit()
        return language_for(manager.preferred_language, manager.slack_locale)


def resolve_manager(
    *,
    sessions: sessionmaker[Session],
    profiles: SlackProfiles,
    crm: CRMConnector,
    team_id: str,
    slack_user_id: str,
    now: datetime,
) -> ManagerIdentity:
    """Find (and remember) the CRM owner behind a Slack user, refreshing the Slack profile daily."""
    _ensure_manager(sessions, team_id=team_id, slack_user_id=slack_user_id)
    with sessions() as session:
        manager = get_or_create_manager(session, team_id, slack_user_id)
        stale = manager.profile_refreshed_at is None or now - manager.profile_refreshed_at > PROFILE_MAX_AGE
        try:
            if stale:
                _refresh_profile(manager, profiles, now)
            if manager.crm_owner_id is None:
                _link_by_email(manager, crm, language_for(manager.preferred_language, manager.slack_locale))
        except IdentityProblem:
            session.commit()  # keep the unlinked manager visible to admins (`crmcoach managers list`)
            raise
        identity = _identity(manager)
        session.commit()
        return identity


def link_manager(
    *,
    sessions: sessionmaker[Session],
    crm: CRMConnector,
    team_id: str,
    slack_user_id: str,
    crm_email: str,
) -> LinkedManager:
    """An admin's explicit link; later e-mail matching never overrides it. Raises LookupError."""
    owner = crm.find_owner_by_email(crm_email)
    if owner is None:
        raise LookupError(f"{crm.display_name} has no user with the e-mail {crm_email}.")
    with sessions() as session:
        ensure_workspace(session, team_id)
        manager = get_or_create_manager(session, team_id, slack_user_id)
        manager.crm_owner_id = owner.crm_id
        manager.link_source = "admin"
        manager.display_name = manager.display_name or owner.name
        linked = LinkedManager(team_id, slack_user_id, owner.crm_id, manager.display_name)
        session.commit()
        return linked


def _ensure_manager(sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str) -> None:
    """Insert the rows of a first contact in a short transaction of their own: concurrent first
    commands then wait for each other only this long, not for the Slack and CRM calls that follow."""
    with sessions() as session:
        get_or_create_manager(session, team_id, slack_user_id)
        session.commit()


def _refresh_profile(manager: Manager, profiles: SlackProfiles, now: datetime) -> None:
    try:
        user = profiles.user(manager.slack_user_id)
    except SlackCallFailed as exc:
        log.warning("users.info failed for %s/%s: %s", manager.team_id, manager.slack_user_id, exc.error)
        if manager.crm_owner_id is not None:
            return  # we know who this is; a stale profile is good enough for today
        language = language_for(manager.preferred_language, manager.slack_locale)
        raise IdentityProblem("slack_unavailable", language=language, error=exc.error) from exc
    if manager.link_source == "email" and user.email != manager.email:
        manager.crm_owner_id = None  # their address changed: match again
    manager.email = user.email
    manager.display_name = user.profile_real_name or user.real_name or user.name
    manager.tz = user.tz or manager.tz or "UTC"
    manager.slack_locale = user.locale or manager.slack_locale
    manager.profile_refreshed_at = now


def _link_by_email(manager: Manager, crm: CRMConnector, language: Language) -> None:
    if not manager.email:
        raise IdentityProblem("no_email", language=language)
    owner = crm.find_owner_by_email(manager.email)
    if owner is None:
        raise IdentityProblem("no_owner", language=language, email=manager.email)
    manager.crm_owner_id = owner.crm_id
    manager.link_source = "email"


def _identity(manager: Manager) -> ManagerIdentity:
    assert manager.crm_owner_id is not None
    return ManagerIdentity(
        team_id=manager.team_id,
        slack_user_id=manager.slack_user_id,
        crm_owner_id=manager.crm_owner_id,
        display_name=manager.display_name,
        tz=manager.tz,
        language=language_for(manager.preferred_language, manager.slack_locale),
    )


@dataclass(frozen=True, slots=True)
class Identities:
    """resolve_manager and profile_language bound to one database, Slack and CRM."""

    sessions: sessionmaker[Session]
    profiles: SlackProfiles
    crm: CRMConnector

    def identify(self, *, team_id: str, slack_user_id: str, now: datetime) -> ManagerIdentity:
        """Raises IdentityProblem."""
        return resolve_manager(
            sessions=self.sessions,
            profiles=self.profiles,
            crm=self.crm,
            team_id=team_id,
            slack_user_id=slack_user_id,
            now=now,
        )

    def language(self, *, team_id: str, slack_user_id: str, now: datetime) -> Language:
        return profile_language(
            sessions=self.sessions,
            profiles=self.profiles,
            team_id=team_id,
            slack_user_id=slack_user_id,
            now=now,
        )
