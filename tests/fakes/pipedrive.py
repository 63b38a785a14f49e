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

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.contract.world import World
from tests.fakes.pipedrive_data import PipedriveAccount, rfc3339, v1_time
from tests.fakes.pipedrive_routes import NotFoundError, ValidationError, answer

__all__ = ["PipedriveStandIn", "Recorded", "rfc3339", "v1_time"]

API_TOKEN = "pd-standin-token"  # the stand-in's own fake token
WINDOW_SECONDS = 2.0
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


@dataclass(slots=True)
class PipedriveStandIn(PipedriveAccount):
    api_token: str = API_TOKEN
    burst_limit: int = 1000  # requests per 2-second window before the stand-in answers 429
    clock: Callable[[], float] = time.monotonic
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
            return 200, {"success": True, **answer(self, path, query)}
        except ValidationError as exc:
            return 400, _error(400, f"Validation failed: {exc}")
        except NotFoundError as exc:
            return 404, _error(404, str(exc))

    def _record(self, entry: Recorded) -> None:
        with self._lock:
            self.requests.append(entry)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: str
    headers: dict[str, str]


def _error(status: int, message: str) -> dict[str, Any]:
    return {"success": False, "error": message, "errorCode": status, "error_info": "Please check developers"}


def _default_body(status: int) -> dict[str, Any]:
    return DEFAULT_BODIES.get(status) or _error(status, "Internal server error" if status >= 500 else "Error")


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
