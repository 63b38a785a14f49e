"""A local stand-in for Slack's Web API and response_urls (tests, benchmarks and `crmcoach demo`).

It answers like Slack documents: HTTP 200 with {"ok": false, "error": ...} for API errors,
HTTP 429 with Retry-After when rate limited, invalid_blocks for messages Slack would reject,
and a response_url that takes at most 5 posts. Every call is recorded for assertions.

The workspace: users (add_user, deactivate_user,
reactivate_user), channels (add_channel; a DM is "D" + the user id),
the messages posted to each (messages_in) and the views opened (views). The methods themselves live
in bot/demo/standins/slack_methods.py. Scripting: fail_next, fail_randomly and limit_rate.
"""

from __future__ import annotations

import copy
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from itertools import count
from typing import Any

from bot.demo.standins.slack_http import (
    Call,
    _Bucket,
    _Failure,
    _failure_response,
    _handler_for,
    _RandomFailures,
    _RateLimit,
    _Server,
)
from bot.demo.standins.slack_methods import API_METHODS
from bot.demo.standins.slack_model import (
    MESSAGE_BLOCK_LIMIT,
    VIEW_BLOCK_LIMIT,
    Channel,
    Deactivation,
    block_problem,
    error,
    resolve_channel,
    ts_of,
)

__all__ = ["MESSAGE_BLOCK_LIMIT", "VIEW_BLOCK_LIMIT", "Call", "Channel", "SlackStandIn"]

RESPONSE_URL_MAX_POSTS = 5
APP_TOKEN_METHODS = {"apps.connections.open"}


