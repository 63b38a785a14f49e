"""`/crmcoach subscribe`: a manager signs themselves up (or back up) for coaching messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.coaching.identity import Identities
from bot.config import Settings
from bot.delivery.enroll import start_subscription
from bot.i18n import Language
from bot.store.delivery_models import Subscription
from bot.store.managers import find_manager


def subscribe_self(
    *,
    sessions: sessionmaker[Session],
    identities: Identities,
    settings: Settings,
    team_id: str,
    slack_user_id: str,
    now: datetime,
) -> Language:
    """Link to the CRM if needed (IdentityProblem when impossible), subscribe, plan a welcome if new."""
    identity = identities.identify(team_id=team_id, slack_user_id=slack_user_id, now=now)
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        assert manager is not None  # identify() has just stored it
        subscription = session.get(Subscription, manager.id)
        if subscription is None:
            start_subscription(session, manager, settings, now=now, source="self")
        else:
            subscription.subscribed, subscription.paused_until, subscription.active_since = True, None, now
        session.commit()
    return identity.language
