"""A local stand-in for the parts of Pipedrive's REST API that CRM Coach reads.

It answers as Pipedrive documents: the {"success", "data", "additional_data"} envelope, v1 users and
legacy teams, v2 deals, activities and stages (pipeline_id filter) with cursor pagination (limit <= 500,
additional_data.next_cursor, null on the last page) and their filters (owner_id, status as a comma
list, updated_since, updated_until, done, ids, include_fields, sort_by with sort_direction), the
x-api-token header, 401/403/429 error bodies, x-ratelimit-* headers and a burst limit per 2-second
window. Every request is recorded;
failures, hangs and malformed JSON are scriptable.
Ids are kept as the World spells them: users "M00001", deals and activities integers.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.contract.world import World

API_TOKEN = "pd-standin-token"  # the stand-in's own fake token
WINDOW_SECONDS = 2.0
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
UNAUTHORIZED = {
    "success": False,
    "error": "unauthorized access",
    "errorCode": 401,
    "error_info": "Please check developers.pipedrive.com",
}
DEFAULT_BODIES: dict[int, dict[str, Any]] = {
    401: UNAUTHORIZED,
    403: {
        "success": False,
        "error": "You do not have permissions to perform this action",
        "errorCode": 403,
        "error_info": "Please check developers.pipedrive.com",
    },
    429: {"success": False, "error": "Request over limit", "errorCode": 429, "error_info": ""},
}
TEAMS_USERS = re.compile(r"^/api/v1/legacyTeams/(\d+)/users$")


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request as the stand-in saw it. `at` is read from the stand-in's clock."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    status: int
    at: float


@dataclass(slots=True)
class _Script:
    kind: str  # "fail", "hang" or "malformed"
    remaining: int
    path: str | None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def rfc3339(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def v1_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(slots=True)
class PipedriveStandIn:
    api_token: str = API_TOKEN
    burst_limit: int = 1000  # requests per 2-second window before the stand-in answers 429
    clock: Callable[[], float] = time.monotonic
    teams_list_users: bool = True  # False: GET /legacyTeams leaves out member ids, as with skip_users=1
    users: list[dict[str, Any]] = field(default_factory=list)
    teams: list[dict[str, Any]] = field(default_factory=list)
    deals: dict[int, dict[str, Any]] = field(default_factory=dict)
    activities: dict[int, dict[str, Any]] = field(default_factory=dict)
    stages: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    _scripts: list[_Script] = field(default_factory=list)
    _window: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> PipedriveStandIn:
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="pipedrive-standin", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> PipedriveStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # --- data ------------------------------------------------------------------------------
    @classmethod
    def from_world(cls, world: World, **options: Any) -> PipedriveStandIn:
        standin = cls(**options)
        standin.load_world(world)
        return standin

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
            "value": _number(amount),
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

    # --- scripting -------------------------------------------------------------------------
    def fail_next(
        self,
        *,
        status: int,
        times: int = 1,
        body: Any = None,
        retry_after: float | None = None,
        headers: dict[str, str] | None = None,
        path: str | None = None,
    ) -> None:
        """The next `times` requests (to `path`, if given) get this status; body defaults per status."""
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = f"{retry_after:g}"
        self._script(_Script("fail", times, path, status=status, body=body, headers=extra))

    def hang_next(self, *, seconds: float, times: int = 1, path: str | None = None) -> None:
        """The next requests wait `seconds` before answering (or until stop())."""
        self._script(_Script("hang", times, path, seconds=seconds))

    def malformed_next(self, *, times: int = 1, path: str | None = None) -> None:
        """The next requests get HTTP 200 with a truncated JSON body."""
        self._script(_Script("malformed", times, path))

    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _script(self, script: _Script) -> None:
        with self._lock:
            self._scripts.append(script)

    def _take_script(self, path: str) -> _Script | None:
        with self._lock:
            for script in self._scripts:
                if script.path is None or script.path == path:
                    script.remaining -= 1
                    if script.remaining <= 0:
                        self._scripts.remove(script)
                    return script
        return None

    # --- request handling ------------------------------------------------------------------
    def handle(self, path: str, query: dict[str, str], headers: dict[str, str]) -> _Answer:
        now = self.clock()
        with self._lock:
            while self._window and now - self._window[0] >= WINDOW_SECONDS:
                self._window.popleft()
            over_limit = len(self._window) >= self.burst_limit
            if not over_limit:
                self._window.append(now)
            remaining = max(0, self.burst_limit - len(self._window))
            reset = WINDOW_SECONDS - (now - self._window[0]) if self._window else WINDOW_SECONDS
        rate_headers = {
            "x-ratelimit-limit": str(self.burst_limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": f"{max(1, round(reset))}",
        }
        script = self._take_script(path)
        if script is not None and script.kind == "hang":
            self._stopping.wait(script.seconds)
        if script is not None and script.kind == "malformed":
            return _Answer(200, '{"success": true, "data": [{"id": 1, "ti', rate_headers)
        if script is not None and script.kind == "fail":
            body = script.body if script.body is not None else _default_body(script.status)
            text = body if isinstance(body, str) else json.dumps(body)
            return _Answer(script.status, text, {**rate_headers, **script.headers})
        if over_limit:
            rate_headers["Retry-After"] = rate_headers["x-ratelimit-reset"]
            return _Answer(429, json.dumps(DEFAULT_BODIES[429]), rate_headers)
        if headers.get("x-api-token") != self.api_token:
            return _Answer(401, json.dumps(UNAUTHORIZED), rate_headers)
        status, body = self._route(path, query)
        return _Answer(status, json.dumps(body), rate_headers)

    def _route(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            return 200, {"success": True, **self._answer(path, query)}
        except _ValidationError as exc:
            return 400, _error(400, f"Validation failed: {exc}")
        except _NotFoundError as exc:
            return 404, _error(404, str(exc))

    def _answer(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        if match := TEAMS_USERS.match(path):
            team = next((t for t in self.teams if t["id"] == int(match.group(1))), None)
            if team is None:
                raise _NotFoundError("Team not found")
            return {"data": team["users"]}
        if path == "/api/v1/users":
            return {"data": self.users}
        if path == "/api/v1/legacyTeams":
            return {"data": self._teams(query)}
        if path == "/api/v2/deals":
            return self._page(self._deals(query), query, sort_fields=SORT_FIELDS[path])
        if path == "/api/v2/activities":
            return self._page(self._activities(query), query, sort_fields=SORT_FIELDS[path])
        if path == "/api/v2/stages":
            pipeline = query.get("pipeline_id")
            stages = [dict(s) for s in self.stages.values() if pipeline in (None, str(s["pipeline_id"]))]
            return self._page(stages, query, sort_fields=SORT_FIELDS[path])
        raise _NotFoundError("Unknown method .")

    def _teams(self, query: dict[str, str]) -> list[dict[str, Any]]:
        skip = query.get("skip_users") == "1" or not self.teams_list_users
        return [{k: v for k, v in t.items() if not (skip and k == "users")} for t in self.teams]

    def _deals(self, query: dict[str, str]) -> list[dict[str, Any]]:
        statuses = set(_csv(query.get("status"))) or {"open", "won", "lost"}
        if not statuses <= DEAL_STATUSES:
            raise _ValidationError(f"status: must be one of {sorted(DEAL_STATUSES)}")
        include = set(_csv(query.get("include_fields")))
        if not include <= DEAL_INCLUDE_FIELDS:
            raise _ValidationError(f"include_fields: unknown {sorted(include - DEAL_INCLUDE_FIELDS)}")
        since, until = _since(query, "updated_since"), _since(query, "updated_until")
        ids = _ids(query)
        last, upcoming = self._linked_activities()
        result = []
        for deal in self.deals.values():
            if deal["status"] not in statuses or (
                "owner_id" in query and deal["owner_id"] != query["owner_id"]
            ):
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

    def _activities(self, query: dict[str, str]) -> list[dict[str, Any]]:
        done = query.get("done")
        if done not in (None, "true", "false"):
            raise _ValidationError("done: must be true or false")
        since, until = _since(query, "updated_since"), _since(query, "updated_until")
        ids = _ids(query)
        return [
            dict(a)
            for a in self.activities.values()
            if not ("owner_id" in query and a["owner_id"] != query["owner_id"])
            and not ("deal_id" in query and str(a["deal_id"]) != query["deal_id"])
            and not (done is not None and a["done"] != (done == "true"))
            and not (since and a["update_time"] < since)
            and not (until and a["update_time"] >= until)
            and not (ids is not None and a["id"] not in ids)
        ]

    def _linked_activities(self) -> tuple[dict[int, int], dict[int, int]]:
        """Per deal: the last done activity (latest due date) and the next planned one (earliest)."""
        last: dict[int, tuple[str, int]] = {}
        upcoming: dict[int, tuple[str, int]] = {}
        for a in self.activities.values():
            if a["deal_id"] is None or a["is_deleted"]:
                continue
            key = (a["due_date"], a["id"])
            if a["done"] and key > last.get(a["deal_id"], ("", 0)):
                last[a["deal_id"]] = key
            elif not a["done"] and key < upcoming.get(a["deal_id"], ("9999", 0)):
                upcoming[a["deal_id"]] = key
        return {d: k[1] for d, k in last.items()}, {d: k[1] for d, k in upcoming.items()}

    def _page(
        self, items: list[dict[str, Any]], query: dict[str, str], *, sort_fields: tuple[str, ...]
    ) -> dict[str, Any]:
        limit = _int(query.get("limit", "100"), "limit")
        if not 1 <= limit <= MAX_LIMIT:
            raise _ValidationError(f"limit: must be between 1 and {MAX_LIMIT}")
        sort_by = query.get("sort_by", "id")
        if sort_by not in sort_fields:
            raise _ValidationError(f"sort_by: must be one of {list(sort_fields)}")
        direction = query.get("sort_direction", "asc")
        if direction not in ("asc", "desc"):
            raise _ValidationError("sort_direction: must be asc or desc")
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

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: str
    headers: dict[str, str]


class _ValidationError(ValueError):
    pass


class _NotFoundError(LookupError):
    pass


def _error(status: int, message: str) -> dict[str, Any]:
    return {"success": False, "error": message, "errorCode": status, "error_info": "Please check developers"}


def _default_body(status: int) -> dict[str, Any]:
    return DEFAULT_BODIES.get(status) or _error(status, "Internal server error" if status >= 500 else "Error")


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _csv(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _ValidationError(f"{name}: must be an integer") from None


def _ids(query: dict[str, str]) -> set[int] | None:
    if "ids" not in query:
        return None
    ids = {_int(part, "ids") for part in _csv(query["ids"])}
    if len(ids) > MAX_IDS:
        raise _ValidationError(f"ids: at most {MAX_IDS}")
    return ids


def _since(query: dict[str, str], name: str = "updated_since") -> str | None:
    """updated_since or updated_until as a comparable RFC 3339 string (stored times are Z-normalised)."""
    raw = query.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", raw):
        raise _ValidationError(f"{name}: must be an RFC 3339 date-time")
    return rfc3339(datetime.fromisoformat(raw.replace("Z", "+00:00")))


def _encode_cursor(last_key: list[Any]) -> str:
    """Opaque to clients: the sort key (value, id) of the last item on the page."""
    return base64.urlsafe_b64encode(json.dumps({"after": last_key}).encode()).decode()


def _decode_cursor(cursor: str) -> list[Any]:
    try:
        after = json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"]
    except (ValueError, KeyError, TypeError):
        raise _ValidationError("cursor: invalid") from None
    if not isinstance(after, list) or len(after) != 2:
        raise _ValidationError("cursor: invalid")
    return after


def _handler_for(standin: PipedriveStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms stalls

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            headers = {key.lower(): value for key, value in self.headers.items()}
            arrived = standin.clock()
            answer = standin.handle(url.path, query, headers)
            standin._record(Recorded("GET", url.path, query, headers, "", answer.status, arrived))
            data = answer.body.encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (timeout): nothing left to answer

    return Handler
