"""A local stand-in for HubSpot's CRM v3 API: owners, the object search endpoints and the deal pipelines
(GET /crm/v3/pipelines/deals, tests/fakes/hubspot_pipelines.py). The portal's data is in
hubspot_portal.py, what each path answers in hubspot_routes.py.

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
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.hubspot_portal import ALL_SCOPES, HubSpotPortal
from tests.fakes.hubspot_routes import answer, error

__all__ = ["ALL_SCOPES", "HubSpotStandIn", "Request"]

TOKEN = "pat-na1-standin-token"  # the stand-in's own fake token


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
class HubSpotStandIn(HubSpotPortal):
    access_token: str = TOKEN
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
            status, payload = script.status, json.dumps(script.body or error("INTERNAL_ERROR", "")).encode()
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
            return 401, error(
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and "
                "you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
            )
        return answer(self, method, path, query, body)


def _rate_limit_body(policy: str) -> dict[str, Any]:
    return {
        "status": "error",
        "message": f"You have reached your {policy.lower()} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": str(uuid.uuid4()),
        "policyName": policy,
        "requestId": str(uuid.uuid4()),
    }


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
