"""What the Pipedrive stand-in (tests/fakes/pipedrive.py) answers on each path it serves: v1 users and
legacy teams, v2 deals, activities and stages with their filters, sorting and cursor pagination.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime
from typing import Any

from tests.fakes.pipedrive_data import PipedriveAccount, rfc3339

MAX_LIMIT = 500
MAX_IDS = 100
DEAL_STATUSES = {"open", "won", "lost", "deleted"}
DEAL_INCLUDE_FIELDS = {"next_activity_id", "last_activity_id", "activities_count", "done_activities_count"}
# The documented sort fields of each v2 list (default: id, ascending).
SORT_FIELDS = {
    "/api/v2/deals": ("id", "update_time", "add_time"),
    "/api/v2/activities": ("id", "update_time", "add_time", "due_date"),
    "/api/v2/stages": ("id", "update_time", "add_time", "order_nr"),
}
TEAMS_USERS = re.compile(r"^/api/v1/legacyTeams/(\d+)/users$")


class ValidationError(ValueError):
    """A query parameter Pipedrive would refuse (400)."""


class NotFoundError(LookupError):
    """An unknown path or record (404)."""


def answer(account: PipedriveAccount, path: str, query: dict[str, str]) -> dict[str, Any]:
    """The answer's data (and additional_data) for a GET of `path`; raises ValidationError (400) or
    NotFoundError (404)."""
    if match := TEAMS_USERS.match(path):
        team = next((t for t in account.teams if t["id"] == int(match.group(1))), None)
        if team is None:
            raise NotFoundError("Team not found")
        return {"data": team["users"]}
    if path == "/api/v1/users":
        return {"data": account.users}
    if path == "/api/v1/legacyTeams":
        return {"data": _teams(account, query)}
    if path == "/api/v2/deals":
        return _page(_deals(account, query), query, sort_fields=SORT_FIELDS[path])
    if path == "/api/v2/activities":
        return _page(_activities(account, query), query, sort_fields=SORT_FIELDS[path])
    if path == "/api/v2/stages":
        pipeline = query.get("pipeline_id")
        stages = [dict(s) for s in account.stages.values() if pipeline in (None, str(s["pipeline_id"]))]
        return _page(stages, query, sort_fields=SORT_FIELDS[path])
    raise NotFoundError("Unknown method .")


def _teams(account: PipedriveAccount, query: dict[str, str]) -> list[dict[str, Any]]:
    skip = query.get("skip_users") == "1" or not account.teams_list_users
    return [{k: v for k, v in t.items() if not (skip and k == "users")} for t in account.teams]


def _deals(account: PipedriveAccount, query: dict[str, str]) -> list[dict[str, Any]]:
    statuses = set(_csv(query.get("status"))) or {"open", "won", "lost"}
    if not statuses <= DEAL_STATUSES:
        raise ValidationError(f"status: must be one of {sorted(DEAL_STATUSES)}")
    include = set(_csv(query.get("include_fields")))
    if not include <= DEAL_INCLUDE_FIELDS:
        raise ValidationError(f"include_fields: unknown {sorted(include - DEAL_INCLUDE_FIELDS)}")
    since, until = _since(query, "updated_since"), _since(query, "updated_until")
    ids = _ids(query)
    last, upcoming = _linked_activities(account)
    result = []
    for deal in account.deals.values():
        if deal["status"] not in statuses or ("owner_id" in query and deal["owner_id"] != query["owner_id"]):
            continue
        if (since and deal["update_time"] < since) or (until and deal["update_time"] >= until):
            continue
        if ids is not None and deal["id"] not in ids:
            continue
        item = dict(deal)
        if "last_activity_id" in include:
            item["last_activity_id"] = last.get(deal["id"])
        if "next_activity_id" in include:
            item["next_activity_id"] = upcoming.get(deal["id"])
        result.append(item)
    return result


def _activities(account: PipedriveAccount, query: dict[str, str]) -> list[dict[str, Any]]:
    done = query.get("done")
    if done not in (None, "true", "false"):
        raise ValidationError("done: must be true or false")
    since, until = _since(query, "updated_since"), _since(query, "updated_until")
    ids = _ids(query)
    return [
        dict(a)
        for a in account.activities.values()
        if not ("owner_id" in query and a["owner_id"] != query["owner_id"])
        and not ("deal_id" in query and str(a["deal_id"]) != query["deal_id"])
        and not (done is not None and a["done"] != (done == "true"))
        and not (since and a["update_time"] < since)
        and not (until and a["update_time"] >= until)
        and not (ids is not None and a["id"] not in ids)
    ]


def _linked_activities(account: PipedriveAccount) -> tuple[dict[int, int], dict[int, int]]:
    """Per deal: the last done activity (latest due date) and the next planned one (earliest)."""
    last: dict[int, tuple[str, int]] = {}
    upcoming: dict[int, tuple[str, int]] = {}
    for a in account.activities.values():
        if a["deal_id"] is None or a["is_deleted"]:
            continue
        key = (a["due_date"], a["id"])
        if a["done"] and key > last.get(a["deal_id"], ("", 0)):
            last[a["deal_id"]] = key
        elif not a["done"] and key < upcoming.get(a["deal_id"], ("9999", 0)):
            upcoming[a["deal_id"]] = key
    return {d: k[1] for d, k in last.items()}, {d: k[1] for d, k in upcoming.items()}


def _page(
    items: list[dict[str, Any]], query: dict[str, str], *, sort_fields: tuple[str, ...]
) -> dict[str, Any]:
    limit = _int(query.get("limit", "100"), "limit")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit: must be between 1 and {MAX_LIMIT}")
    sort_by = query.get("sort_by", "id")
    if sort_by not in sort_fields:
        raise ValidationError(f"sort_by: must be one of {list(sort_fields)}")
    direction = query.get("sort_direction", "asc")
    if direction not in ("asc", "desc"):
        raise ValidationError("sort_direction: must be asc or desc")
    descending = direction == "desc"

    def key(item: dict[str, Any]) -> list[Any]:
        # Ties (and missing values, which sort lowest) are ordered by id, so a cursor is exact.
        return [item["id"] if sort_by == "id" else item.get(sort_by) or "", item["id"]]

    after = _decode_cursor(query["cursor"]) if "cursor" in query else None
    ordered = sorted(
        (i for i in items if after is None or (key(i) < after if descending else key(i) > after)),
        key=key,
        reverse=descending,
    )
    page = ordered[:limit]
    more = len(ordered) > limit
    return {
        "data": page,
        "additional_data": {"next_cursor": _encode_cursor(key(page[-1])) if more else None},
    }


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{name}: must be an integer") from None


def _ids(query: dict[str, str]) -> set[int] | None:
    if "ids" not in query:
        return None
    ids = {_int(part, "ids") for part in _csv(query["ids"])}
    if len(ids) > MAX_IDS:
        raise ValidationError(f"ids: at most {MAX_IDS}")
    return ids


def _since(query: dict[str, str], name: str = "updated_since") -> str | None:
    """updated_since or updated_until as a comparable RFC 3339 string (stored times are Z-normalised)."""
    raw = query.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", raw):
        raise ValidationError(f"{name}: must be an RFC 3339 date-time")
    return rfc3339(datetime.fromisoformat(raw.replace("Z", "+00:00")))


def _encode_cursor(last_key: list[Any]) -> str:
    """Opaque to clients: the sort key (value, id) of the last item on the page."""
    return base64.urlsafe_b64encode(json.dumps({"after": last_key}).encode()).decode()


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"]
    except (ValueError, KeyError, TypeError):
        raise ValidationError("cursor: invalid") from None
    if not isinstance(after, list) or len(after) != 2:
        raise ValidationError("cursor: invalid")
    return after
