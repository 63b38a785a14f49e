"""What the HubSpot stand-in (tests/fakes/hubspot.py) answers on each path it serves: owners, objects
listed by id, the search endpoints with filterGroups, sorts and paging, the deal pipelines and the account
details, with HubSpot's scope errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tests.fakes.hubspot_portal import HubSpotPortal

MAX_SEARCH_PAGE = 200
MAX_OWNERS_PAGE = 500
MAX_LIST_PAGE = 100
SCOPE_BY_OBJECT = {
    "deals": "crm.objects.deals.read",
    "calls": "crm.objects.contacts.read",
    "meetings": "crm.objects.contacts.read",
    "emails": "crm.objects.contacts.read",
    "tasks": "crm.objects.contacts.read",
}
DATE_PROPERTIES = {
    "createdate",
    "closedate",
    "notes_last_updated",
    "hs_timestamp",
    "hs_lastmodifieddate",
    "hs_task_completion_date",
}
NUMBER_PROPERTIES = {"amount", "hs_object_id"}
ALWAYS_RETURNED = ("hs_object_id", "createdate", "hs_lastmodifieddate")


def answer(
    portal: HubSpotPortal, method: str, path: str, query: dict[str, str], body: Any
) -> tuple[int, dict[str, Any]]:
    """The status and JSON body HubSpot answers to an authenticated request."""
    if method == "GET" and path == "/crm/v3/owners":
        return _owners(portal, query)
    if method == "GET" and path in ("/account-info/v3/details", "/crm/v3/pipelines/deals"):
        return _settings(portal, path)
    parts = path.strip("/").split("/")
    if method == "GET" and len(parts) == 4 and parts[:3] == ["crm", "v3", "objects"]:
        return _list(portal, parts[3], query)
    if (
        method == "POST"
        and len(parts) == 5
        and parts[:3] == ["crm", "v3", "objects"]
        and parts[4] == "search"
    ):
        return _search(portal, parts[3], body)
    return 404, error("OBJECT_NOT_FOUND", f"Resource not found: {method} {path}")


def _settings(portal: HubSpotPortal, path: str) -> tuple[int, dict[str, Any]]:
    if path == "/account-info/v3/details":
        return 200, _account_details(portal)
    return _missing_scope(portal, "crm.objects.deals.read") or (200, {"results": portal.pipelines})


def _account_details(portal: HubSpotPortal) -> dict[str, Any]:
    """GET /account-info/v3/details as HubSpot documents it (no scope beyond the token's own)."""
    return {
        "accountType": "STANDARD",
        "additionalCurrencies": [],
        "companyCurrency": portal.company_currency,
        "dataHostingLocation": "eu1",
        "portalId": 12345678,
        "timeZone": "Europe/Berlin",
        "uiDomain": "app-eu1.hubspot.com",
        "utcOffset": "+01:00",
        "utcOffsetMilliseconds": 3_600_000,
    }


def _missing_scope(portal: HubSpotPortal, scope: str) -> tuple[int, dict[str, Any]] | None:
    if scope in portal.granted_scopes:
        return None
    denied = error(
        "MISSING_SCOPES",
        "This app hasn't been granted all required scopes to make this call. "
        "Read more about required scopes here: https://developers.hubspot.com/scopes.",
    )
    denied["errors"] = [
        {
            "message": "One or more of the following scopes are required.",
            "context": {"requiredScopes": [scope]},
        }
    ]
    denied["links"] = {"scopes": "https://developers.hubspot.com/scopes"}
    return 403, denied


def _owners(portal: HubSpotPortal, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
    if (denied := _missing_scope(portal, "crm.objects.owners.read")) is not None:
        return denied
    archived = query.get("archived", "false").lower() == "true"
    matching = [o for o in portal.owners if o["archived"] == archived]
    if "email" in query:
        matching = [o for o in matching if (o["email"] or "").lower() == query["email"].lower()]
    limit = min(int(query.get("limit", "100")), MAX_OWNERS_PAGE)
    offset = int(query.get("after", "0"))
    answer: dict[str, Any] = {"results": matching[offset : offset + limit]}
    if offset + limit < len(matching):
        after = str(offset + limit)
        answer["paging"] = {"next": {"after": after, "link": f"?after={after}"}}
    return 200, answer


def _list(portal: HubSpotPortal, object_type: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """GET /crm/v3/objects/{type}: records by id, `limit` (max 100) and `after`; archived or not."""
    if object_type not in SCOPE_BY_OBJECT:
        return 404, error("OBJECT_NOT_FOUND", f"Unable to infer object type from: {object_type}")
    if (denied := _missing_scope(portal, SCOPE_BY_OBJECT[object_type])) is not None:
        return denied
    archived = query.get("archived", "false").lower() == "true"
    matching = sorted(
        (r for r in portal.objects.get(object_type, {}).values() if r["archived"] == archived),
        key=lambda r: int(r["id"]) if str(r["id"]).isdigit() else 0,
    )
    limit = min(int(query.get("limit", "10")), MAX_LIST_PAGE)
    offset = int(query.get("after", "0"))
    wanted = [p for p in query.get("properties", "").split(",") if p]
    answer: dict[str, Any] = {
        "results": [
            {**r, "properties": {n: r["properties"].get(n) for n in [*ALWAYS_RETURNED, *wanted]}}
            for r in matching[offset : offset + limit]
        ]
    }
    if offset + limit < len(matching):
        after = str(offset + limit)
        answer["paging"] = {"next": {"after": after, "link": f"?after={after}"}}
    return 200, answer


def _search(portal: HubSpotPortal, object_type: str, body: Any) -> tuple[int, dict[str, Any]]:
    if object_type not in SCOPE_BY_OBJECT:
        return 404, error("OBJECT_NOT_FOUND", f"Unable to infer object type from: {object_type}")
    if (denied := _missing_scope(portal, SCOPE_BY_OBJECT[object_type])) is not None:
        return denied
    if (problem := _search_problem(body, portal.search_result_cap)) is not None:
        return 400, error("VALIDATION_ERROR", problem)
    limit, groups = int(body.get("limit", 10)), body.get("filterGroups") or []
    records = [r for r in portal.objects.get(object_type, {}).values() if not r["archived"]]
    matching = [r for r in records if not groups or any(_group_matches(g, r["properties"]) for g in groups)]
    for sort in reversed(body.get("sorts") or []):
        name, descending = _sort_spec(sort)
        matching.sort(key=lambda r, n=name: _sort_key(n, r["properties"].get(n)), reverse=descending)
    offset = int(body.get("after") or 0)
    window = matching[offset : min(offset + limit, portal.search_result_cap)]
    wanted = list(dict.fromkeys([*ALWAYS_RETURNED, *(body.get("properties") or [])]))
    answer: dict[str, Any] = {
        "total": len(matching),
        "results": [
            {**r, "properties": {name: r["properties"].get(name) for name in wanted}} for r in window
        ],
    }
    if offset + len(window) < len(matching):
        after = str(offset + len(window))
        answer["paging"] = {"next": {"after": after, "link": f"?after={after}"}}
    return 200, answer


def error(category: str, message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category}


def _search_problem(body: Any, result_cap: int) -> str | None:
    """Why HubSpot would answer 400 VALIDATION_ERROR to this search body, if it would."""
    if not isinstance(body, dict):
        return "Invalid input JSON on line 1, column 1"
    groups = body.get("filterGroups") or []
    if not 1 <= int(body.get("limit", 10)) <= MAX_SEARCH_PAGE:
        return f"limit must be between 1 and {MAX_SEARCH_PAGE}"
    if len(groups) > 5 or any(len(g.get("filters") or []) > 10 for g in groups):
        return "Too many filter groups or filters"
    if int(body.get("after") or 0) >= result_cap:
        return f"Search results are limited to {result_cap} per query"
    return None


def _comparable(name: str, value: Any) -> Any:
    """Property values as HubSpot compares them: dates as epoch ms, numbers as numbers, else text."""
    if value is None or value == "":
        return None
    text = str(value)
    if name in DATE_PROPERTIES:
        if text.isdigit():
            return int(text)
        parsed = datetime.fromisoformat(text)
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        return int(parsed.timestamp() * 1000)
    if name in NUMBER_PROPERTIES:
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return text.lower()


COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "EQ": lambda a, b: a == b,
    "NEQ": lambda a, b: a != b,
    "GT": lambda a, b: a is not None and b is not None and a > b,
    "GTE": lambda a, b: a is not None and b is not None and a >= b,
    "LT": lambda a, b: a is not None and b is not None and a < b,
    "LTE": lambda a, b: a is not None and b is not None and a <= b,
}


def _filter_matches(spec: dict[str, Any], properties: dict[str, Any]) -> bool:
    name, operator = spec["propertyName"], spec["operator"]
    actual = _comparable(name, properties.get(name))
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return (actual is not None) == (operator == "HAS_PROPERTY")
    if operator in ("IN", "NOT_IN"):
        values = {_comparable(name, v) for v in spec.get("values") or []}
        return (actual is not None and actual in values) == (operator == "IN")
    wanted = _comparable(name, spec.get("value"))
    if operator == "BETWEEN":
        high = _comparable(name, spec.get("highValue"))
        return COMPARISONS["GTE"](actual, wanted) and COMPARISONS["LTE"](actual, high)
    return COMPARISONS[operator](actual, wanted)


def _group_matches(group: dict[str, Any], properties: dict[str, Any]) -> bool:
    return all(_filter_matches(spec, properties) for spec in group.get("filters") or [])


def _sort_spec(sort: Any) -> tuple[str, bool]:
    if isinstance(sort, dict):
        return str(sort["propertyName"]), str(sort.get("direction", "ASCENDING")).upper() == "DESCENDING"
    text = str(sort)
    return text.lstrip("-"), text.startswith("-")


def _sort_key(name: str, value: Any) -> tuple[int, Any]:
    comparable = _comparable(name, value)
    return (1, 0) if comparable is None else (0, comparable)
