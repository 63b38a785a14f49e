"""Practice tasks: what a manager answers with the Done / Snooze / Not relevant buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from bot.store.delivery_models import PracticeTask
from bot.store.managers import find_manager

Response = Literal["done", "snoozed", "not_relevant"]
Outcome = Literal["recorded", "already", "not_yours"]
SNOOZE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class TaskAnswer:
    outcome: Outcome
    response: str  # what is recorded now (the earlier answer when outcome == "already")
    metric: str | None
    snoozed_until: datetime | None


def record_response(
    sessions: sessionmaker[Session],
    *,
    team_id: str,
    slack_user_id: str,
    task_id: int,
    response: Response,
    now: datetime,
) -> TaskAnswer:
    """Record the first answer to a task; a second click changes nothing and says so."""
    with sessions() as session:
        manager = find_manager(session, team_id, slack_user_id)
        task = session.get(PracticeTask, task_id)
        if manager is None or task is None or task.manager_id != manager.id or task.team_id != team_id:
            return TaskAnswer("not_yours", "", None, None)
        if task.response != "open" and not (task.response == "snoozed" and response != "snoozed"):
            return TaskAnswer("already", task.response, task.metric, task.snoozed_until)
        task.response, task.responded_at = response, now
        if response == "snoozed":
            task.snoozed_until = now + SNOOZE
            task.deadline = max(task.deadline, now) + SNOOZE
        session.commit()
        return TaskAnswer("recorded", response, task.metric, task.snoozed_until)
