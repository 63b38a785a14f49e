"""Plumbing of the Slack stand-in: recorded calls, scripted failures, rate limits and the HTTP server."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from bot.demo.standins.slack_model import error

_Reply = tuple[int, dict[str, Any]]  # HTTP status and JSON body


class _Handles(Protocol):
    """What the HTTP handler hands requests to (SlackStandIn)."""

    def handle_api(
        self, method: str, params: dict[str, Any], auth: str | None
    ) -> tuple[int, dict[str, Any]]: ...

    def handle_response_url(self, key: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]: ...

    def receive_upload(self, file_id: str, data: bytes) -> bool: ...


@dataclass(frozen=True, slots=True)
class Call:
    """One request the stand-in received. `method` is e.g. 'users.info' or 'response_url'."""

    method: str
    params: dict[str, Any]  # {} when the stand-in was told not to record params
    status: int
    at: float


@dataclass(slots=True)
class _Failure:
    status: int
    error: str | None
    retry_after: int | None
    remaining: int
    channel: str | None = None  # only calls for this channel (a user id means their DM)
    user: str | None = None  # only calls about this user: user, users, user_id, or their DM
    take_effect: bool = False  # carry the call out (post the message), then answer the failure


@dataclass(slots=True)
class _RandomFailures:
    rate: float
    status: int
    error: str | None
    retry_after: int | None
    take_effect: bool
    rng: random.Random


@dataclass(slots=True)
class _Bucket:
    """A token bucket: `capacity` calls at once, refilled at `per_second`."""

    capacity: float
    per_second: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + max(now - self.updated, 0.0) * self.per_second)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second


@dataclass(slots=True)
class _RateLimit:
    per_channel_per_second: float | None
    burst: int
    workspace: _Bucket | None
    channels: dict[str, _Bucket] = field(default_factory=dict)

    def retry_after(self, channel: str, now: float) -> int | None:
        """None when the call may go ahead (and is counted), else the seconds to wait (at least 1)."""
        buckets = [] if self.workspace is None else [self.workspace]
        if self.per_channel_per_second:
            bucket = self.channels.get(channel)
            if bucket is None:
                bucket = _Bucket(self.burst, self.per_channel_per_second, self.burst, now)
                self.channels[channel] = bucket
            buckets.append(bucket)
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait > 0:
            return max(1, math.ceil(wait))
        for bucket in buckets:
            bucket.tokens -= 1
        return None


def _failure_response(failure: _Failure) -> tuple[int, dict[str, Any]]:
    if failure.status == 429:
        return 429, {"ok": False, "error": "ratelimited", "_retry_after": failure.retry_after or 1}
    return failure.status, error(failure.error or "internal_error")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default of 5 drops connections when a benchmark pushes in parallel


def _handler_for(standin: _Handles) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test and demo output quiet
            return

        def do_GET(self) -> None:  # Slack takes GET with a query string for most methods
            self._dispatch(dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True)))

        def do_POST(self) -> None:
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = urlsplit(self.path).path
            if path.startswith("/upload/"):  # files upload v2, step 2: the bytes, to the issued URL
                ok = standin.receive_upload(path[len("/upload/") :], data)
                self.send_response(200 if ok else 404)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(f"OK - {len(data)}".encode() if ok else b"not found")
                return
            self._dispatch(_parse_body(data.decode("utf-8"), self.headers.get("Content-Type") or ""))

        def _dispatch(self, params: dict[str, Any]) -> None:
            path = urlsplit(self.path).path
            if path.startswith("/api/"):
                auth = self.headers.get("Authorization")
                if auth is None and params.get("token"):  # Slack also takes the token as a parameter
                    auth = f"Bearer {params.pop('token')}"
                status, body = standin.handle_api(path[len("/api/") :], params, auth)
            elif path.startswith("/response/"):
                status, body = standin.handle_response_url(path[len("/response/") :], params)
            else:
                status, body = 404, error("not_found")
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