@dataclass(slots=True)
class SlackStandIn:
    bot_token: str = "xoxb-standin-token"  # noqa: S105 - the stand-in's own fake token
    app_token: str = "xapp-standin-token"  # noqa: S105
    team_id: str = "T0STANDIN"
    team_name: str = "Stand-in Org"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # by id, as views.open/update left them
    usergroups: dict[str, list[str]] = field(default_factory=dict)  # S… -> member user ids
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # F… -> filename, content, shared
    calls: list[Call] = field(default_factory=list)
    record_params: bool = True  # False keeps calls[] but not their params (benchmarks)
    clock: Callable[[], float] = time.monotonic  # what the rate limits count time with
    wall_clock: Callable[[], float] = time.time  # what message ts are made from (never going backwards)
    history_page_cap: int = 999  # conversations.history: 15 for newer non-Marketplace apps
    _emails: dict[str, str] = field(default_factory=dict)
    _deactivated: dict[str, Deactivation] = field(default_factory=dict)
    _used_triggers: set[str] = field(default_factory=set)
    _last_ts: int = 0
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _random_failures: dict[str, _RandomFailures] = field(default_factory=dict)
    _rate_limits: dict[str, _RateLimit] = field(default_factory=dict)
    _response_posts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None
    _ids: Any = field(default_factory=lambda: count(1))

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> SlackStandIn:
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval: stop() waits for the serving loop to notice, once per test.
        serve = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="slack-standin",
            daemon=True,
        )
        serve.start()
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

    # --- the workspace ---------------------------------------------------------------------
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
        with self._lock:
            if (previous := self.users.get(user_id)) and previous["profile"].get("email"):
                self._emails.pop(previous["profile"]["email"].lower(), None)
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
            if email is not None:
                self._emails[email.lower()] = user_id

    def deactivate_user(
        self, user_id: str, *, open_error: str = "user_disabled", post_error: str | None = "account_inactive"
    ) -> None:
        """users.info shows "deleted": true; conversations.open answers `open_error` for them and
        posting to their DM `post_error` (None: the post goes through, as Slack has been seen to do)."""
        with self._lock:
            self.users[user_id]["deleted"] = True
            self._deactivated[user_id] = Deactivation(open_error, post_error)

    def reactivate_user(self, user_id: str) -> None:
        """Undo deactivate_user: users.info shows "deleted": false and their DM works again."""
        with self._lock:
            self.users[user_id]["deleted"] = False
            self._deactivated.pop(user_id, None)

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        members: Iterable[str] = (),
        bot_is_member: bool = True,
        archived: bool = False,
    ) -> None:
        """Declare a channel (posting to undeclared channels answers channel_not_found).
        Declaring it again changes its flags and keeps its messages."""
        with self._lock:
            channel = self.channels.setdefault(channel_id, Channel(channel_id, name or channel_id.lower()))
            channel.name = name or channel.name
            channel.members = set(members)
            channel.bot_is_member, channel.archived = bot_is_member, archived

    @staticmethod
    def dm_channel_id(user_id: str) -> str:
        return f"D{user_id}"

    def receive_upload(self, file_id: str, data: bytes) -> bool:
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is None:
                return False
            upload["content"] = data
            return True

    def dm(self, user_id: str) -> Channel:
        """The DM channel with a user, created on first use (the caller holds the lock or owns the state)."""
        channel_id = self.dm_channel_id(user_id)
        channel = self.channels.get(channel_id)
        if channel is None:
            channel = Channel(channel_id, user_id, user=user_id, members={user_id})
            self.channels[channel_id] = channel
        return channel

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Copies of the messages in a channel (or a user's DM), oldest first, metadata included."""
        with self._lock:
            found = resolve_channel(self, channel, by_user=True)
            return copy.deepcopy(found.messages) if found else []

    def _next_ts(self) -> str:
        self._last_ts = max(int(self.wall_clock() * 1_000_000), self._last_ts + 1)
        return ts_of(self._last_ts)

    # --- scripting -------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
        user: str | None = None,
        take_effect: bool = False,
    ) -> None:
        """Make the next `times` calls of `method` fail: a 429 (with Retry-After), a 5xx or an API error.
        With `channel` or `user`, only calls for that channel / about that user (and their DM) fail.
        take_effect=True carries the call out first (the message is posted), like a timeout after success."""
        with self._lock:
            failure = _Failure(status, error, retry_after, times, channel, user, take_effect)
            self._failures.setdefault(method, []).append(failure)

    def fail_randomly(
        self,
        method: str,
        rate: float = 0.05,
        *,
        status: int = 500,
        error: str | None = None,
        retry_after: int | None = None,
        seed: int | None = None,
        take_effect: bool = False,
    ) -> None:
        """Fail each call of `method` with probability `rate` (the same calls fail for the same seed
        and call order). rate=0 stops it."""
        with self._lock:
            if rate <= 0:
                self._random_failures.pop(method, None)
                return
            rng = random.Random(seed)  # noqa: S311 - a reproducible storm, not a secret
            storm = _RandomFailures(rate, status, error, retry_after, take_effect, rng)
            self._random_failures[method] = storm

    def limit_rate(
        self,
        method: str,
        *,
        per_channel_per_second: float | None = None,
        workspace_per_minute: float | None = None,
        burst: int = 1,
    ) -> None:
        """Enforce Slack-like limits on `method`: per channel (`burst` calls at once, refilled at
        `per_channel_per_second`) and for the workspace (`workspace_per_minute`, all of it usable at once).
        Calls over a limit get 429 + Retry-After. Both None lifts the limits."""
        with self._lock:
            if not per_channel_per_second and not workspace_per_minute:
                self._rate_limits.pop(method, None)
                return
            workspace = None
            if workspace_per_minute:
                capacity = float(workspace_per_minute)
                workspace = _Bucket(capacity, capacity / 60.0, capacity, self.clock())
            self._rate_limits[method] = _RateLimit(per_channel_per_second, max(burst, 1), workspace)

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

    # --- request handling (under the lock) -------------------------------------------------
    def _channel_key(self, channel: Any) -> str:
        channel = str(channel or "")
        return self.dm_channel_id(channel) if channel in self.users else channel

    def _targets(self, failure: _Failure, params: dict[str, Any]) -> bool:
        channel = self._channel_key(params.get("channel"))
        if failure.channel is not None and channel != self._channel_key(failure.channel):
            return False
        if failure.user is None:
            return True
        about = {str(params.get(key) or "") for key in ("user", "users", "user_id")}
        return failure.user in about or channel == self.dm_channel_id(failure.user)

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        queue = self._failures.get(method) or []
        for index, failure in enumerate(queue):
            if self._targets(failure, params):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.pop(index)
                return failure
        storm = self._random_failures.get(method)
        if storm is not None and storm.rng.random() < storm.rate:
            return _Failure(storm.status, storm.error, storm.retry_after, 1, take_effect=storm.take_effect)
        return None

    def _record(self, method: str, params: dict[str, Any], status: int) -> None:
        self.calls.append(Call(method, params if self.record_params else {}, status, time.time()))

    def _answer(self, method: str, params: dict[str, Any], auth: str | None) -> tuple[int, dict[str, Any]]:
        failure = self._take_failure(method, params)
        if failure is not None and not failure.take_effect:
            return _failure_response(failure)
        status, body = self._carry_out(method, params, auth)
        return (status, body) if failure is None else _failure_response(failure)

    def _carry_out(self, method: str, params: dict[str, Any], auth: str | None) -> tuple[int, dict[str, Any]]:
        if auth != f"Bearer {self.app_token if method in APP_TOKEN_METHODS else self.bot_token}":
            return 200, error("not_authed" if not auth else "invalid_auth")
        limit = self._rate_limits.get(method)
        if limit is not None:
            wait = limit.retry_after(self._channel_key(params.get("channel")), self.clock())
            if wait is not None:
                return 429, {"ok": False, "error": "ratelimited", "_retry_after": wait}
        handler = API_METHODS.get(method)
        if handler is None:
            return 200, error("unknown_method")
        try:
            return 200, handler(self, params)
        except Exception as exc:  # a stand-in bug or input it cannot read: say so instead of hanging up
            return 500, error("fatal_error", f"stand-in failed on {method}: {exc!r}")

    def handle_api(self, method: str, params: dict[str, Any], auth: str | None) -> tuple[int, dict[str, Any]]:
        with self._lock:
            status, body = self._answer(method, params, auth)
            self._record(method, params, status)
        return status, body

    def handle_response_url(self, key: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            failure = self._take_failure("response_url", payload)
            if failure is not None:
                status, body = _failure_response(failure)
            else:
                used = self._response_posts.get(key, 0)
                self._response_posts[key] = used + 1
                if used >= RESPONSE_URL_MAX_POSTS:
                    status, body = 404, error("used_url")
                elif (problem := block_problem(payload.get("blocks"), MESSAGE_BLOCK_LIMIT)) is not None:
                    status, body = 400, error("invalid_blocks", problem)
                elif not payload.get("text") and not payload.get("blocks"):
                    status, body = 400, error("no_text")
                else:
                    status, body = 200, {"ok": True}
            self._record("response_url", {"key": key, **payload}, status)
        return status, body
