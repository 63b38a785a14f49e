"""HubSpot records (owners, deals, engagements) turned into CRM Coach's models.

HubSpot sends every property as a string or null: amounts may be "" or null, dates come as ISO date-times
("2026-11-23T09:30:00.000Z"), sometimes as plain dates or epoch milliseconds. Everything here is lenient
about those shapes; see bot/crm/hubspot.py for how teams and managers are derived.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.crm.base import (
    ActivityRecord,
    CRMUnavailableError,
    DealRecord,
    DealStage,
    DealStatus,
    Owner,
    currency_code,
)

log = logging.getLogger(__name__)

DEAL_PROPERTIES = (
    "dealname",
    "amount",
    "deal_currency_code",
    "dealstage",
    "closedate",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_next_step",
    "createdate",
    "notes_last_updated",  # "Last activity date"
    "hubspot_owner_id",
    "hs_lastmodifieddate",
)
# hs_timestamp is when a call, meeting or e-mail happened; for a task HubSpot stores its due date there.
# Only completed tasks are activities (an overdue open task is planned work, as in the other CRMs), and
# they count when they were completed (hs_task_completion_date), or, lacking that, by their due date.
ACTIVITY_PROPERTIES = ("hs_timestamp", "hubspot_owner_id")
TASK_PROPERTIES = (*ACTIVITY_PROPERTIES, "hs_task_status", "hs_task_completion_date")
TASK_DONE = "COMPLETED"
# Engagement object types searched for activities, and the kind each one becomes.
ACTIVITY_OBJECTS = (("calls", "call"), ("meetings", "meeting"), ("emails", "email"), ("tasks", "task"))
# Stage ids of HubSpot's default pipeline, used only when hs_is_closed is missing (very old portals).
CLOSED_STAGES: Mapping[str, DealStatus] = {"closedwon": "won", "closedlost": "lost"}
EPOCH_MS_DIGITS = 10  # a string of at least this many digits is epoch milliseconds, not a year


def parse_datetime(value: Any) -> datetime | None:
    """An aware UTC datetime from HubSpot's ISO date-time, ISO date or epoch-milliseconds strings."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit() and len(text) >= EPOCH_MS_DIGITS:
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        log.warning("HubSpot sent an unreadable date %r; ignoring it", text)
        return None
    if parsed.tzinfo is None:  # a plain date ("2026-12-01") or a naive time: HubSpot stores UTC
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_amount(value: Any) -> Decimal:
    """Deal amounts are optional in HubSpot: "" and null count as 0."""
    text = str(value).strip() if value is not None else ""
    if not text:
        return Decimal(0)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        log.warning("HubSpot sent an unreadable deal amount %r; counting it as 0", text)
        return Decimal(0)
    return amount if amount.is_finite() else Decimal(0)


def _flag(value: Any) -> bool | None:
    if value is None or str(value).strip() == "":
        return None
    return str(value).strip().lower() == "true"


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def owners_from_hubspot(rows: Iterable[Mapping[str, Any]]) -> list[Owner]:
    """Active people (not queues); manager = lead of their main team (see bot/crm/hubspot.py).

    An owner without an e-mail address still owns deals and belongs to a team, so they stay: dropping
    them would drop their deals from their manager's numbers. They get "" as e-mail (never matched).
    """
    people = [
        row
        for row in rows
        if not row.get("archived") and row.get("id") is not None and row.get("type", "PERSON") == "PERSON"
    ]
    leads_by_team: dict[str, set[str]] = defaultdict(set)
    for row in people:
        for team in row.get("teams") or []:
            if not team.get("primary") and team.get("id") is not None:
                leads_by_team[str(team["id"])].add(str(row["id"]))
    owners = []
    for row in people:
        owner_id = str(row["id"])
        main_team = next((team for team in row.get("teams") or [] if team.get("primary")), None)
        manager_id = None
        if main_team is not None:
            leads = leads_by_team.get(str(main_team.get("id")), set()) - {owner_id}
            if len(leads) == 1:
                manager_id = next(iter(leads))
            elif len(leads) > 1:
                log.warning(
                    "HubSpot team %r has %d additional members, so its lead is unclear; "
                    "list its members in the roster CSV",
                    main_team.get("name"),
                    len(leads),
                )
        name = " ".join(part for part in (_text(row.get("firstName")), _text(row.get("lastName"))) if part)
        email = _text(row.get("email")) or ""
        owners.append(
            Owner(
                crm_id=owner_id,
                email=email,
                name=name or email or f"Owner {owner_id}",
                manager_crm_id=manager_id,
            )
        )
    return owners


