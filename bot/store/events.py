"""Slack event de-duplication: Slack re-delivers events it thinks were not received."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import upsert_insert
from bot.store.models import ProcessedEvent

KEEP_FOR = timedelta(days=2)  # Slack retries within minutes; two days is generous


def first_delivery(sessions: sessionmaker[Session], *, team_id: str, event_id: str, now: datetime) -> bool:
    """Record the event; False when it was recorded before (a retry to ignore)."""
    with sessions() as session:
        statement = upsert_insert(session, ProcessedEvent).values(
            team_id=team_id, event_id=event_id, received_at=now
        )
        # RETURNING, not rowcount: psycopg reports a row even when ON CONFLICT skipped the insert.
        inserted = session.execute(
            statement.on_conflict_do_nothing(index_elements=["team_id", "event_id"]).returning(
                ProcessedEvent.id
            )
        ).scalar_one_or_none()
        session.execute(delete(ProcessedEvent).where(ProcessedEvent.received_at < now - KEEP_FOR))
        session.commit()
        return inserted is not None
