"""The account the Pipedrive stand-in (tests/fakes/pipedrive.py) serves: users, legacy teams, deals,
activities and stages as Pipedrive's API returns them, loaded from a World or added one by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.contract.world import World


def rfc3339(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def v1_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(slots=True)
class PipedriveAccount:
    """The account's records, as the stand-in's tests set them up and change them."""

    users: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    deals: dict[int, dict[str, Any]] = field(default_factory=dict)
    activities: dict[int, dict[str, Any]] = field(default_factory=dict)
    stages: dict[int, dict[str, Any]] = field(default_factory=dict)
    teams_list_users: bool = True  # False: GET /legacyTeams leaves out member ids, as with skip_users=1

    def load_world(self, world: World) -> None:
        """Users, one team per manager, deals, done activities and one planned activity per next step."""
        for owner in world.owners:
            self.add_user(owner.crm_id, name=owner.name, email=owner.email, is_admin=not owner.manager_crm_id)
        for number, manager in enumerate(sorted(world.managers()), start=1):
            members = [o.crm_id for o in world.owners if o.manager_crm_id == manager]
            self.add_team(number, name=f"Team {number}", manager_id=manager, user_ids=[manager, *members])
        # Ids against the pipeline's order, so that only order_nr tells it; a deleted stage without deals.
        stage_ids = {label: 100 + len(world.stages) - place for place, label in enumerate(world.stages)}
        for place, label in enumerate(world.stages, start=1):
            self.add_stage(stage_ids[label], name=label, order_nr=place)
        self.add_stage(99, name="Old qualification", order_nr=len(world.stages) + 1, deleted=True)
        for deal in world.deals:
            touched = [t for t in (deal.created_at, deal.last_activity_at, deal.closed_at) if t is not None]
            self.add_deal(
                int(deal.deal_id),
                title=deal.name,
                owner_id=deal.owner_id,
                amount=deal.amount,
                currency=deal.currency,
                status=deal.status,
                added=deal.created_at,
                updated=max(touched),
                closed=deal.closed_at,
                expected_close=deal.close_date,
                stage_id=stage_ids[deal.stage] if deal.stage else stage_ids[world.stages[-1]],
            )
        # Numbered afresh: the World's activity ids are not unique (see build_world's A-numbering).
        for number, activity in enumerate(world.activities, start=1):
            self.add_activity(
                number,
                owner_id=activity.owner_id,
                deal_id=int(activity.deal_id) if activity.deal_id else None,
                kind=activity.kind,
                subject=f"{activity.kind.title()} logged",
                due=activity.occurred_at,
                done_at=activity.occurred_at,
            )
        next_id = max(self.activities, default=0) + 1
        for task in world.open_tasks:  # planned, overdue, not done: not an activity
            self.add_activity(
                next_id,
                owner_id=task.owner_id,
                deal_id=None,
                kind="task",
                subject="Follow up",
                due=task.occurred_at,
                done_at=None,
            )
            next_id += 1
        for deal in world.deals:
            if (deal.next_step or "").strip():
                # Pipedrive's "next step" is the deal's next planned (undone) activity.
                self.add_activity(
                    next_id,
                    owner_id=deal.owner_id,
                    deal_id=int(deal.deal_id),
                    kind="task",
                    subject=deal.next_step or "",
                    due=world.now + timedelta(days=3),
                    done_at=None,
                    added=deal.created_at,
                )
                next_id += 1

    def add_deal(
        self,
        deal_id: int,
        *,
        title: str,
        owner_id: str | None,
        amount: Decimal,
        status: str,
        added: datetime,
        currency: str = "EUR",
        updated: datetime | None = None,
        closed: datetime | None = None,
        expected_close: date | None = None,
        stage_id: int = 1,
    ) -> None:
        self.deals[deal_id] = {
            "id": deal_id,
            "title": title,
            "owner_id": owner_id,
            "person_id": None,
            "org_id": None,
            "pipeline_id": 1,
            "stage_id": stage_id,
            "value": number(amount),
            "currency": currency,
            "add_time": rfc3339(added),
            "update_time": rfc3339(updated or added),
            "stage_change_time": None,
            "is_archived": False,
            "is_deleted": False,
            "status": status,
            "probability": None,
            "lost_reason": "No budget" if status == "lost" else None,
            "visible_to": 3,
            "close_time": rfc3339(closed),
            "won_time": rfc3339(closed) if status == "won" else None,
            "lost_time": rfc3339(closed) if status == "lost" else None,
            "expected_close_date": expected_close.isoformat() if expected_close else None,
            "label_ids": [],
            "origin": "ManuallyCreated",
            "custom_fields": {},
        }

    def add_stage(
        self, stage_id: int, *, name: str, order_nr: int, pipeline_id: int = 1, deleted: bool = False
    ) -> None:
        """A stage as GET /api/v2/stages lists it."""
        self.stages[stage_id] = {
            "id": stage_id,
            "order_nr": order_nr,
            "name": name,
            "is_deleted": deleted,
            "deal_probability": 100,
            "pipeline_id": pipeline_id,
            "is_deal_rot_enabled": False,
            "days_to_rotten": None,
            "add_time": "2024-01-08T09:00:00Z",
            "update_time": "2024-01-08T09:00:00Z",
        }

    def add_user(
        self, user_id: str, *, name: str, email: str, active: bool = True, is_admin: bool = False
    ) -> None:
        self.users.append(
            {
                "id": user_id,
                "name": name,
                "default_currency": "EUR",
                "locale": "en_US",
                "lang": 1,
                "email": email,
                "phone": None,
                "activated": True,
                "last_login": "2026-11-20 08:00:00",
                "created": "2024-01-15 09:00:00",
                "modified": "2026-11-20 08:00:00",
                "has_created_company": False,
                "access": [{"app": "sales", "admin": is_admin, "permission_set_id": "standin-set"}],
                "active_flag": active,
                "timezone_name": "Europe/Vienna",
                "timezone_offset": "+01:00",
                "role_id": 1,
                "icon_url": None,
                "is_you": not self.users,
                "is_admin": 1 if is_admin else 0,
                "is_deleted": False,
            }
        )

    def add_team(
        self, team_id: int, *, name: str, manager_id: str, user_ids: Iterable[str], active: bool = True
    ) -> None:
        self.teams.append(
            {
                "id": team_id,
                "name": name,
                "description": None,
                "manager_id": manager_id,
                "users": list(user_ids),
                "active_flag": 1 if active else 0,
                "deleted_flag": 0,
                "add_time": "2024-01-15 09:00:00",
                "created_by_user_id": manager_id,
            }
        )

    def add_activity(
        self,
        activity_id: int,
        *,
        owner_id: str | None,
        deal_id: int | None,
        kind: str,
        subject: str,
        due: datetime,
        done_at: datetime | None,
        added: datetime | None = None,
    ) -> None:
        self.activities[activity_id] = {
            "id": activity_id,
            "subject": subject,
            "type": kind,
            "owner_id": owner_id,
            "creator_user_id": owner_id,
            "is_deleted": False,
            "add_time": rfc3339(added or due),
            "update_time": rfc3339(done_at or added or due),
            "deal_id": deal_id,
            "lead_id": None,
            "person_id": None,
            "org_id": None,
            "project_id": None,
            "due_date": due.date().isoformat(),
            "due_time": None,
            "duration": None,
            "busy": False,
            "done": done_at is not None,
            "marked_as_done_time": rfc3339(done_at),
            "location": None,
            "participants": [],
            "attendees": [],
            "public_description": None,
            "priority": None,
            "note": None,
        }


def number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)