def names_currency(row: Mapping[str, Any]) -> bool:
    """Whether the deal has its own currency code: single-currency portals, and deals created before
    multi-currency was turned on, leave deal_currency_code empty (the company currency applies)."""
    props: Mapping[str, Any] = row.get("properties") or {}
    return bool(_text(props.get("deal_currency_code")))


def deal_from_hubspot(row: Mapping[str, Any], *, company_currency: str) -> DealRecord:
    props: Mapping[str, Any] = row.get("properties") or {}
    deal_id = str(row.get("id") or props.get("hs_object_id"))
    created_at = parse_datetime(props.get("createdate")) or parse_datetime(row.get("createdAt"))
    if created_at is None:
        raise CRMUnavailableError(
            "HubSpot sent a deal CRM Coach could not read; try again in a few minutes.",
            detail=f"deal {deal_id} has no createdate",
        )
    closedate = parse_datetime(props.get("closedate"))
    status = _status(props)
    return DealRecord(
        deal_id=deal_id,
        name=_text(props.get("dealname")) or f"Deal {deal_id}",
        owner_id=_text(props.get("hubspot_owner_id")),
        amount=parse_amount(props.get("amount")),
        currency=currency_code(props.get("deal_currency_code"), company_currency),
        status=status,
        # For open deals closedate is the expected close date; HubSpot sets it to the actual date on closing.
        close_date=closedate.date() if closedate is not None else None,
        next_step=_text(props.get("hs_next_step")),
        created_at=created_at,
        last_activity_at=parse_datetime(props.get("notes_last_updated")),
        closed_at=closedate if status != "open" else None,
        stage=_text(props.get("dealstage")),
    )


def stages_from_hubspot(page: Mapping[str, Any]) -> list[DealStage]:
    """The deal stages of GET /crm/v3/pipelines/deals: pipelines by displayOrder (ties by label, as
    HubSpot lists them), each pipeline's stages by displayOrder. metadata.isClosed is a string."""

    def order(item: Mapping[str, Any]) -> tuple[int, str]:
        return int(item.get("displayOrder") or 0), str(item.get("label") or "")

    stages: list[DealStage] = []
    for pipeline in sorted(page.get("results") or [], key=order):
        retired = bool(pipeline.get("archived"))
        for stage in sorted(pipeline.get("stages") or [], key=order):
            metadata: Mapping[str, Any] = stage.get("metadata") or {}
            closed = _flag(metadata.get("isClosed")) or False
            stages.append(
                DealStage(
                    stage_id=str(stage.get("id")),
                    label=_text(stage.get("label")) or str(stage.get("id")),
                    for_open_deals=not (closed or retired or stage.get("archived")),
                )
            )
    return stages


def _status(props: Mapping[str, Any]) -> DealStatus:
    closed = _flag(props.get("hs_is_closed"))
    if closed is None:
        return CLOSED_STAGES.get(str(props.get("dealstage") or "").lower(), "open")
    if not closed:
        return "open"
    return "won" if _flag(props.get("hs_is_closed_won")) else "lost"


def activity_from_hubspot(row: Mapping[str, Any], kind: str) -> ActivityRecord | None:
    props: Mapping[str, Any] = row.get("properties") or {}
    occurred_at = parse_datetime(props.get("hs_timestamp"))
    if kind == "task":
        if str(props.get("hs_task_status") or "").upper() != TASK_DONE:
            return None  # still open: planned, not done
        occurred_at = parse_datetime(props.get("hs_task_completion_date")) or occurred_at
    if occurred_at is None:
        return None  # an engagement without a time cannot be placed in the 7-day window
    return ActivityRecord(
        activity_id=str(row.get("id")),
        owner_id=_text(props.get("hubspot_owner_id")),
        occurred_at=occurred_at,
        kind=kind,
    )
