"""Mapping Pipedrive's API records onto CRM Coach's models (see bot/crm/pipedrive.py for the why)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from bot.crm.base import (
    DEFAULT_CURRENCY,
    ActivityRecord,
    CRMUnavailableError,
    DealRecord,
    DealStage,
    currency_code,
)

UNREADABLE = "Pipedrive sent data CRM Coach could not read. Please try again in a few minutes."


# --- mapping helpers ---------------------------------------------------------------------------
def _owner_filters(owner_ids: Sequence[str] | None) -> list[dict[str, str]]:
    """v2 lists filter on a single owner_id, so a team is one query per member; None means everyone."""
    if owner_ids is None:
        return [{}]
    return [{"owner_id": owner_id} for owner_id in dict.fromkeys(owner_ids)]


def _activity_records(done: Iterable[dict[str, Any]], *, since: datetime) -> list[ActivityRecord]:
    """Activities marked done since `since` (and, as a query with updated_since would, updated since)."""
    updated_since = _timestamp(_rfc3339(since))
    records: list[ActivityRecord] = []
    try:
        for raw in done:
            if raw.get("is_deleted") or raw.get("done") is not True:
                continue
            occurred = _timestamp(raw.get("marked_as_done_time")) or _due(raw)
            if occurred is None or occurred < since:
                continue  # updated recently, but done before the window
            updated = _timestamp(raw.get("update_time"))
            if updated is not None and updated_since is not None and updated < updated_since:
                continue  # read for the longer stale window only
            records.append(
                ActivityRecord(
                    activity_id=_id(raw["id"]),
                    owner_id=_id(raw["owner_id"]) if raw.get("owner_id") is not None else None,
                    occurred_at=occurred,
                    deal_id=_id(raw["deal_id"]) if raw.get("deal_id") is not None else None,
                    kind=str(raw.get("type") or "task"),
                )
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise CRMUnavailableError(UNREADABLE, detail=f"/api/v2/activities: {exc!r}") from None
    return records


def _ids_to_look_up(
    open_raw: Iterable[dict[str, Any]], known: dict[str, dict[str, Any]], *, stale_before: datetime | None
) -> set[str]:
    """Activity ids the open deals point to that no pass returned, where they can matter.

    With `stale_before`, `known` holds every done activity due since then: a missing last activity
    was due earlier, so only a deal created since then (not stale by its creation) needs its date.
    """
    wanted: set[str] = set()
    for raw in open_raw:
        if raw.get("next_activity_id") and _id(raw["next_activity_id"]) not in known:
            wanted.add(_id(raw["next_activity_id"]))
        last = raw.get("last_activity_id")
        if not last or _id(last) in known:
            continue
        created = _timestamp(raw["add_time"])
        if stale_before is None or created is None or created >= stale_before:
            wanted.add(_id(last))
    return wanted


def _deal(raw: dict[str, Any], linked: dict[str, dict[str, Any]]) -> DealRecord:
    status = raw["status"]
    if status not in ("open", "won", "lost"):
        raise ValueError(f"deal {raw.get('id')} has status {status!r}")
    last = linked.get(_id(raw["last_activity_id"])) if raw.get("last_activity_id") else None
    next_id = raw.get("next_activity_id")
    created = _timestamp(raw["add_time"])
    if created is None:
        raise ValueError(f"deal {raw.get('id')} has no add_time")
    return DealRecord(
        deal_id=_id(raw["id"]),
        name=str(raw.get("title") or ""),
        owner_id=_id(raw["owner_id"]) if raw.get("owner_id") is not None else None,
        amount=Decimal(str(raw.get("value") or 0)),
        currency=currency_code(raw.get("currency"), DEFAULT_CURRENCY),
        status=status,
        close_date=_date(raw.get("expected_close_date")),
        next_step=_next_step(linked.get(_id(next_id))) if next_id else None,
        created_at=created,
        last_activity_at=_due(last) if last else None,
        closed_at=_timestamp(raw.get("won_time") or raw.get("lost_time") or raw.get("close_time")),
        stage=_id(raw["stage_id"]) if raw.get("stage_id") is not None else None,
    )


def stages_from_pipedrive(raw_stages: Iterable[dict[str, Any]]) -> list[DealStage]:
    """GET /api/v2/stages items in pipeline order: by pipeline id, then order_nr within it. Pipelines
    have an order_nr of their own (0 the default pipeline), but only the pipelines list carries it: one
    more call per stats run, not made; by id, the oldest pipeline (usually the default) comes first.
    Won and lost are deal statuses in Pipedrive, not stages; a deleted stage is listed only while deals
    sit in it."""

    def place(raw: dict[str, Any]) -> tuple[int, int, int]:
        return int(raw.get("pipeline_id") or 0), int(raw.get("order_nr") or 0), int(raw["id"])

    return [
        DealStage(
            stage_id=_id(raw["id"]),
            label=str(raw.get("name") or raw["id"]),
            for_open_deals=not raw.get("is_deleted"),
        )
        for raw in sorted(raw_stages, key=place)
    ]


def _next_step(activity: dict[str, Any] | None) -> str:
    # A planned activity we cannot read (deleted meanwhile, not visible) still means a next step exists.
    if activity is None:
        return "Planned activity"
    return str(activity.get("subject") or activity.get("type") or "Planned activity")


def _id(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        raise TypeError(f"not an id: {value!r}")
    return str(value)


def _numeric_first(value: Any) -> tuple[int, int, str]:
    text = str(value)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _flag(value: Any) -> bool:
    """v1 flags are true/false or 1/0 (sometimes as strings)."""
    return value in (True, 1, "1", "true")


def _timestamp(value: Any) -> datetime | None:
    """v2 sends RFC 3339 ("2024-01-01T00:00:00Z"); v1 sent "2024-01-01 00:00:00" in UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _due(activity: dict[str, Any]) -> datetime | None:
    due = _date(activity.get("due_date"))
    return datetime.combine(due, time(), tzinfo=UTC) if due else None


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
