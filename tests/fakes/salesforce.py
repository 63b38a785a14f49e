"""A local stand-in for the Salesforce REST API (and the SOAP login), serving a World.

It answers as Salesforce documents: query results in batches with done/nextRecordsUrl, a composite
resource (at most 25 subrequests, 5 of them queries), JSON error lists such as
[{"message": "...", "errorCode": "INVALID_SESSION_ID"}], Sforce-Limit-Info on every REST answer and
403 REQUEST_LIMIT_EXCEEDED once the daily allocation is used up. Opportunities carry StageName; the
OpportunityStage object lists the stages (ApiName, MasterLabel, SortOrder, IsClosed, IsActive).

It speaks HTTPS because simple-salesforce always builds https:// URLs from an instance URL; the
certificate is self-signed, made at start, and clients trust it through `ca_bundle`.

SOQL: not a parser. It accepts exactly the query shapes the connector sends (a few regexes) and answers
400 MALFORMED_QUERY to anything else, so a changed query shows up as a failing test.
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.contract.world import World

Json = Any
SFDATETIME = "%Y-%m-%dT%H:%M:%S.000+0000"
DEFAULT_BATCH_SIZE = 2000
COMPOSITE_MAX_SUBREQUESTS = 25
COMPOSITE_MAX_QUERIES = 5
TASK_SUBTYPES = {"call": "Call", "email": "Email"}

_DATE = r"\d{4}-\d{2}-\d{2}"
_DATETIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"
_OWNERS = r"(?: AND OwnerId IN \((?P<owners>'[^']*'(?:, '[^']*')*)\))?"
_SELECT = re.compile(
    r"^SELECT (?P<fields>[\w.]+(?:, [\w.]+)*) FROM (?P<object>\w+)(?: WHERE (?P<where>.+))?$"
)
_WHERE: dict[str, re.Pattern[str] | None] = {
    "User": re.compile(r"^IsActive = true$"),
    "Organization": None,
    "OpportunityStage": None,
    "Opportunity": re.compile(rf"^\(IsClosed = false OR CloseDate >= (?P<closed_since>{_DATE})\){_OWNERS}$"),
    "Task": re.compile(
        rf"^IsClosed = true AND \(ActivityDate >= (?P<since_day>{_DATE}) OR "
        rf"\(ActivityDate = null AND CreatedDate >= (?P<since>{_DATETIME})\)\){_OWNERS}$"
    ),
    "Event": re.compile(rf"^StartDateTime >= (?P<since>{_DATETIME}){_OWNERS}$"),
}
# Incremental reads: records modified since a moment, deleted ones included when asked through queryAll.
_CHANGED = re.compile(rf"^SystemModstamp > (?P<since>{_DATETIME})$")
_UNCHANGED_SINCE = "2000-01-01T00:00:00.000+0000"  # loaded records: last modified before any read
_DATA_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d)/(?P<rest>.*)$")
_QUERY_MORE = re.compile(r"^query/(?P<locator>01g\w+)-(?P<offset>\d+)$")


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request the stand-in received, and the status it answered."""

    method: str
    path: str
    query: dict[str, str]
    body: str
    headers: dict[str, str]
    status: int
    at: float  # time.monotonic()

    @property
    def soql(self) -> list[str]:
        """The SOQL this request carried: its q parameter, or those of its composite subrequests."""
        if "q" in self.query:
            return [self.query["q"]]
        if self.path.endswith("/composite") and self.body:
            urls = [sub.get("url", "") for sub in json.loads(self.body).get("compositeRequest", [])]
            return [q for url in urls for q in parse_qs(urlsplit(url).query).get("q", [])]
        return []


@dataclass(slots=True)
class _Script:
    kind: str  # "fail", "hang" or "malformed"
    remaining: int
    status: int = 500
    body: Json = None
    retry_after: str | None = None
    seconds: float = 0.0


