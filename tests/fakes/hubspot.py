"""A local stand-in for HubSpot's CRM v3 API: owners, the object search endpoints and the deal pipelines
(GET /crm/v3/pipelines/deals, tests/fakes/hubspot_pipelines.py).

It answers as HubSpot documents: bearer-token auth (401 INVALID_AUTHENTICATION), scopes (403
MISSING_SCOPES with errors[].context.requiredScopes), owners paged by `after`, search with filterGroups
(OR of ANDed filters), sorts, `limit` (max 200) and `after`, `total` in every answer, a result cap per
query (10,000 at HubSpot; configurable here) past which paging answers 400, and 429 with Retry-After.
All property values are strings or null, dates ISO-8601 with milliseconds. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.contract.world import World
from tests.fakes.hubspot_pipelines import pipeline_of, stage_id, world_pipelines

TOKEN = "pat-na1-standin-token"  # the stand-in's own fake token
MAX_SEARCH_PAGE = 200
MAX_OWNERS_PAGE = 500
MAX_LIST_PAGE = 100
LEADERSHIP_TEAM = {"id": "1", "name": "Sales leadership"}
ACTIVITY_OBJECT_BY_KIND = {"call": "calls", "meeting": "meetings", "email": "emails", "task": "tasks"}
ALL_SCOPES = frozenset(
    {"crm.objects.owners.read", "crm.objects.deals.read", "crm.objects.contacts.read", "sales-email-read"}
)
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


@dataclass(frozen=True, slots=True)
class Request:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic() when it arrived


@dataclass(slots=True)
class _Script:
    path: str | None  # None: any path; else requests whose path starts with it
    remaining: int
    status: int = 200
    body: Any = None
    retry_after: float | None = None
    hang_seconds: float = 0.0
    malformed: bool = False


@dataclass(slots=True)
class HubSpotStandIn:
    access_token: str = TOKEN
    owners: list[dict[str, Any]] = field(default_factory=list)
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    granted_scopes: set[str] = field(default_factory=lambda: set(ALL_SCOPES))
    search_result_cap: int = 10_000
    # The account's company currency (Settings → Account defaults → Currency): a deal whose
    # deal_currency_code is empty is in it.
    company_currency: str = "EUR"
    # GET /crm/v3/pipelines/deals results (tests/fakes/hubspot_pipelines.py)
    pipelines: list[dict[str, Any]] = field(default_factory=list)
    # HubSpot's limits, enforced with 429s when set: searches per second, requests per rolling 10 s.
    searches_per_second: int | None = None
    requests_per_10s: int | None = None
    _search_times: list[float] = field(default_factory=list)
    _request_times: list[float] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    _scripts: list[_Script] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    # --- loading ---------------------------------------------------------------------------
    @classmethod
    def from_world(
        cls, world: World, *, leads_as_additional_members: bool = True, **kwargs: Any
    ) -> HubSpotStandIn:
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
            closedate = deal.closed_at if closed else _midnight(deal.close_date)
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
                    "closedate": _iso(closedate),
                    "hs_is_closed": "true" if closed else "false",
                    "hs_is_closed_won": "true" if deal.status == "won" else "false",
                    "hs_next_step": deal.next_step,
                    "createdate": _iso(deal.created_at),
                    "notes_last_updated": _iso(deal.last_activity_at),
                    "hubspot_owner_id": deal.owner_id,
                    "hs_lastmodifieddate": _iso(deal.closed_at or deal.last_activity_at or deal.created_at),
                },
            )
        # HubSpot numbers records itself (and the world's activity ids are not unique).
        done = [(activity, True) for activity in world.activities]
        for number, (activity, completed) in enumerate([*done, *((t, False) for t in world.open_tasks)], 1):
            properties = {
                "hs_timestamp": _iso(activity.occurred_at),
                "hubspot_owner_id": activity.owner_id,
                "createdate": _iso(activity.occurred_at),
                "hs_lastmodifieddate": _iso(activity.occurred_at),
            }
            if activity.kind == "task":  # for a task, hs_timestamp is its due date
                properties["hs_task_status"] = "COMPLETED" if completed else "NOT_STARTED"
                properties["hs_task_completion_date"] = _iso(activity.occurred_at) if completed else None
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
        record["properties"].update(properties, hs_lastmodifieddate=_iso(at))
        record["updatedAt"] = _iso(at)

    def archive(self, object_type: str, object_id: str, *, at: datetime) -> None:
        """Delete a record: search no longer finds it; the list with archived=true shows it for 90 days."""
        record = self.objects[object_type][object_id]
        record.update(archived=True, archivedAt=_iso(at), updatedAt=_iso(at))

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> HubSpotStandIn:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # so that stop() returns quickly
            name="hubspot-standin",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases requests scripted to hang
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> HubSpotStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- scripting -------------------------------------------------------------------------
    def fail_next(
        self,
        *,
        status: int,
        body: Any = None,
        retry_after: float | None = None,
        times: int = 1,
        path: str | None = None,
    ) -> None:
        """The next `times` requests (to paths starting with `path`) answer `status` with `body`."""
        with self._lock:
            self._scripts.append(_Script(path, times, status=status, body=body, retry_after=retry_after))

    def rate_limit_next(
        self, *, policy: str = "TEN_SECONDLY_ROLLING", retry_after: float | None = 1, times: int = 1
    ) -> None:
        self.fail_next(status=429, body=_rate_limit_body(policy), retry_after=retry_after, times=times)

    def hang_next(self, seconds: float, *, times: int = 1, path: str | None = None) -> None:
        """The next requests get no answer for `seconds` (then a normal one)."""
        with self._lock:
            self._scripts.append(_Script(path, times, hang_seconds=seconds))

    def malformed_next(self, *, times: int = 1, path: str | None = None) -> None:
        """The next requests get HTTP 200 with a body that is not JSON."""
        with self._lock:
            self._scripts.append(_Script(path, times, malformed=True))

    def rate_limited(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.status == 429]

    def _over_limit(self, method: str, path: str) -> str | None:
        """The policy this request breaks, counted when HubSpot processes it (after any delay)."""
        now = time.monotonic()
        search = method == "POST" and path.endswith("/search")
        with self._lock:
            self._request_times = [t for t in self._request_times if now - t < 10.0]
            self._search_times = [t for t in self._search_times if now - t < 1.0]
            self._request_times.append(now)
            if search:
                self._search_times.append(now)
            if self.requests_per_10s is not None and len(self._request_times) > self.requests_per_10s:
                return "TEN_SECONDLY_ROLLING"
            per_second = self.searches_per_second
            if search and per_second is not None and len(self._search_times) > per_second:
                return "SECONDLY"
        return None

    def searches(self, object_type: str | None = None) -> list[Request]:
        prefix = f"/crm/v3/objects/{object_type}/search" if object_type else "/crm/v3/objects/"
        with self._lock:
            return [r for r in self.requests if r.method == "POST" and r.path.startswith(prefix)]

    # --- request handling ------------------------------------------------------------------
    def _take_script(self, path: str) -> _Script | None:
        with self._lock:
            for script in self._scripts:
                if script.path is None or path.startswith(script.path):
                    script.remaining -= 1
                    if script.remaining <= 0:
                        self._scripts.remove(script)
                    return script
        return None

    def handle(
        self, method: str, target: str, body: Any, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        arrived = time.monotonic()
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query))
        script = self._take_script(path)
        extra: dict[str, str] = {}
        if script is not None and script.hang_seconds:
            self._stopping.wait(script.hang_seconds)
            script = None
        if script is None and (limited := self._over_limit(method, path)) is not None:
            script = _Script(None, 0, status=429, body=_rate_limit_body(limited), retry_after=1)
        if script is not None and script.malformed:
            status, payload = 200, b'{"results": [ {"id": "1", "properties": '
        elif script is not None:
            status, payload = script.status, json.dumps(script.body or _error("INTERNAL_ERROR", "")).encode()
            if script.retry_after is not None:
                extra["Retry-After"] = f"{script.retry_after:g}"
        else:
            status, answer = self._answer(method, path, query, body, headers.get("authorization"))
            payload = json.dumps(answer).encode()
        with self._lock:
            self.requests.append(Request(method, path, query, body, headers, status, arrived))
        return status, extra, payload

    def _answer(
        self, method: str, path: str, query: dict[str, str], body: Any, auth: str | None
    ) -> tuple[int, dict[str, Any]]:
        if auth != f"Bearer {self.access_token}":
            return 401, _error(
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
                "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            )
        if method == "GET" and path == "/crm/v3/owners":
            return self._owners(query)
        if method == "GET" and path in ("/account-info/v3/details", "/crm/v3/pipelines/deals"):
            return self._settings(path)
        parts = path.strip("/").split("/")
        if method == "GET" and len(parts) == 4 and parts[:3] == ["crm", "v3", "objects"]:
            return self._list(parts[3], query)
        if (
            method == "POST"
            and len(parts) == 5
            and parts[:3] == ["crm", "v3", "objects"]
            and parts[4] == "search"
        ):
            return self._search(parts[3], body)
        return 404, _error("OBJECT_NOT_FOUND", f"Resource not found: {method} {path}")

    def _settings(self, path: str) -> tuple[int, dict[str, Any]]:
        if path == "/account-info/v3/details":
            return 200, self._account_details()
        return self._missing_scope("crm.objects.deals.read") or (200, {"results": self.pipelines})

    def _account_details(self) -> dict[str, Any]:
        """GET /account-info/v3/details as HubSpot documents it (no scope beyond the token's own)."""
        return {
            "accountType": "STANDARD",
            "additionalCurrencies": [],
            "companyCurrency": self.company_currency,
            "dataHostingLocation": "eu1",
            "portalId": 12345678,
            "timeZone": "Europe/Berlin",
            "uiDomain": "app-eu1.hubspot.com",
            "utcOffset": "+01:00",
            "utcOffsetMilliseconds": 3_600_000,
        }

    def _missing_scope(self, scope: str) -> tuple[int, dict[str, Any]] | None:
        if scope in self.granted_scopes:
            return None
        error = _error(
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. "
            "Read more about required scopes here: https://developers.hubspot.com/scopes.",
        )
        error["errors"] = [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredScopes": [scope]},
            }
        ]
        error["links"] = {"scopes": "https://developers.hubspot.com/scopes"}
        return 403, error

    def _owners(self, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if (denied := self._missing_scope("crm.objects.owners.read")) is not None:
            return denied
        archived = query.get("archived", "false").lower() == "true"
        matching = [o for o in self.owners if o["archived"] == archived]
        if "email" in query:
            matching = [o for o in matching if (o["email"] or "").lower() == query["email"].lower()]
        limit = min(int(query.get("limit", "100")), MAX_OWNERS_PAGE)
        offset = int(query.get("after", "0"))
        answer: dict[str, Any] = {"results": matching[offset : offset + limit]}
        if offset + limit < len(matching):
            after = str(offset + limit)
            answer["paging"] = {"next": {"after": after, "link": f"?after={after}"}}
        return 200, answer

    def _list(self, object_type: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """GET /crm/v3/objects/{type}: records by id, `limit` (max 100) and `after`; archived or not."""
        if object_type not in SCOPE_BY_OBJECT:
            return 404, _error("OBJECT_NOT_FOUND", f"Unable to infer object type from: {object_type}")
        if (denied := self._missing_scope(SCOPE_BY_OBJECT[object_type])) is not None:
            return denied
        archived = query.get("archived", "false").lower() == "true"
        matching = sorted(
            (r for r in self.objects.get(object_type, {}).values() if r["archived"] == archived),
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

    def _search(self, object_type: str, body: Any) -> tuple[int, dict[str, Any]]:
        if object_type not in SCOPE_BY_OBJECT:
            return 404, _error("OBJECT_NOT_FOUND", f"Unable to infer object type from: {object_type}")
        if (denied := self._missing_scope(SCOPE_BY_OBJECT[object_type])) is not None:
            return denied
        if (problem := _search_problem(body, self.search_result_cap)) is not None:
            return 400, _error("VALIDATION_ERROR", problem)
        limit, groups = int(body.get("limit", 10)), body.get("filterGroups") or []
        records = [r for r in self.objects.get(object_type, {}).values() if not r["archived"]]
        matching = [
            r for r in records if not groups or any(_group_matches(g, r["properties"]) for g in groups)
        ]
        for sort in reversed(body.get("sorts") or []):
            name, descending = _sort_spec(sort)
            matching.sort(key=lambda r, n=name: _sort_key(n, r["properties"].get(n)), reverse=descending)
        offset = int(body.get("after") or 0)
        window = matching[offset : min(offset + limit, self.search_result_cap)]
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


def _rate_limit_body(policy: str) -> dict[str, Any]:
    return {
        "status": "error",
        "message": f"You have reached your {policy.lower()} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "requestId": str(uuid.uuid4()),
    }


def _error(category: str, message: str) -> dict[str, Any]:
    return {"status": "error", "message": message, "correlationId": str(uuid.uuid4()), "category": category}


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _midnight(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) if day is not None else None


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


def _handler_for(standin: HubSpotStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            self._serve("GET", None)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            try:
                body = json.loads(raw) if raw else None
            except json.JSONDecodeError:
                body = {"_invalid_json": raw}
            self._serve("POST", body)

        def _serve(self, method: str, body: Any) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, extra, payload = standin.handle(method, self.path, body, headers)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (a timeout test): nothing left to answer

    return Handler
