"""The org the Salesforce stand-in (tests/fakes/salesforce.py) serves: users, opportunities with their
stages, tasks and events, loaded from a World or added one by one; and what a SOQL query of the shapes
the connector sends reads from them (the rows, the fields each object has, each record as returned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tests.contract.world import World

Json = Any
SFDATETIME = "%Y-%m-%dT%H:%M:%S.000+0000"
TASK_SUBTYPES = {"call": "Call", "email": "Email"}

SOQL_DATE = r"\d{4}-\d{2}-\d{2}"
SOQL_DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"
SOQL_OWNERS = r"(?: AND OwnerId IN \((?P<owners>'[^']*'(?:, '[^']*')*)\))?"
SOQL_SELECT = re.compile(
    r"^SELECT (?P<fields>[\w.]+(?:, [\w.]+)*) FROM (?P<object>\w+)(?: WHERE (?P<where>.+))?$"
)
SOQL_WHERE: dict[str, re.Pattern[str] | None] = {
    "User": re.compile(r"^IsActive = true$"),
    "Organization": None,
    "OpportunityStage": None,
    "Opportunity": re.compile(
        rf"^\(IsClosed = false OR CloseDate >= (?P<closed_since>{SOQL_DATE})\){SOQL_OWNERS}$"
    ),
    "Task": re.compile(
        rf"^IsClosed = true AND \(ActivityDate >= (?P<since_day>{SOQL_DATE}) OR "
        rf"\(ActivityDate = null AND CreatedDate >= (?P<since>{SOQL_DATETIME})\)\){SOQL_OWNERS}$"
    ),
    "Event": re.compile(rf"^StartDateTime >= (?P<since>{SOQL_DATETIME}){SOQL_OWNERS}$"),
}
# Incremental reads: records modified since a moment, deleted ones included when asked through queryAll.
SOQL_CHANGED = re.compile(rf"^SystemModstamp > (?P<since>{SOQL_DATETIME})$")
UNCHANGED_SINCE = "2000-01-01T00:00:00.000+0000"  # loaded records: last modified before any read


@dataclass
class SalesforceOrg:
    """The org's records, as the stand-in's tests set them up and change them."""

    multi_currency: bool = False
    org_currency: str = "EUR"
    users: list[dict[str, Json]] = field(default_factory=list)
    opportunities: list[dict[str, Json]] = field(default_factory=list)
    tasks: list[dict[str, Json]] = field(default_factory=list)
    events: list[dict[str, Json]] = field(default_factory=list)
    stages: list[dict[str, Json]] = field(default_factory=list)  # OpportunityStage rows

    def load_world(self, world: World) -> None:
        for owner in world.owners:
            self.add_user(owner.crm_id, email=owner.email, name=owner.name, manager_id=owner.manager_crm_id)
        # The org's sales process: the world's stages, then the closed ones and a retired one. Listed
        # against SortOrder, so that only SortOrder tells the order.
        stages = [(label, False, True) for label in world.stages]
        stages += [
            ("Closed Won", True, True),
            ("Closed Lost", True, True),
            ("Id. Decision Makers", False, False),
        ]
        for order, (label, closed, active) in reversed(list(enumerate(stages, start=1))):
            self.stages.append(
                {
                    "Id": f"01J{order:015d}",
                    "ApiName": label,
                    "MasterLabel": label,
                    "SortOrder": order,
                    "IsClosed": closed,
                    "IsWon": label == "Closed Won",
                    "IsActive": active,
                }
            )
        for deal in world.deals:
            self.opportunities.append(
                {
                    "Id": deal.deal_id,
                    "Name": deal.name,
                    "OwnerId": deal.owner_id,
                    "Amount": deal.amount,
                    "CurrencyIsoCode": deal.currency,
                    "IsClosed": deal.status != "open",
                    "IsWon": deal.status == "won",
                    "StageName": deal.stage or ("Closed Won" if deal.status == "won" else "Closed Lost"),
                    "CloseDate": deal.close_date.isoformat() if deal.close_date else None,
                    "NextStep": deal.next_step,
                    "CreatedDate": deal.created_at.strftime(SFDATETIME),
                    "LastActivityDate": deal.last_activity_at.date().isoformat()
                    if deal.last_activity_at
                    else None,
                }
            )
        for activity in world.activities:
            what = what_of(activity.deal_id)
            if activity.kind == "meeting":
                self.events.append(
                    {
                        "Id": activity.activity_id,
                        "OwnerId": activity.owner_id,
                        **what,
                        "StartDateTime": activity.occurred_at.strftime(SFDATETIME),
                    }
                )
            else:
                self.add_task(
                    activity.activity_id,
                    owner_id=activity.owner_id,
                    deal_id=activity.deal_id,
                    day=activity.occurred_at.date(),
                    created=activity.occurred_at,
                    subtype=TASK_SUBTYPES.get(activity.kind, "Task"),
                )
        for task in world.open_tasks:  # open and overdue: not an activity
            self.add_task(
                task.activity_id,
                owner_id=task.owner_id,
                deal_id=task.deal_id,
                day=task.occurred_at.date(),
                created=task.occurred_at,
                closed=False,
            )

    def add_user(
        self, user_id: str, *, email: str, name: str, manager_id: str | None = None, active: bool = True
    ) -> None:
        self.users.append(
            {"Id": user_id, "Email": email, "Name": name, "ManagerId": manager_id, "IsActive": active}
        )

    def add_task(
        self,
        task_id: str,
        *,
        owner_id: str | None,
        deal_id: str | None,
        day: date | None,
        created: datetime,
        subtype: str = "Task",
        closed: bool = True,
        what_type: str = "Opportunity",
    ) -> None:
        """A task; deal_id names its WhatId, which what_type says may be an Account or Case instead."""
        self.tasks.append(
            {
                "Id": task_id,
                "OwnerId": owner_id,
                **what_of(deal_id, what_type),
                "ActivityDate": day.isoformat() if day else None,
                "CreatedDate": created.strftime(SFDATETIME),
                "TaskSubtype": subtype,
                "IsClosed": closed,
            }
        )

    def change(self, entity: str, record_id: str, *, at: datetime, **fields: Json) -> None:
        """Edit a record as a user would: the fields change and SystemModstamp becomes `at`."""
        row = next(r for r in self.table(entity) if r["Id"] == record_id)
        row.update(fields, SystemModstamp=at.strftime(SFDATETIME))

    def delete(self, entity: str, record_id: str, *, at: datetime) -> None:
        """Move a record to the recycle bin: only queryAll still returns it, with IsDeleted = true."""
        self.change(entity, record_id, at=at, IsDeleted=True)

    def table(self, entity: str) -> list[dict[str, Json]]:
        return {"Opportunity": self.opportunities, "Task": self.tasks, "Event": self.events}[entity]

    def fields_of(self, entity: str) -> set[str]:
        columns = {
            "User": {"Id", "Email", "Name", "ManagerId", "IsActive"},
            "Organization": {"Id", "Name", "DefaultCurrencyIsoCode"},
            "OpportunityStage": {
                "Id",
                "ApiName",
                "MasterLabel",
                "SortOrder",
                "IsClosed",
                "IsWon",
                "IsActive",
            },
            "Opportunity": {
                *("Id", "Name", "OwnerId", "Amount", "IsClosed", "IsWon", "CloseDate", "NextStep"),
                *("CreatedDate", "LastActivityDate", "SystemModstamp", "IsDeleted", "StageName"),
                *(("CurrencyIsoCode",) if self.multi_currency else ()),
            },
            "Task": {
                "Id",
                "OwnerId",
                "WhatId",
                "What",
                "ActivityDate",
                "CreatedDate",
                "TaskSubtype",
                "IsClosed",
                "SystemModstamp",
                "IsDeleted",
            },
            "Event": {"Id", "OwnerId", "WhatId", "What", "StartDateTime", "SystemModstamp", "IsDeleted"},
        }
        return columns[entity]

    def rows_of(self, entity: str, condition: re.Match[str] | None) -> list[dict[str, Json]]:
        owners = owner_ids(condition)
        if entity == "Organization":
            return [
                {
                    "Id": "00DSTANDIN0000001",
                    "Name": "Stand-in Org",
                    "DefaultCurrencyIsoCode": self.org_currency,
                }
            ]
        if entity == "User":
            return [user for user in self.users if user["IsActive"]]
        if entity == "OpportunityStage":
            return list(self.stages)
        assert condition is not None
        if entity == "Opportunity":
            since = condition.group("closed_since")
            rows = [
                {key: value for key, value in row.items() if key != "CurrencyIsoCode" or self.multi_currency}
                for row in self.opportunities
                if not row["IsClosed"] or (row["CloseDate"] is not None and row["CloseDate"] >= since)
            ]
        elif entity == "Task":
            since_day, since = condition.group("since_day"), parse_time(condition.group("since"))
            rows = [
                row
                for row in self.tasks
                if row["IsClosed"]
                and (
                    (row["ActivityDate"] is not None and row["ActivityDate"] >= since_day)
                    or (row["ActivityDate"] is None and parse_time(row["CreatedDate"]) >= since)
                )
            ]
        else:
            since = parse_time(condition.group("since"))
            rows = [row for row in self.events if parse_time(row["StartDateTime"]) >= since]
        return [row for row in rows if owners is None or row["OwnerId"] in owners]


def record_of(entity: str, row: dict[str, Json], fields: list[str], version_path: str) -> dict[str, Json]:
    record: dict[str, Json] = {
        "attributes": {"type": entity, "url": f"{version_path}sobjects/{entity}/{row['Id']}"}
    }
    for name in fields:
        if name == "What.Type":
            record["What"] = row.get("What")
        elif name == "IsDeleted":
            record[name] = bool(row.get(name))
        elif name == "SystemModstamp":
            record[name] = row.get(name) or UNCHANGED_SINCE
        else:
            record[name] = row.get(name)
    return record


def what_of(what_id: str | None, what_type: str = "Opportunity") -> dict[str, Json]:
    if what_id is None:
        return {"WhatId": None, "What": None}
    return {
        "WhatId": what_id,
        "What": {
            # A polymorphic lookup comes back as a "Name" record that tells the real type.
            "attributes": {"type": "Name", "url": f"/services/data/v62.0/sobjects/{what_type}/{what_id}"},
            "Type": what_type,
        },
    }


def owner_ids(condition: re.Match[str] | None) -> set[str] | None:
    if condition is None or "owners" not in condition.groupdict() or condition.group("owners") is None:
        return None
    return set(re.findall(r"'([^']*)'", condition.group("owners")))


def parse_time(value: str) -> datetime:
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return datetime.strptime(value, SFDATETIME).replace(tzinfo=UTC)