@dataclass
class SalesforceStandIn:
    access_token: str = "00DSTANDIN!AQ.standin-session"  # the stand-in's own fake credentials
    username: str = "coach@example.com"
    password: str = "correct horse"
    security_token: str = "TOKEN123"
    batch_size: int = DEFAULT_BATCH_SIZE
    multi_currency: bool = False
    org_currency: str = "EUR"
    daily_limit: int = 100_000
    api_used: int = 0
    hidden_objects: set[str] = field(default_factory=set)  # objects the API user may not read
    workdir: Path | None = None  # where the certificate goes; a temporary directory by default
    users: list[dict[str, Json]] = field(default_factory=list)
    opportunities: list[dict[str, Json]] = field(default_factory=list)
    tasks: list[dict[str, Json]] = field(default_factory=list)
    events: list[dict[str, Json]] = field(default_factory=list)
    stages: list[dict[str, Json]] = field(default_factory=list)  # OpportunityStage rows
    requests: list[Request] = field(default_factory=list)
    _sessions: set[str] = field(default_factory=set)
    _scripts: list[_Script] = field(default_factory=list)
    _cursors: dict[str, list[dict[str, Json]]] = field(default_factory=dict)
    _locators: Any = field(default_factory=lambda: count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _released: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _tempdir: tempfile.TemporaryDirectory[str] | None = None
    ca_bundle: Path | None = None

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> SalesforceStandIn:
        if self.workdir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="sf-standin-")
            self.workdir = Path(self._tempdir.name)
        cert, key = _self_signed_certificate(self.workdir)
        self.ca_bundle = cert
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._sessions.add(self.access_token)
        self._released.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        server.daemon_threads = True
        # The handshake happens in each request's thread (see Handler.setup), not in the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        self._server = server
        threading.Thread(
            target=server.serve_forever, args=(0.05,), name="salesforce-standin", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._released.set()  # lets hanging handlers finish
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> SalesforceStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """The instance URL, e.g. https://127.0.0.1:54321."""
        assert self._server is not None, "start() the stand-in first"
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    # --- data ----------------------------------------------------------------------------------
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
            what = _what(activity.deal_id)
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
                **_what(deal_id, what_type),
                "ActivityDate": day.isoformat() if day else None,
                "CreatedDate": created.strftime(SFDATETIME),
                "TaskSubtype": subtype,
                "IsClosed": closed,
            }
        )

    def change(self, entity: str, record_id: str, *, at: datetime, **fields: Json) -> None:
        """Edit a record as a user would: the fields change and SystemModstamp becomes `at`."""
        row = next(r for r in self._table(entity) if r["Id"] == record_id)
        row.update(fields, SystemModstamp=at.strftime(SFDATETIME))

    def delete(self, entity: str, record_id: str, *, at: datetime) -> None:
        """Move a record to the recycle bin: only queryAll still returns it, with IsDeleted = true."""
        self.change(entity, record_id, at=at, IsDeleted=True)

    def _table(self, entity: str) -> list[dict[str, Json]]:
        return {"Opportunity": self.opportunities, "Task": self.tasks, "Event": self.events}[entity]

    # --- scripting -----------------------------------------------------------------------------
    def fail_next(
        self,
        status: int,
        *,
        error_code: str = "UNKNOWN_EXCEPTION",
        message: str = "An unexpected error occurred.",
        body: Json = None,
        retry_after: str | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests answer `status` with a Salesforce error list (or `body`)."""
        payload = body if body is not None else [{"message": message, "errorCode": error_code}]
        self._script(_Script("fail", times, status=status, body=payload, retry_after=retry_after))

    def hang_next(self, seconds: float, *, times: int = 1) -> None:
        """The next `times` requests get no answer for `seconds` (then the connection is dropped)."""
        self._script(_Script("hang", times, seconds=seconds))

    def malformed_next(self, *, times: int = 1) -> None:
        """The next `times` requests get HTTP 200 with a body that is not JSON."""
        self._script(_Script("malformed", times))

    def expire_sessions(self) -> None:
        """Every session id stops working, as after a password change or a revoked token."""
        with self._lock:
            self._sessions.clear()

    def soql_sent(self) -> list[str]:
        with self._lock:
            return [soql for request in self.requests for soql in request.soql]

    def _script(self, script: _Script) -> None:
        with self._lock:
            self._scripts.append(script)

    def _take_script(self) -> _Script | None:
        with self._lock:
            if not self._scripts:
                return None
            script = self._scripts[0]
            script.remaining -= 1
            if script.remaining <= 0:
                self._scripts.pop(0)
            return script

    # --- answering -----------------------------------------------------------------------------
    def handle(self, method: str, target: str, body: str, headers: dict[str, str]) -> _Answer | None:
        """The answer to one request; None means: drop the connection without answering."""
        parts = urlsplit(target)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        script = self._take_script()
        if script is not None and script.kind == "hang":
            self._released.wait(script.seconds)
            answer = None
        elif script is not None and script.kind == "malformed":
            answer = _Answer(200, raw=b'{"totalSize": 3, "done": tr')
        elif script is not None:
            answer = _Answer(script.status, script.body, retry_after=script.retry_after)
        elif parts.path.startswith("/services/Soap/u/") and method == "POST":
            answer = self._login(body)
        else:
            answer = self._rest(method, parts.path, query, body, headers.get("Authorization", ""))
        with self._lock:
            self.requests.append(
                Request(
                    method, parts.path, query, body, headers, answer.status if answer else 0, time.monotonic()
                )
            )
        return answer

    def _rest(self, method: str, path: str, query: dict[str, str], body: str, auth: str) -> _Answer:
        with self._lock:
            valid = auth.removeprefix("Bearer ") in self._sessions and auth.startswith("Bearer ")
            exhausted = self.api_used >= self.daily_limit
            if valid and not exhausted:
                self.api_used += 1
            usage = f"api-usage={self.api_used}/{self.daily_limit}"
        if not valid:
            return _Answer(401, _errors("INVALID_SESSION_ID", "Session expired or invalid"), usage=usage)
        if exhausted:
            return _Answer(
                403, _errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), usage=usage
            )
        match = _DATA_PATH.match(path)
        if match is None:
            return _Answer(404, _errors("NOT_FOUND", "The requested resource does not exist"), usage=usage)
        rest = match.group("rest")
        if method == "POST" and rest == "composite":
            status, payload = self._composite(body)
        elif method == "GET":
            status, payload = self._get(path, rest, query)
        else:
            status, payload = 404, _errors("NOT_FOUND", "The requested resource does not exist")
        return _Answer(status, payload, usage=usage)

    def _get(self, path: str, rest: str, query: dict[str, str]) -> tuple[int, Json]:
        version_path = path[: len(path) - len(rest)]
        if rest in ("query", "query/") and "q" in query:
            return self._query(query["q"], version_path)
        if rest in ("queryAll", "queryAll/") and "q" in query:
            return self._query(query["q"], version_path, include_deleted=True)
        if more := _QUERY_MORE.match(rest):
            with self._lock:
                records = self._cursors.get(more.group("locator"))
            if records is None:
                return 400, _errors("INVALID_QUERY_LOCATOR", "invalid query locator")
            return 200, self._batch(records, int(more.group("offset")), more.group("locator"), version_path)
        return 404, _errors("NOT_FOUND", "The requested resource does not exist")

    def _composite(self, body: str) -> tuple[int, Json]:
        try:
            subrequests = json.loads(body)["compositeRequest"]
        except (json.JSONDecodeError, KeyError, TypeError):
            return 400, _errors("JSON_PARSER_ERROR", "compositeRequest is required")
        queries = sum(1 for sub in subrequests if "/query" in str(sub.get("url", "")))
        if len(subrequests) > COMPOSITE_MAX_SUBREQUESTS or queries > COMPOSITE_MAX_QUERIES:
            return 400, _errors("INVALID_BATCH_REQUEST", "too many subrequests or query operations")
        answers = []
        for sub in subrequests:
            parts = urlsplit(str(sub.get("url", "")))
            match = _DATA_PATH.match(parts.path)
            if sub.get("method") != "GET" or match is None:
                status, payload = 400, _errors("INVALID_BATCH_REQUEST", "unsupported subrequest")
            else:
                query = {key: values[0] for key, values in parse_qs(parts.query).items()}
                status, payload = self._get(parts.path, match.group("rest"), query)
            answers.append(
                {
                    "body": payload,
                    "httpHeaders": {},
                    "httpStatusCode": status,
                    "referenceId": sub.get("referenceId"),
                }
            )
        return 200, {"compositeResponse": answers}

    def _query(self, soql: str, version_path: str, *, include_deleted: bool = False) -> tuple[int, Json]:
        select = _SELECT.match(soql)
        if select is None or select.group("object") not in _WHERE:
            return 400, _errors("MALFORMED_QUERY", f"unexpected query: {soql}")
        entity, where = select.group("object"), select.group("where")
        if entity in self.hidden_objects:
            return 400, _errors(
                "INVALID_TYPE",
                f"\n{soql}\n^\nERROR at Row:1:Column:1\nsObject type '{entity}' is not supported. If you "
                "are attempting to use a custom object, be sure to append the '__c' after the entity name.",
            )
        shape = _WHERE[entity]
        changed = _CHANGED.match(where or "") if entity in ("Opportunity", "Task", "Event") else None
        condition = shape.match(where) if shape is not None and where is not None else None
        if changed is not None:
            since = _parse(changed.group("since"))
            rows = [
                row
                for row in self._table(entity)
                if _parse(row.get("SystemModstamp") or _UNCHANGED_SINCE) > since
            ]
        elif (shape is None) != (where is None) or (shape is not None and condition is None):
            return 400, _errors("MALFORMED_QUERY", f"unexpected WHERE clause for {entity}: {where}")
        else:
            rows = self._rows(entity, condition)
        if not include_deleted:
            rows = [row for row in rows if not row.get("IsDeleted")]
        fields = select.group("fields").split(", ")
        known = self._fields(entity)
        for name in fields:
            if name.split(".")[0] not in known:
                return 400, _errors(
                    "INVALID_FIELD",
                    f"\n{soql}\n^\nERROR at Row:1:Column:8\nNo such column '{name}' on entity '{entity}'. "
                    "If you are attempting to use a custom field, be sure to append the '__c' after the "
                    "custom field name.",
                )
        records = [_select(entity, row, fields, version_path) for row in rows]
        with self._lock:
            locator = f"01g{next(self._locators):015d}"
            self._cursors[locator] = records
        return 200, self._batch(records, 0, locator, version_path)

    def _batch(self, records: list[Json], offset: int, locator: str, version_path: str) -> Json:
        end = offset + self.batch_size
        answer: dict[str, Json] = {"totalSize": len(records), "done": end >= len(records)}
        if end < len(records):
            answer["nextRecordsUrl"] = f"{version_path}query/{locator}-{end}"
        answer["records"] = records[offset:end]
        return answer

    def _fields(self, entity: str) -> set[str]:
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

    def _rows(self, entity: str, condition: re.Match[str] | None) -> list[dict[str, Json]]:
        owners = _owner_ids(condition)
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
            since_day, since = condition.group("since_day"), _parse(condition.group("since"))
            rows = [
                row
                for row in self.tasks
                if row["IsClosed"]
                and (
                    (row["ActivityDate"] is not None and row["ActivityDate"] >= since_day)
                    or (row["ActivityDate"] is None and _parse(row["CreatedDate"]) >= since)
                )
            ]
        else:
            since = _parse(condition.group("since"))
            rows = [row for row in self.events if _parse(row["StartDateTime"]) >= since]
        return [row for row in rows if owners is None or row["OwnerId"] in owners]

    def _login(self, body: str) -> _Answer:
        username = _xml_value(body, "username")
        password = _xml_value(body, "password")
        if username != self.username or password != self.password + self.security_token:
            return _Answer(500, raw=_login_fault().encode(), content_type="text/xml;charset=UTF-8")
        session_id = f"00DSTANDIN!AQ.session-{next(self._locators)}"
        with self._lock:
            self._sessions.add(session_id)
        return _Answer(
            200, raw=_login_response(self.origin, session_id).encode(), content_type="text/xml;charset=UTF-8"
        )


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    payload: Json = None
    raw: bytes | None = None
    content_type: str = "application/json;charset=UTF-8"
    retry_after: str | None = None
    usage: str | None = None

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(self.payload, default=_json_default).encode()


def _handler_for(standin: SalesforceStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as Salesforce does: one TLS handshake per client
        timeout = 10  # an idle keep-alive connection is closed after this long

        def handle(self) -> None:
            try:
                self.request.do_handshake()
                super().handle()
            except (ssl.SSLError, ConnectionError, TimeoutError):
                # A client that distrusts the certificate, or went away mid-request (timeouts).
                self.close_connection = True

        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            answer = standin.handle(method, self.path, raw, dict(self.headers.items()))
            if answer is None:
                self.close_connection = True
                return
            data = answer.encoded()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            if answer.retry_after is not None:
                self.send_header("Retry-After", answer.retry_after)
            if answer.usage is not None:
                self.send_header("Sforce-Limit-Info", answer.usage)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _select(entity: str, row: dict[str, Json], fields: list[str], version_path: str) -> dict[str, Json]:
    record: dict[str, Json] = {
        "attributes": {"type": entity, "url": f"{version_path}sobjects/{entity}/{row['Id']}"}
    }
    for name in fields:
        if name == "What.Type":
            record["What"] = row.get("What")
        elif name == "IsDeleted":
            record[name] = bool(row.get(name))
        elif name == "SystemModstamp":
            record[name] = row.get(name) or _UNCHANGED_SINCE
        else:
            record[name] = row.get(name)
    return record


def _what(what_id: str | None, what_type: str = "Opportunity") -> dict[str, Json]:
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


def _owner_ids(condition: re.Match[str] | None) -> set[str] | None:
    if condition is None or "owners" not in condition.groupdict() or condition.group("owners") is None:
        return None
    return set(re.findall(r"'([^']*)'", condition.group("owners")))


def _parse(value: str) -> datetime:
    if value.endswith("Z"):
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return datetime.strptime(value, SFDATETIME).replace(tzinfo=UTC)


def _errors(code: str, message: str) -> list[dict[str, str]]:
    return [{"message": message, "errorCode": code}]


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def _xml_value(body: str, tag: str) -> str | None:
    match = re.search(rf"<(?:\w+:)?{tag}>(.*?)</(?:\w+:)?{tag}>", body, re.DOTALL)
    if match is None:
        return None
    return html.unescape(match.group(1))


def _login_response(origin: str, session_id: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><loginResponse><result>"
        f"<metadataServerUrl>{origin}/services/Soap/m/62.0/00DSTANDIN</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
        f"<serverUrl>{origin}/services/Soap/u/62.0/00DSTANDIN</serverUrl>"
        f"<sessionId>{escape(session_id)}</sessionId><userId>005STANDIN</userId>"
        "</result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )


def _login_fault() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode>"
        "<faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out."
        '</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault">'
        "<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>"
        "<sf:exceptionMessage>Invalid username, password, security token; or user locked out."
        "</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )


def _self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 that is its own CA; returns (certificate, key) paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "salesforce-standin")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "standin-cert.pem", directory / "standin-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
