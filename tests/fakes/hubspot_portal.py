"""The portal the HubSpot stand-in (tests/fakes/hubspot.py) serves: owners with their teams, CRM objects
(deals and activities) with HubSpot's string properties, the deal pipelines and the account's settings,
loaded from a World or added one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Self

from tests.contract.world import World
from tests.fakes.hubspot_pipelines import pipeline_of, stage_id, world_pipelines

LEADERSHIP_TEAM = {"id": "1", "name": "Sales leadership"}
ACTIVITY_OBJECT_BY_KIND = {"call": "calls", "meeting": "meetings", "email": "emails", "task": "tasks"}
ALL_SCOPES = frozenset(
    {"crm.objects.owners.read", "crm.objects.deals.read", "crm.objects.contacts.read", "sales-email-read"}
)


@dataclass(slots=True)
class HubSpotPortal:
    """The portal's records and settings, as the stand-in's tests set them up and change them."""

    owners: list[dict[str, Any]] = field(default_factory=list)
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    granted_scopes: set[str] = field(default_factory=lambda: set(ALL_SCOPES))  # the app's, in this portal
    search_result_cap: int = 10_000
    # The account's company currency (Settings → Account defaults → Currency): a deal whose
    # deal_currency_code is empty is in it.
    company_currency: str = "EUR"
    # GET /crm/v3/pipelines/deals results (tests/fakes/hubspot_pipelines.py)
    pipelines: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_world(cls, world: World, *, leads_as_additional_members: bool = True, **kwargs: Any) -> Self:
        """The world as a HubSpot portal. Each manager leads a team "<name>'s team" that their reports
        have as main team; with leads_as_additional_members the manager is also an additional member
        of it (the convention the connector reads), otherwise HubSpot alone does not say who leads it."""
        standin = cls(**kwargs)
        standin.pipelines = world_pipelines(world.stages)
        by_id = {o.crm_id: o for o in world.owners}
        leads = sorted({o.manager_crm_id for o in world.owners if o.manager_crm_id})
        team_of_lead = {
            lead: {"id": str(100 + i), "name": f"{by_id[lead].name}'s team"} for i, lead in enumerate(leads)
        }
        for owner in world.owners:
            main = team_of_lead.get(owner.manager_crm_id or "", LEADERSHIP_TEAM)
            teams = [{**main, "primary": True}]
            if leads_as_additional_members and owner.crm_id in team_of_lead:
                teams.append({**team_of_lead[owner.crm_id], "primary": False})
            first, _, last = owner.name.partition(" ")
            standin.add_owner(
                owner.crm_id, email=owner.email or None, first_name=first, last_name=last, teams=teams
            )
        for deal in world.deals:
            closed = deal.status != "open"
            closedate = deal.closed_at if closed else midnight(deal.close_date)
            stage = (
                stage_id(world.stages, deal.stage, int(deal.deal_id))
                if deal.stage is not None
                else {"open": "presentationscheduled", "won": "closedwon", "lost": "closedlost"}[deal.status]
            )
            standin.add_object(
                "deals",
                deal.deal_id,
                {
                    "dealname": deal.name,
                    "amount": str(deal.amount),
                    "deal_currency_code": deal.currency,
                    "dealstage": stage,
                    "pipeline": pipeline_of(stage),
                    "closedate": iso(closedate),
                    "hs_is_closed": "true" if closed else "false",
                    "hs_is_closed_won": "true" if deal.status == "won" else "false",
                    "hs_next_step": deal.next_step,
                    "createdate": iso(deal.created_at),
                    "notes_last_updated": iso(deal.last_activity_at),
                    "hubspot_owner_id": deal.owner_id,
                    "hs_lastmodifieddate": iso(deal.closed_at or deal.last_activity_at or deal.created_at),
                },
            )
        # HubSpot numbers records itself (and the world's activity ids are not unique).
        done = [(activity, True) for activity in world.activities]
        for number, (activity, completed) in enumerate([*done, *((t, False) for t in world.open_tasks)], 1):
            properties = {
                "hs_timestamp": iso(activity.occurred_at),
                "hubspot_owner_id": activity.owner_id,
                "createdate": iso(activity.occurred_at),
                "hs_lastmodifieddate": iso(activity.occurred_at),
            }
            if activity.kind == "task":  # for a task, hs_timestamp is its due date
                properties["hs_task_status"] = "COMPLETED" if completed else "NOT_STARTED"
                properties["hs_task_completion_date"] = iso(activity.occurred_at) if completed else None
            standin.add_object(ACTIVITY_OBJECT_BY_KIND[activity.kind], str(number), properties)
        return standin

    def add_owner(
        self,
        owner_id: str,
        *,
        email: str | None,
        first_name: str | None,
        last_name: str | None,
        teams: list[dict[str, Any]] | None = None,
        archived: bool = False,
        kind: str = "PERSON",
    ) -> None:
        self.owners.append(
            {
                "id": owner_id,
                "email": email,
                "type": kind,
                "firstName": first_name,
                "lastName": last_name,
                "userId": 9_000_000 + len(self.owners) + 1,
                "createdAt": "2024-01-02T08:00:00.000Z",
                "updatedAt": "2026-01-02T08:00:00.000Z",
                "archived": archived,
                "teams": teams or [],
            }
        )

    def add_object(self, object_type: str, object_id: str, properties: dict[str, Any]) -> None:
        created = properties.get("createdate") or "2026-01-01T00:00:00.000Z"
        self.objects.setdefault(object_type, {})[object_id] = {
            "id": object_id,
            "properties": {**properties, "hs_object_id": object_id},
            "createdAt": created,
            "updatedAt": properties.get("hs_lastmodifieddate") or created,
            "archived": False,
        }

    def change(self, object_type: str, object_id: str, *, at: datetime, **properties: Any) -> None:
        """Edit a record as a user would: properties change, hs_lastmodifieddate becomes `at`."""
        record = self.objects[object_type][object_id]
        record["properties"].update(properties, hs_lastmodifieddate=iso(at))
        record["updatedAt"] = iso(at)

    def archive(self, object_type: str, object_id: str, *, at: datetime) -> None:
        """Delete a record: search no longer finds it; the list with archived=true shows it for 90 days."""
        record = self.objects[object_type][object_id]
        record.update(archived=True, archivedAt=iso(at), updatedAt=iso(at))


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day is not None else None
