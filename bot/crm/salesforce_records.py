"""Salesforce records as CRM Coach models, and the SOQL text the connector sends.

Query results look like {"totalSize": 3, "done": false, "nextRecordsUrl": "/services/data/v62.0/query/
01g…-2000", "records": [{"attributes": {"type": "Opportunity", "url": "…"}, "Id": "006…", …}]}.
Anything of another shape becomes a CRMUnavailableError rather than a KeyError deep in the coach.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from bot.crm.base import (
    ActivityRecord,
    CRMUnavailableError,
    DealRecord,
    DealStage,
    DealStatus,
    Owner,
    currency_code,
)

T = TypeVar("T")
Record = dict[str, Any]

# Beyond this many owners an `OwnerId IN (...)` list makes the query URL too long; fetch all, filter here.
MAX_OWNER_IDS_IN_QUERY = 200
TASK_KINDS = {"Call": "call", "Email": "email", "ListEmail": "email"}
UNREADABLE = "Salesforce sent an answer CRM Coach could not read; please try again later."


# --- reading records -----------------------------------------------------------------------------
def records_of(result: Any) -> list[Record]:
    records = result.get("records") if isinstance(result, dict) else None
    if not isinstance(records, list):
        raise CRMUnavailableError(
            UNREADABLE,
            detail=f"query result without a records list: {str(result)[:200]}",
        )
    return records


def subresponses(answer: Any, *, expected: set[str]) -> list[tuple[str, int, Any]]:
    try:
        parts = [
            (str(p["referenceId"]), int(p["httpStatusCode"]), p["body"]) for p in answer["compositeResponse"]
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise CRMUnavailableError(
            UNREADABLE,
            detail=f"composite response of an unexpected shape: {error!r}",
        ) from error
    if {ref for ref, _, _ in parts} - expected:
        raise CRMUnavailableError(
            UNREADABLE,
            detail=f"composite response with unknown referenceIds: {[ref for ref, _, _ in parts]}",
        )
    return parts


def next_records_url(result: Record) -> str:
    url = result.get("nextRecordsUrl")
    if not isinstance(url, str) or not url.startswith("/services/data/"):
        raise CRMUnavailableError(
            UNREADABLE,
            detail=f"unfinished query result without a usable nextRecordsUrl: {url!r}",
        )
    return url


def parsed(records: list[Record], convert: Callable[[Record], T]) -> list[T]:
    try:
        return [convert(record) for record in records]
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise CRMUnavailableError(
            "Salesforce sent records CRM Coach could not read; please try again later.",
            detail=f"unreadable record: {error!r}",
        ) from error


def owner_from(record: Record) -> Owner:
    return Owner(
        crm_id=record["Id"],
        email=record["Email"] or "",
        name=record["Name"] or "",
        manager_crm_id=record["ManagerId"] or None,
    )


def deal_from(record: Record, *, default_currency: str) -> DealRecord:
    status: DealStatus = "open" if not record["IsClosed"] else ("won" if record["IsWon"] else "lost")
    close_date = _date(record["CloseDate"])
    last_activity = _date(record["LastActivityDate"])
    amount = record["Amount"]
    return DealRecord(
        deal_id=record["Id"],
        name=record["Name"] or "",
        owner_id=record["OwnerId"],
        amount=Decimal(amount) if amount is not None else Decimal(0),
        currency=currency_code(record.get("CurrencyIsoCode"), default_currency),
        status=status,
        close_date=close_date,
        next_step=record["NextStep"],
        created_at=_datetime(record["CreatedDate"]),
        last_activity_at=_midnight(last_activity) if last_activity else None,
        closed_at=_midnight(close_date) if status != "open" and close_date else None,
        stage=record.get("StageName") or None,
    )


def stages_from(records: list[Record]) -> list[DealStage]:
    """OpportunityStage rows by SortOrder. StageName holds a stage's ApiName (the picklist value);
    MasterLabel is what Salesforce shows. Closed and inactive stages list only while deals sit in them."""
    ordered = sorted(records, key=lambda record: (record.get("SortOrder") or 0, record["ApiName"]))
    return [
        DealStage(
            stage_id=record["ApiName"],
            label=record.get("MasterLabel") or record["ApiName"],
            for_open_deals=not record.get("IsClosed") and record.get("IsActive", True) is not False,
        )
        for record in ordered
    ]


def task_from(record: Record) -> ActivityRecord:
    day = _date(record["ActivityDate"])
    return ActivityRecord(
        activity_id=record["Id"],
        owner_id=record["OwnerId"],
        occurred_at=_midnight(day) if day else _datetime(record["CreatedDate"]),
        deal_id=_deal_id(record),
        kind=TASK_KINDS.get(record.get("TaskSubtype") or "", "task"),
    )


def event_from(record: Record) -> ActivityRecord:
    return ActivityRecord(
        activity_id=record["Id"],
        owner_id=record["OwnerId"],
        occurred_at=_datetime(record["StartDateTime"]),
        deal_id=_deal_id(record),
        kind="meeting",
    )


def _deal_id(record: Record) -> str | None:
    what = record.get("What")
    # WhatId may name an account or a case as well; only opportunities are deals.
    is_deal = isinstance(what, dict) and what.get("Type") == "Opportunity"
    return str(record["WhatId"]) if is_deal and record.get("WhatId") else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: str) -> datetime:
    # Salesforce writes e.g. 2026-11-16T09:30:00.000+0000.
    return utc(datetime.fromisoformat(value))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: CRM times must be timezone-aware")
    return moment.astimezone(UTC)


# --- writing SOQL -------------------------------------------------------------------------------
def soql(fields: str, entity: str, where: str | None = None) -> str:
    # Built from this module's constants, formatted dates and _soql_string-quoted ids only.
    return f"SELECT {fields} FROM {entity}" + (f" WHERE {where}" if where else "")  # noqa: S608


def soql_datetime(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _soql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def owner_filter(owner_ids: Sequence[str] | None) -> str:
    if owner_ids is None or len(owner_ids) > MAX_OWNER_IDS_IN_QUERY:
        return ""
    return f" AND OwnerId IN ({', '.join(_soql_string(owner_id) for owner_id in owner_ids)})"


_Owned = TypeVar("_Owned", DealRecord, ActivityRecord)


def owned_by(items: list[_Owned], owner_ids: Sequence[str] | None) -> list[_Owned]:
    """Only these owners' records: needed when the list was too long to filter in the query."""
    if owner_ids is None or len(owner_ids) <= MAX_OWNER_IDS_IN_QUERY:
        return items
    wanted = set(owner_ids)
    return [item for item in items if item.owner_id in wanted]
