"""Which chart picture a person's Home last showed, so it is uploaded again only when its numbers change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.store.db import upsert_insert
from bot.store.home_models import ChartUpload


def uploaded_file(
    sessions: sessionmaker[Session], *, team_id: str, slack_user_id: str, name: str, digest: str
) -> str | None:
    """The Slack file id of the chart with exactly these numbers, if it was uploaded before."""
    with sessions() as session:
        row = session.scalars(
            select(ChartUpload).where(
                ChartUpload.team_id == team_id,
                ChartUpload.slack_user_id == slack_user_id,
                ChartUpload.name == name,
            )
        ).first()
    return row.file_id if row is not None and row.digest == digest else None


def remember_upload(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    slack_user_id: str,
    name: str,
    digest: str,
    file_id: str,
    now: datetime,
) -> None:
    with sessions() as session:
        values = {
            "team_id": team_id,
            "slack_user_id": slack_user_id,
            "name": name,
            "digest": digest,
            "file_id": file_id,
            "uploaded_at": now,
        }
        statement = upsert_insert(session, ChartUpload).values(**values)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["team_id", "slack_user_id", "name"],
                set_={"digest": digest, "file_id": file_id, "uploaded_at": now},
            )
        )
        session.commit()
