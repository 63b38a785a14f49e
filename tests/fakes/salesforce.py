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

import json
import re
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.salesforce_org import (
    SOQL_CHANGED,
    SOQL_SELECT,
    SOQL_WHERE,
    UNCHANGED_SINCE,
    Json,
    SalesforceOrg,
    parse_time,
    record_of,
)
from tests.fakes.salesforce_wire import (
    Answer,
    Request,
    Script,
    errors,
    handler_for,
    login_fault,
    login_response,
    self_signed_certificate,
    xml_value,
)

DEFAULT_BATCH_SIZE = 2000
COMPOSITE_MAX_SUBREQUESTS = 25
COMPOSITE_MAX_QUERIES = 5
DATA_PATH = re.compile(r"^/services/data/v(?P<version>\d+\.\d)/(?P<rest>.*)$")
QUERY_MORE = re.compile(r"^query/(?P<locator>01g\w+)-(?P<offset>\d+)$")
__all__ = ["DEFAULT_BATCH_SIZE", "Request", "SalesforceStandIn"]


@dataclass
class SalesforceStandIn(SalesforceOrg):
    access_token: str = "00DSTANDIN!AQ.standin-session"  # the stand-in's own fake credentials
    username: str = "coach@example.com"
    password: str = "correct horse"
    security_token: str = "TOKEN123"
    batch_size: int = DEFAULT_BATCH_SIZE
    daily_limit: int = 100_000
    api_used: int = 0
    hidden_objects: set[str] = field(default_factory=set)  # objects the API user may not read
    workdir: Path | None = None  # where the certificate goes; a temporary directory by default
    requests: list[Request] = field(default_factory=list)
    _sessions: set[str] = field(default_factory=set)
    _scripts: list[Script] = field(default_factory=list)
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
        cert, key = self_signed_certificate(self.workdir)
        self.ca_bundle = cert
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._sessions.add(self.access_token)
        self._released.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(self.handle))
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
        self._script(Script("fail", times, status=status, body=payload, retry_after=retry_after))

    def hang_next(self, seconds: float, *, times: int = 1) -> None:
        """The next `times` requests get no answer for `seconds` (then the connection is dropped)."""
        self._script(Script("hang", times, seconds=seconds))

    def malformed_next(self, *, times: int = 1) -> None:
        """The next `times` requests get HTTP 200 with a body that is not JSON."""
        self._script(Script("malformed", times))

    def expire_sessions(self) -> None:
        """Every session id stops working, as after a password change or a revoked token."""
        with self._lock:
            self._sessions.clear()

    def soql_sent(self) -> list[str]:
        with self._lock:
            return [soql for request in self.requests for soql in request.soql]

    def _script(self, script: Script) -> None:
        with self._lock:
            self._scripts.append(script)

    def _take_script(self) -> Script | None:
        with self._lock:
            if not self._scripts:
                return None
            script = self._scripts[0]
            script.remaining -= 1
            if script.remaining <= 0:
                self._scripts.pop(0)
            return script

    # --- answering -----------------------------------------------------------------------------
    def handle(self, method: str, target: str, body: str, headers: dict[str, str]) -> Answer | None:
        """The answer to one request; None means: drop the connection without answering."""
        parts = urlsplit(target)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        script = self._take_script()
        if script is not None and script.kind == "hang":
            self._released.wait(script.seconds)
            answer = None
        elif script is not None and script.kind == "malformed":
            answer = Answer(200, raw=b'{"totalSize": 3, "done": tr')
        elif script is not None:
            answer = Answer(script.status, script.body, retry_after=script.retry_after)
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

    def _rest(self, method: str, path: str, query: dict[str, str], body: str, auth: str) -> Answer:
        with self._lock:
            valid = auth.removeprefix("Bearer ") in self._sessions and auth.startswith("Bearer ")
            exhausted = self.api_used >= self.daily_limit
            if valid and not exhausted:
                self.api_used += 1
            usage = f"api-usage={self.api_used}/{self.daily_limit}"
        if not valid:
            return Answer(401, errors("INVALID_SESSION_ID", "Session expired or invalid"), usage=usage)
        if exhausted:
            return Answer(403, errors("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), usage=usage)
        match = DATA_PATH.match(path)
        if match is None:
            return Answer(404, errors("NOT_FOUND", "The requested resource does not exist"), usage=usage)
        rest = match.group("rest")
        if method == "POST" and rest == "composite":
            status, payload = self._composite(body)
        elif method == "GET":
            status, payload = self._get(path, rest, query)
        else:
            status, payload = 404, errors("NOT_FOUND", "The requested resource does not exist")
        return Answer(status, payload, usage=usage)

    def _get(self, path: str, rest: str, query: dict[str, str]) -> tuple[int, Json]:
        version_path = path[: len(path) - len(rest)]
        if rest in ("query", "query/") and "q" in query:
            return self._query(query["q"], version_path)
        if rest in ("queryAll", "queryAll/") and "q" in query:
            return self._query(query["q"], version_path, include_deleted=True)
        if more := QUERY_MORE.match(rest):
            with self._lock:
                records = self._cursors.get(more.group("locator"))
            if records is None:
                return 400, errors("INVALID_QUERY_LOCATOR", "invalid query locator")
            return 200, self._batch(records, int(more.group("offset")), more.group("locator"), version_path)
        return 404, errors("NOT_FOUND", "The requested resource does not exist")

    def _composite(self, body: str) -> tuple[int, Json]:
        try:
            subrequests = json.loads(body)["compositeRequest"]
        except (json.JSONDecodeError, KeyError, TypeError):
            return 400, errors("JSON_PARSER_ERROR", "compositeRequest is required")
        queries = sum(1 for sub in subrequests if "/query" in str(sub.get("url", "")))
        if len(subrequests) > COMPOSITE_MAX_SUBREQUESTS or queries > COMPOSITE_MAX_QUERIES:
            return 400, errors("INVALID_BATCH_REQUEST", "too many subrequests or query operations")
        answers = []
        for sub in subrequests:
            parts = urlsplit(str(sub.get("url", "")))
            match = DATA_PATH.match(parts.path)
            if sub.get("method") != "GET" or match is None:
                status, payload = 400, errors("INVALID_BATCH_REQUEST", "unsupported subrequest")
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
        select = SOQL_SELECT.match(soql)
        if select is None or select.group("object") not in SOQL_WHERE:
            return 400, errors("MALFORMED_QUERY", f"unexpected query: {soql}")
        entity, where = select.group("object"), select.group("where")
        if entity in self.hidden_objects:
            return 400, errors(
                "INVALID_TYPE",
                f"\n{soql}\n^\nERROR at Row:1:Column:1\nsObject type '{entity}' is not supported. If you "
                "are attempting to use a custom object, be sure to append the '__c' after the entity name.",
            )
        shape = SOQL_WHERE[entity]
        changed = SOQL_CHANGED.match(where or "") if entity in ("Opportunity", "Task", "Event") else None
        condition = shape.match(where) if shape is not None and where is not None else None
        if changed is not None:
            since = parse_time(changed.group("since"))
            rows = [
                row
                for row in self.table(entity)
                if parse_time(row.get("SystemModstamp") or UNCHANGED_SINCE) > since
            ]
        elif (shape is None) != (where is None) or (shape is not None and condition is None):
            return 400, errors("MALFORMED_QUERY", f"unexpected WHERE clause for {entity}: {where}")
        else:
            rows = self.rows_of(entity, condition)
        if not include_deleted:
            rows = [row for row in rows if not row.get("IsDeleted")]
        fields = select.group("fields").split(", ")
        known = self.fields_of(entity)
        for name in fields:
            if name.split(".")[0] not in known:
                return 400, errors(
                    "INVALID_FIELD",
                    f"\n{soql}\n^\nERROR at Row:1:Column:8\nNo such column '{name}' on entity '{entity}'. "
                    "If you are attempting to use a custom field, be sure to append the '__c' after the "
                    "custom field name.",
                )
        records = [record_of(entity, row, fields, version_path) for row in rows]
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

    def _login(self, body: str) -> Answer:
        username = xml_value(body, "username")
        password = xml_value(body, "password")
        if username != self.username or password != self.password + self.security_token:
            return Answer(500, raw=login_fault().encode(), content_type="text/xml;charset=UTF-8")
        session_id = f"00DSTANDIN!AQ.session-{next(self._locators)}"
        with self._lock:
            self._sessions.add(session_id)
        return Answer(
            200, raw=login_response(self.origin, session_id).encode(), content_type="text/xml;charset=UTF-8"
        )
