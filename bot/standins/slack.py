"""A local stand-in for Slack's Web API and response_urls (tests and `crmcoach demo`).

It answers like Slack documents: HTTP 200 with {"ok": false, "error": ...} for API errors,
HTTP 429 with Retry-After when rate limited, invalid_blocks for messages Slack would reject,
and a response_url that takes at most 5 posts. Every call is recorded for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qsl

MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
RESPONSE_URL_MAX_POSTS = 5
APP_TOKEN_METHODS = {"apps.connections.open"}
KNOWN_BLOCK_TYPES = {"section", "header", "context", "divider", "actions", "image", "input", "rich_text"}


@dataclass(frozen=True, slots=True)
class Call:
    """One request the stand-in received. `method` is e.g. 'users.info' or 'response_url'."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass(slots=True)
class _Failure:
    status: int
    error: str | None
    retry_after: int | None
    remaining: int


@dataclass(slots=True)
class SlackStandIn:
    bot_token: str = "xoxb-standin-token"  # noqa: S105 - the stand-in's own fake token
    app_token: str = "xapp-standin-token"  # noqa: S105
    team_id: str = "T0STANDIN"
    team_name: str = "Stand-in Org"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _response_posts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _ids: Any = field(default_factory=lambda: count(1))

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> SlackStandIn:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="slack-standin", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return f"{self.origin}/api/"

    def response_url(self, key: str | None = None) -> str:
        return f"{self.origin}/response/{key or next(self._ids)}"

    # --- scripting -------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        email: str | None,
        tz: str = "Europe/Vienna",
        locale: str = "en-US",
        is_bot: bool = False,
    ) -> None:
        profile: dict[str, Any] = {"real_name": name, "display_name": name.split(" ", maxsplit=1)[0]}
        if email is not None:
            profile["email"] = email
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.split(" ", maxsplit=1)[0].lower(),
            "real_name": name,
            "deleted": False,
            "is_bot": is_bot,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": 0,
            "locale": locale,
            "profile": profile,
        }

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` fail: a 429 (with Retry-After), a 5xx or an API error."""
        with self._lock:
            self._failures.setdefault(method, []).append(_Failure(status, error, retry_after, times))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, *, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until `count` successful calls of `method` arrived; raises TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [call for call in self.calls_to(method) if call.status == 200]
            if len(done) >= count:
                return done
            time.sleep(0.01)
        raise TimeoutError(f"expected {count} call(s) to {method}, got {self.calls_to(method)}")

    # --- request handling ------------------------------------------------------------------
    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            queue = self._failures.get(method) or []
            if not queue:
                return None
            failure = queue[0]
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.pop(0)
            return failure

    def _record(self, method: str, params: dict[str, Any], status: int) -> None:
        with self._lock:
            self.calls.append(Call(method, params, status, time.time()))

    def handle_api(self, method: str, params: dict[str, Any], auth: str | None) -> tuple[int, dict[str, Any]]:
        failure = self._take_failure(method)
        if failure is not None:
            status, body = _failure_response(failure)
        elif auth != f"Bearer {self.app_token if method in APP_TOKEN_METHODS else self.bot_token}":
            status, body = 200, {"ok": False, "error": "not_authed" if not auth else "invalid_auth"}
        else:
            handler = _API_METHODS.get(method)
            status, body = (200, handler(self, params)) if handler else (200, _error("unknown_method"))
        self._record(method, params, status)
        return status, body

    def handle_response_url(self, key: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        failure = self._take_failure("response_url")
        if failure is not None:
            status, body = _failure_response(failure)
        else:
            with self._lock:
                used = self._response_posts.get(key, 0)
                self._response_posts[key] = used + 1
            if used >= RESPONSE_URL_MAX_POSTS:
                status, body = 404, _error("used_url")
            elif (problem := _block_problem(payload.get("blocks"), MESSAGE_BLOCK_LIMIT)) is not None:
                status, body = 400, _error("invalid_blocks", problem)
            elif not payload.get("text") and not payload.get("blocks"):
                status, body = 400, _error("no_text")
            else:
                status, body = 200, {"ok": True}
        self._record("response_url", {"key": key, **payload}, status)
        return status, body


def _error(error: str, detail: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error": error}
    if detail:
        body["response_metadata"] = {"messages": [f"[ERROR] {detail}"]}
    return body


def _failure_response(failure: _Failure) -> tuple[int, dict[str, Any]]:
    if failure.status == 429:
        return 429, {"ok": False, "error": "ratelimited", "_retry_after": failure.retry_after or 1}
    return failure.status, _error(failure.error or "internal_error")


def _block_problem(blocks: Any, limit: int) -> str | None:
    if blocks is None:
        return None
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except json.JSONDecodeError:
            return "blocks is not valid JSON"
    return _block_list_problem(blocks, limit)


def _block_list_problem(blocks: Any, limit: int) -> str | None:
    if not isinstance(blocks, list):
        return "blocks must be an array"
    if len(blocks) > limit:
        return f"no more than {limit} items allowed [json-pointer:/blocks]"
    for index, block in enumerate(blocks):
        if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCK_TYPES:
            return f"unsupported type [json-pointer:/blocks/{index}/type]"
        text = block.get("text")
        if block["type"] == "section" and isinstance(text, dict) and len(text.get("text", "")) > 3000:
            return f"must be less than 3001 characters [json-pointer:/blocks/{index}/text/text]"
    return None


def _auth_test(standin: SlackStandIn, _params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://standin.slack.com/",
        "team": standin.team_name,
        "user": "crmcoach",
        "team_id": standin.team_id,
        "user_id": "U0BOT",
        "bot_id": "B0BOT",
        "is_enterprise_install": False,
    }


def _users_info(standin: SlackStandIn, params: dict[str, Any]) -> dict[str, Any]:
    user = standin.users.get(str(params.get("user")))
    if user is None:
        return _error("user_not_found")
    user = dict(user)
    if str(params.get("include_locale", "")).lower() not in ("true", "1"):
        user.pop("locale", None)  # Slack only returns the locale when asked for it
    return {"ok": True, "user": user}


def _views_publish(_standin: SlackStandIn, params: dict[str, Any]) -> dict[str, Any]:
    view = params.get("view")
    view = json.loads(view) if isinstance(view, str) else view
    if not isinstance(view, dict) or not params.get("user_id"):
        return _error("invalid_arguments")
    if (problem := _block_problem(view.get("blocks"), VIEW_BLOCK_LIMIT)) is not None:
        return _error("invalid_blocks", problem)
    return {"ok": True, "view": {"id": "V0STANDIN", "type": view.get("type"), "blocks": view.get("blocks")}}


def _chat_post_message(standin: SlackStandIn, params: dict[str, Any]) -> dict[str, Any]:
    channel = params.get("channel")
    if not channel:
        return _error("channel_not_found")
    if (problem := _block_problem(params.get("blocks"), MESSAGE_BLOCK_LIMIT)) is not None:
        return _error("invalid_blocks", problem)
    if not params.get("text") and not params.get("blocks"):
        return _error("no_text")
    ts = f"{time.time():.6f}"
    return {"ok": True, "channel": channel, "ts": ts, "message": {"ts": ts, "text": params.get("text")}}


def _apps_connections_open(standin: SlackStandIn, _params: dict[str, Any]) -> dict[str, Any]:
    # No WebSocket server behind it: enough to check that Socket Mode is chosen and authenticated.
    return {"ok": True, "url": "ws://127.0.0.1:1/link/?ticket=standin&app_id=A0CRMCOACH"}


_API_METHODS: dict[str, Callable[[SlackStandIn, dict[str, Any]], dict[str, Any]]] = {
    "apps.connections.open": _apps_connections_open,
    "auth.test": _auth_test,
    "users.info": _users_info,
    "views.publish": _views_publish,
    "chat.postMessage": _chat_post_message,
}


def _handler_for(standin: SlackStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test and demo output quiet
            return

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            params = _parse_body(raw, self.headers.get("Content-Type") or "")
            if self.path.startswith("/api/"):
                status, body = standin.handle_api(
                    self.path[len("/api/") :].split("?")[0], params, self.headers.get("Authorization")
                )
            elif self.path.startswith("/response/"):
                status, body = standin.handle_response_url(self.path[len("/response/") :], params)
            else:
                status, body = 404, _error("not_found")
            self._send(status, body)

        def _send(self, status: int, body: dict[str, Any]) -> None:
            retry_after = body.pop("_retry_after", None)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _parse_body(raw: str, content_type: str) -> dict[str, Any]:
    if "application/json" in content_type:
        try:
            parsed = json.loads(raw or "{}")
        except json.JSONDecodeError:
            return {"_invalid_json": raw}
        return parsed if isinstance(parsed, dict) else {"_body": parsed}
    return dict(parse_qsl(raw, keep_blank_values=True))
